package org.noisylabels.method;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.method.PINT.Mode;
import org.noisylabels.method.PINT.Params;
import org.noisylabels.method.pint.Uncertainty;
import org.noisylabels.method.pint.UncertaintyMaps;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Sample;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.noisylabels.train.UNet;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * PINT as a trainer plugin, end to end on tiny problems: every mode trains with finite losses and the
 * phase schedule, the EMA teacher differs from the student but follows it, the hooks set learning rate,
 * phase and early stopping per step, and the uncertainty map of the training images has their size and
 * is high where the labels were corrupted, low where they are clean.
 */
public class PINTTrainingTest {

	/**
	 * A toy stack: bright discs (always labelled foreground) and grey squares (truly background). The
	 * squares of the odd slices are labelled foreground: the corruption. Returns {image, noisy label, corrupted}.
	 */
	static ImagePlus[] toy(final int slices, final int size, final long seed) {
		final SplittableRandom rnd = new SplittableRandom(seed);
		final ImageStack img = new ImageStack(size, size), lab = new ImageStack(size, size), bad = new ImageStack(size,
			size);
		for (int z = 0; z < slices; z++) {
			final float[] px = new float[size * size];
			final byte[] l = new byte[size * size], c = new byte[size * size];
			final int dx = 4 + rnd.nextInt(size / 2 - 8), dy = 4 + rnd.nextInt(size - 8);
			final int sx = size / 2 + 2 + rnd.nextInt(size / 2 - 12), sy = 2 + rnd.nextInt(size - 12);
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++) {
					final int i = y * size + x;
					final boolean disc = (x - dx) * (x - dx) + (y - dy) * (y - dy) <= 16;
					final boolean square = x >= sx && x < sx + 8 && y >= sy && y < sy + 8;
					px[i] = (float) ((disc ? 100 : square ? 55 : 10) + 6 * (rnd.nextDouble() - 0.5));
					if (disc) l[i] = (byte) 255;
					if (square && z % 2 == 1) {
						l[i] = (byte) 255;
						c[i] = 1;
					}
				}
			img.addSlice(new FloatProcessor(size, size, px));
			lab.addSlice(new ByteProcessor(size, size, l));
			bad.addSlice(new ByteProcessor(size, size, c));
		}
		return new ImagePlus[] { new ImagePlus("toy", img), new ImagePlus("toy-label", lab), new ImagePlus("corrupted",
			bad) };
	}

	static TrainingConfig tinyConfig(final Params p) {
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 2;
		cfg.network.baseChannels = 4;
		cfg.batchSize = 2;
		cfg.patchSize = 32;
		cfg.validationFraction = 0;
		PINT.configure(cfg, p);
		cfg.validationInterval = 1;
		return cfg;
	}

	@Test
	public void everyModeTrainsWithItsScheduleAndAnEmaTeacher() {
		final ImagePlus[] t = toy(4, 32, 3);
		for (final Mode mode : Mode.values()) {
			final Params p = new Params();
			p.mode = mode;
			p.m = 2;
			p.pnt_iterations = 4;
			p.pnt_lr_step = 2;
			p.int_iterations = 2;
			p.ema_decay = 0.99;
			final TrainingConfig cfg = tinyConfig(p);
			final TrainingData data = TrainingData.fromImages(t[0], t[1], null, null, Normalization.zscore(), 0, "image",
				"label");
			final List<String> log = new ArrayList<>();
			final PINT method = new PINT(p).setLog(log::add);
			try (Trainer.Outcome out = new Trainer(cfg, method).train(Arrays.asList(data), null, Progress.NONE, log::add)) {
				final ResultsTable c = out.curve;
				final int total = mode == Mode.PNT ? 4 : mode == Mode.INT ? 2 : 6;
				assertEquals(mode.name(), total, c.size());
				for (int r = 0; r < c.size(); r++) {
					final double loss = c.getValue("loss", r);
					assertTrue(mode + " loss " + loss, loss > 0 && loss < 10);
					assertEquals(mode + " lr at row " + r, p.learningRate(r), c.getValue("learning_rate", r), 1e-9);
				}
				if (mode != Mode.INT) assertEquals(1e-3, c.getValue("learning_rate", 3), 1e-9); // ÷10 after 2 steps
				if (mode == Mode.PINT) assertEquals(0.01, c.getValue("learning_rate", 4), 1e-9); // image phase
				assertEquals("pint", out.info.method);
				assertEquals(mode.name(), out.info.methodParameters.get("mode"));
				assertTrue(String.join("\n", log), log.stream().anyMatch(s -> s.startsWith("expected training time")));
				assertEquals(mode == Mode.PINT, log.stream().anyMatch(s -> s.contains("image phase (INT) for 2 iterations")));

				// the teacher (warm-up EMA: the mean of the student's states after each step) lies between the
				// student's start and its end: it has moved, it differs from the student, and it is nearer to it
				final UNet.Network teacher = method.teacherNetwork();
				final float[] tw = values(out.session(), teacher.allVariables());
				final float[] sw = values(out.session(), method.studentNetwork().allVariables());
				final float[] init = initialStudent(cfg, teacher.config());
				final double ts = distance(tw, sw), is = distance(init, sw), ti = distance(tw, init);
				assertTrue(mode + ": teacher differs from student " + ts, ts > 1e-4);
				assertTrue(mode + ": teacher moved from the start " + ti, ti > 1e-4);
				assertTrue(mode + ": teacher follows the student " + ts + " < " + is, ts < is);
			}
		}
	}

	@Test
	public void hooksSetLearningRatePhaseAndEarlyStopping() throws Exception {
		final Params p = new Params();
		p.pnt_iterations = 5;
		p.pnt_lr_step = 2;
		p.int_iterations = 3;
		p.int_lr = 0.02;
		final PINT method = new PINT(p);
		final List<String> log = new ArrayList<>();
		method.setLog(log::add);
		final Map<String, Float> scalars = new HashMap<>();
		scalars.put(PINT.IMAGE_PHASE, 0f);
		final StepContext c = context(8, scalars);
		final double[] lr = new double[8];
		final float[] phase = new float[8];
		final boolean[] stopping = new boolean[8];
		for (int s = 0; s < 8; s++) {
			setStep(c, s);
			method.beforeStep(c);
			lr[s] = c.learningRate();
			phase[s] = c.scalar(PINT.IMAGE_PHASE);
			stopping[s] = c.earlyStopping();
		}
		assertEquals(Arrays.toString(lr), 0.01, lr[0], 1e-12);
		assertEquals(0.01, lr[1], 1e-12);
		assertEquals(0.001, lr[2], 1e-12);
		assertEquals(0.0001, lr[4], 1e-12);
		assertEquals(0.02, lr[5], 1e-12);
		assertEquals(0.02, lr[7], 1e-12);
		assertEquals("[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]", Arrays.toString(phase));
		assertEquals("[false, false, false, false, false, true, true, true]", Arrays.toString(stopping));
		assertEquals(1, log.size());
		assertTrue(log.get(0), log.get(0).contains("pixel phase done after 5 iterations"));

		p.mode = Mode.PNT;
		setStep(c, 6);
		method.beforeStep(c);
		assertTrue("PNT mode: early stopping over the whole run", c.earlyStopping());
		assertEquals(0.01 * 0.001, c.learningRate(), 1e-12);

		// the warm-up ramps the uncertainty in: r = exp(-5(1 - step/4)^2), 1 from step 4 on
		p.warmup_iterations = 4;
		scalars.put(PINT.TEACHER_RAMP, 1f);
		final double[] expected = { Math.exp(-5), Math.exp(-5 * 0.75 * 0.75), Math.exp(-5 * 0.25), Math.exp(-5 * 0.0625),
			1, 1 };
		for (int s = 0; s < 6; s++) {
			setStep(c, s);
			method.beforeStep(c);
			assertEquals("ramp at " + s, expected[s], c.scalar(PINT.TEACHER_RAMP), 1e-6);
			assertEquals(expected[s], p.teacherRamp(s), 1e-12);
		}
		p.warmup_iterations = 0;
		assertEquals(1, p.teacherRamp(0), 0);
	}

	@Test
	public void rampedUncertaintyBlendsFromCeToThePaper() {
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final Ops tf = Ops.create(g);
			// p-hat of two pixels: 0.5/0.5 (u = ln 2) and 0.9/0.1
			final Uncertainty unc = Uncertainty.fromMeanProb(tf, tf.constant(org.tensorflow.ndarray.Shape.of(1, 1, 2, 2),
				DataBuffers.of(new float[] { 0.5f, 0.5f, 0.9f, 0.1f }, true, false)), true);
			final double u0 = -2 * 0.5 * Math.log(0.5 + 1e-6), u1 = -(0.9 * Math.log(0.9 + 1e-6) + 0.1 * Math.log(0.1 + 1e-6));
			for (final float r : new float[] { 0f, 0.5f, 1f }) {
				final Uncertainty ramped = Uncertainty.ramped(tf, unc, tf.constant(r));
				try (Result res = s.runner().fetch(ramped.labelWeight).fetch(ramped.uncertainty).run()) {
					final float[] a = new float[2], u = new float[2];
					((TFloat32) res.get(0)).copyTo(DataBuffers.of(a, false, false));
					((TFloat32) res.get(1)).copyTo(DataBuffers.of(u, false, false));
					assertEquals(Math.exp(-r * u0), a[0], 1e-5);
					assertEquals(Math.exp(-r * u1), a[1], 1e-5);
					assertEquals(r * u0, u[0], 1e-5);
				}
			}
		}
	}

	@Test
	public void configureSetsThePapersOptimiserAndDropout() {
		final Params p = new Params();
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 4;
		PINT.configure(cfg, p);
		assertEquals("SGD", cfg.optimizer.type.name());
		assertEquals(0.9, cfg.optimizer.momentum, 0);
		assertEquals(1e-4, cfg.optimizer.weightDecay, 0);
		assertEquals(8000, cfg.iterations);
		assertEquals(0, cfg.epochs);
		assertEquals(200, cfg.validationInterval); // min(8000/20, 2000/10)
		assertEquals("[0.0, 0.0, 0.0, 0.0, 0.5]", Arrays.toString(cfg.network.encoderDropout));
		assertEquals("[0.0, 0.0, 0.0, 0.5]", Arrays.toString(cfg.network.decoderDropout));
		p.mode = Mode.PNT;
		PINT.configure(cfg, p);
		assertEquals(6000, cfg.iterations);
		assertEquals(300, cfg.validationInterval);
		assertNull(PINT.singleImageWarning(Mode.PNT, 1));
		assertNull(PINT.singleImageWarning(Mode.INT, 2));
		assertNotNull(PINT.singleImageWarning(Mode.PINT, 1));
		assertTrue(PINT.singleImageWarning(Mode.INT, 1).contains("only blends"));
	}

	@Test
	public void uncertaintyIsHighWhereTheLabelsWereCorrupted() {
		final ImagePlus[] t = toy(8, 32, 11);
		final Params p = new Params();
		p.mode = Mode.PNT;
		p.pnt_iterations = 120;
		p.pnt_lr = 0.05;
		p.ema_decay = 0.9;
		p.dropout = 0.2;
		p.seed = 5;
		final TrainingConfig cfg = tinyConfig(p);
		cfg.network.baseChannels = 8;
		cfg.batchSize = 4;
		cfg.validationInterval = 0;
		final TrainingData data = TrainingData.fromImages(t[0], t[1], null, null, Normalization.zscore(), 0, "image",
			"label");
		final List<Sample> samples = new ArrayList<>(data.samples());
		final PINT method = new PINT(p);
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Arrays.asList(data), null, Progress.NONE, s -> {})) {
			final UncertaintyMaps.Maps maps = method.uncertaintyMaps(out.session(), samples, null, 512, "u", Progress.NONE);
			final ImagePlus u = maps.uncertainty;
			assertEquals(32, u.getBitDepth());
			assertEquals(32, u.getWidth());
			assertEquals(32, u.getHeight());
			assertEquals(8, u.getStackSize());
			assertEquals(8, maps.table.size());
			double sumBad = 0, sumGood = 0, sumSquareClean = 0;
			long nBad = 0, nGood = 0, nSquareClean = 0;
			for (int z = 1; z <= 8; z++) {
				final float[] v = (float[]) u.getStack().getProcessor(z).getPixels();
				final byte[] bad = (byte[]) t[2].getStack().getProcessor(z).getPixels();
				final float[] img = (float[]) t[0].getStack().getProcessor(z).getPixels();
				double mean = 0;
				for (int i = 0; i < v.length; i++) {
					assertTrue(v[i] >= 0 && v[i] <= Math.log(2) + 1e-5);
					mean += v[i] / v.length;
					if (bad[i] != 0) {
						sumBad += v[i];
						nBad++;
					}
					else {
						sumGood += v[i];
						nGood++;
						if (img[i] > 40 && img[i] < 70) {
							sumSquareClean += v[i];
							nSquareClean++;
						}
					}
				}
				assertEquals(mean, maps.table.getValue("mean_u", z - 1), 1e-4);
			}
			final double bad = sumBad / nBad, good = sumGood / nGood;
			assertTrue("u where corrupted " + bad + " vs clean " + good, bad > 0.25);
			assertTrue("u where corrupted " + bad + " vs clean " + good, bad > 3 * good);
			// the method cannot tell a corrupted square from a clean one (same input), only label-free
			// uncertainty: the clean squares are as uncertain
			assertTrue(sumSquareClean / nSquareClean > 2 * good);
		}
	}

	// ---- helpers ---------------------------------------------------------------------------------

	private static StepContext context(final long total, final Map<String, Float> scalars) throws Exception {
		final Constructor<StepContext> k = StepContext.class.getDeclaredConstructor(long.class, int.class, Map.class);
		k.setAccessible(true);
		return k.newInstance(total, 1, scalars);
	}

	private static void setStep(final StepContext c, final long step) throws Exception {
		final java.lang.reflect.Field f = StepContext.class.getDeclaredField("step");
		f.setAccessible(true);
		f.setLong(c, step);
	}

	private static float[] initialStudent(final TrainingConfig cfg, final UNet.Config net) {
		try (Graph g = new Graph(); Session s = new Session(g)) {
			final UNet.Network n = UNet.build(Ops.create(g), "net0", net, cfg.seed * 1000);
			s.initialize();
			return values(s, n.allVariables());
		}
	}

	static float[] values(final Session s, final List<Variable<TFloat32>> vars) {
		final List<float[]> parts = new ArrayList<>();
		int n = 0;
		for (final Variable<TFloat32> v : vars) {
			try (Result r = s.runner().fetch(v).run()) {
				final TFloat32 t = (TFloat32) r.get(0);
				final float[] a = new float[(int) t.shape().size()];
				t.copyTo(DataBuffers.of(a, false, false));
				parts.add(a);
				n += a.length;
			}
		}
		final float[] out = new float[n];
		int o = 0;
		for (final float[] a : parts) {
			System.arraycopy(a, 0, out, o, a.length);
			o += a.length;
		}
		return out;
	}

	static double distance(final float[] a, final float[] b) {
		assertEquals(a.length, b.length);
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
		return Math.sqrt(s);
	}
}
