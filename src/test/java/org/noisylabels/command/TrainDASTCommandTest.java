package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.noisylabels.cli.Cli.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.Progress;
import org.noisylabels.method.DAST;
import org.noisylabels.noise.Morphology;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;

import org.noisylabels.train.UNet;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Train › DAST end to end: a tiny training from the command line (clean set as images and as folders)
 * whose model Apply Model uses, the refusals when the clean set is missing, and the method's step
 * bookkeeping over a short run on the trainer.
 */
public class TrainDASTCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	/** Bright discs on a dark background, and their mask (0/255); {@code grow} dilates the mask (noisy labels). */
	private static ImagePlus[] discs(final String name, final int w, final int h, final int shift, final int grow) {
		final float[] px = new float[w * h];
		final byte[] m = new byte[w * h];
		for (int i = 0; i < px.length; i++) {
			final int x = i % w, y = i / w;
			final int dx = (x + shift) % 16 - 8, dy = (y + shift) % 16 - 8;
			final boolean fg = dx * dx + dy * dy < 20;
			px[i] = (fg ? 60 : 10) + (i * 7919 % 11);
			m[i] = (byte) (fg ? 255 : 0);
		}
		final ImagePlus lab = new ImagePlus(name + "-label", new ByteProcessor(w, h, m));
		final ImagePlus noisy = grow > 0 ? Morphology.dilate(lab, grow, false) : lab;
		return new ImagePlus[] { new ImagePlus(name, new FloatProcessor(w, h, px)), noisy };
	}

	private File save(final ImagePlus imp, final File dir, final String name) {
		dir.mkdirs();
		final File f = new File(dir, name);
		IJ.saveAsTiff(imp, f.getPath());
		return f;
	}

	private static final String[] TINY = { "iterations=6", "batch_size=2", "dast_clean_batch_size=1", "patch_size=32",
		"base_channels=4", "depth=2", "dast_rank_length=3", "rampup_start=0", "rampup_end=4", "validation_fraction=0" };

	private static String[] args(final String[] extra, final String... a) {
		final List<String> all = new ArrayList<>();
		all.add("DAST");
		all.addAll(Arrays.asList(a));
		all.addAll(Arrays.asList(extra));
		return all.toArray(new String[0]);
	}

	private static void assertBadInput(final Object[] r, final String part, final File noOutput) {
		assertEquals(r[2].toString(), 2, r[0]);
		int errors = 0;
		for (final String line : r[2].toString().split("\n"))
			if (line.startsWith("error:")) {
				errors++;
				assertTrue(line, line.contains(part));
			}
		assertEquals(r[2].toString(), 1, errors);
		assertFalse(noOutput + " must not exist", noOutput.exists());
	}

	@Test
	public void trainsFromTheCommandLineAndItsModelApplies() throws Exception {
		final File dir = tmp.getRoot();
		final ImagePlus[] noisy = discs("noisy", 48, 48, 0, 2), clean = discs("clean", 40, 40, 5, 0);
		final File img = save(noisy[0], dir, "noisy.tif"), lab = save(noisy[1], dir, "noisy-label.tif");
		final File cimg = save(clean[0], dir, "clean.tif"), clab = save(clean[1], dir, "clean-label.tif");
		final File model = new File(dir, "model");
		final Object[] r = cli(args(TINY, "image=" + img, "label=" + lab, "clean_image=" + cimg, "clean_label=" + clab,
			"model=" + model, "dast_select_ratio=0.3", "dast_st_w=0.2"));
		assertEquals(r[2].toString(), 0, r[0]);
		final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()),
			StandardCharsets.UTF_8);
		for (final String part : new String[] { "\"method\": \"dast\"", "\"dast_select_ratio\": 0.3", "\"dast_st_w\": 0.2",
			"\"dast_rank_length\": 3", "\"dast_clean_batch_size\": 1", "\"stream_batch_sizes\": \"[2, 1]\"" })
			assertTrue(part + " in " + json, json.contains(part));
		final File prob = new File(dir, "prob.tif");
		final Object[] a = cli("Apply Model", "model=" + model, "image=" + img, "probability=" + prob);
		assertEquals(a[2].toString(), 0, a[0]);
		final ImagePlus p = IJ.openImage(prob.getPath());
		assertEquals(48, p.getWidth());
		for (final float v : (float[]) p.getProcessor().getPixels()) assertTrue(v >= 0 && v <= 1);

		// the clean set as folders
		final File cif = new File(dir, "clean-images"), clf = new File(dir, "clean-labels");
		save(clean[0], cif, "a.tif");
		save(clean[1], clf, "a.tif");
		final File model2 = new File(dir, "model2");
		final Object[] f = cli(args(TINY, "image=" + img, "label=" + lab, "clean_image_folder=" + cif,
			"clean_label_folder=" + clf, "model=" + model2));
		assertEquals(f[2].toString(), 0, f[0]);
		assertTrue(new File(model2, ModelInfo.JSON).isFile());
	}

	@Test
	public void refusesWithoutACleanSet() throws Exception {
		final File dir = tmp.getRoot();
		final ImagePlus[] noisy = discs("noisy", 40, 40, 0, 2);
		final File img = save(noisy[0], dir, "noisy.tif"), lab = save(noisy[1], dir, "noisy-label.tif");
		final File model = new File(dir, "model");
		assertBadInput(cli(args(TINY, "image=" + img, "label=" + lab, "model=" + model)),
			"DAST needs a set with clean labels: give clean_image and clean_label", model);
		assertBadInput(cli(args(TINY, "image=" + img, "label=" + lab, "clean_image=" + img, "model=" + model)),
			"missing input 'clean_label'", model);
		assertBadInput(cli(args(TINY, "image=" + img, "label=" + lab, "clean_image=" + img, "clean_label=" + lab,
			"clean_image_folder=" + dir, "model=" + model)), "not both", model);
		final File empty = new File(dir, "empty");
		empty.mkdirs();
		assertBadInput(cli(args(TINY, "image=" + img, "label=" + lab, "clean_image_folder=" + empty,
			"clean_label_folder=" + empty, "model=" + model)), "clean set (clean_image_folder, clean_label_folder)", model);
		assertBadInput(cli(args(TINY, "image=" + img, "label=" + lab, "clean_image=" + img, "clean_label=" + lab,
			"dast_select_ratio=2", "model=" + model)), "dast_select_ratio=2", model);
	}

	/**
	 * Over a short run, every step's ranks equal an independent queue fed with the step's scores (rank −1 for
	 * the first L steps), and its two decisions follow the rule from its scores and ranks.
	 */
	@Test
	public void everyStepRanksAndDecidesByTheRule() {
		final ImagePlus[] noisy = discs("noisy", 48, 48, 0, 2), clean = discs("clean", 32, 32, 5, 0);
		final TrainingData n = TrainingData.fromImages(noisy[0], noisy[1], null, null, Normalization.zscore(), 0, "image",
			"label");
		final TrainingData c = TrainingData.fromImages(clean[0], clean[1], null, null, Normalization.zscore(), 2,
			"clean_image", "clean_label");
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 1;
		cfg.network.baseChannels = 4;
		cfg.batchSize = 2;
		cfg.patchSize = 32;
		cfg.validationFraction = 0;
		cfg.iterations = 20;
		cfg.threads = 1;
		final List<float[]> steps = new ArrayList<>();
		final org.noisylabels.train.StepGraph[] graph = new org.noisylabels.train.StepGraph[1];
		final DAST d = new DAST() {

			@Override
			public Operand<TFloat32> buildLoss(final org.noisylabels.train.StepGraph g) {
				graph[0] = g;
				return super.buildLoss(g);
			}

			@Override
			public void afterStep(final org.noisylabels.train.StepContext context, final double loss) {
				steps.add(context.fetched(DAST.FETCH));
				super.afterStep(context, loss);
			}
		};
		d.dast_clean_batch_size = 1;
		d.dast_rank_length = 4;
		d.dast_select_ratio = 0.5; // divergence at ranks >= 2, self-training at ranks <= 2
		d.rampup_start = 0;
		d.rampup_end = 10;
		try (Trainer.Outcome out = new Trainer(cfg, d).train(Arrays.asList(n, c), null, Progress.NONE, s -> {})) {
			final DAST.Stats s = d.stats();
			assertEquals(s.toString(), 20, s.steps);
			assertEquals(s.toString(), 16, s.rankedSteps);
			assertEquals(s.toString(), 0, s.mismatches);
			final DAST.RankQueue qn = new DAST.RankQueue(4), qc = new DAST.RankQueue(4);
			long terms = 0;
			for (int i = 0; i < steps.size(); i++) {
				final float[] v = steps.get(i);
				final int rn = qn.add(v[0]), rc = qc.add(v[1]);
				if (i < 4) assertEquals(-1, rn);
				// exact: ranks are counts, decisions 0/1
				assertEquals("step " + i, rn, v[2], 0f);
				assertEquals("step " + i, rc, v[3], 0f);
				assertEquals("step " + i, v[0] < v[1] && rc >= 2 ? 1f : 0f, v[4], 0f);
				assertEquals("step " + i, v[0] < v[1] && rn <= 2 ? 1f : 0f, v[5], 0f);
				terms += (long) (v[4] + v[5]);
			}
			assertEquals(s.dbcSteps + s.stSteps, terms);
			assertTrue("some step added an extra term: " + s, terms > 0);
			assertEquals(2, out.info.heads);
			assertTrue(Double.isFinite(out.curve.getValue("loss", out.curve.size() - 1)));
			// the model predicts with the clean head: both heads of the trained network on a clean image
			final Ops tf = graph[0].tf();
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 32, 32, 1)));
			final UNet.Forward f = graph[0].network(0).forward(in, false);
			final org.noisylabels.train.Sample sample = c.sample(0);
			final float[][] heads = new float[2][];
			try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, 32, 32, 1), DataBuffers.of(sample.image, true, false));
				Result r = out.session().runner().feed(in, t).fetch(f.probabilities(DAST.CLEAN_HEAD)).fetch(f.probabilities(
					DAST.NOISY_HEAD)).run())
			{
				for (int h = 0; h < 2; h++) {
					final TFloat32 p = (TFloat32) r.get(h);
					final float[] all = new float[32 * 32 * 2];
					p.copyTo(DataBuffers.of(all, false, false));
					heads[h] = new float[32 * 32];
					for (int i = 0; i < heads[h].length; i++) heads[h][i] = all[2 * i + 1]; // foreground
				}
			}
			final float[] predicted = out.predictor().predictNormalized(sample.image, 32, 32, Progress.NONE)[0];
			double toClean = 0, toNoisy = 0;
			for (int i = 0; i < predicted.length; i++) {
				toClean = Math.max(toClean, Math.abs(predicted[i] - heads[0][i]));
				toNoisy = Math.max(toNoisy, Math.abs(predicted[i] - heads[1][i]));
			}
			// tolerance: the same weights through the exported path, whose kernels (tile batch) may differ in the last bits
			assertTrue("clean head differs by " + toClean, toClean < 1e-4);
			assertTrue("noisy head differs by only " + toNoisy, toNoisy > 1e-3);
		}
	}
}
