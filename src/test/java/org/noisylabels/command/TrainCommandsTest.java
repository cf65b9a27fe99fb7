package org.noisylabels.command;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** Train > Supervised (Robust Loss) and Apply Model through the command line, in-process. */
public class TrainCommandsTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}


	private File image(final String name, final int w, final int h) throws Exception {
		final float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = (i % w / 6 + i / w / 6) % 2 == 0 ? 10 + i % 7 : 60 + i % 5;
		final File f = new File(tmp.getRoot(), name);
		IJ.saveAsTiff(new ImagePlus(name, new FloatProcessor(w, h, px)), f.getPath());
		return f;
	}

	private File label(final String name, final int w, final int h, final int... values) throws Exception {
		final byte[] px = new byte[w * h];
		for (int i = 0; i < px.length; i++) px[i] = (byte) ((i % w / 6 + i / w / 6) % 2 == 0 ? values[0] : values[1]);
		if (values.length > 2) px[0] = (byte) values[2];
		final File f = new File(tmp.getRoot(), name);
		IJ.saveAsTiff(new ImagePlus(name, new ByteProcessor(w, h, px)), f.getPath());
		return f;
	}

	private static final String[] TINY = { "iterations=4", "batch_size=1", "patch_size=32", "base_channels=4", "depth=2" };

	private static String[] args(final String title, final String[] extra, final String... a) {
		final String[] all = new String[1 + a.length + extra.length];
		all[0] = title;
		System.arraycopy(a, 0, all, 1, a.length);
		System.arraycopy(extra, 0, all, 1 + a.length, extra.length);
		return all;
	}

	private void assertBadInput(final Object[] r, final String part, final File... noOutput) {
		assertEquals(r[2].toString(), 2, r[0]);
		final java.util.List<String> errors = new java.util.ArrayList<>();
		for (final String line : r[2].toString().split("\n"))
			if (line.startsWith("error:")) errors.add(line);
		assertEquals(r[2].toString(), 1, errors.size());
		assertTrue(r[2].toString(), errors.get(0).contains(part));
		for (final File f : noOutput) assertFalse(f + " must not exist", f.exists());
	}

	@Test
	public void trainThenApplyManyTimes() throws Exception {
		final File img = image("img.tif", 40, 40), lab = label("lab.tif", 40, 40, 0, 255);
		final File model = new File(tmp.getRoot(), "model"), curve = new File(tmp.getRoot(), "curve.csv");
		final Object[] r = cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + model,
			"loss_type=NRDice", "curve=" + curve, "validation_fraction=0"));
		assertEquals(r[2].toString(), 0, r[0]);
		assertTrue(new File(model, ModelInfo.JSON).isFile());
		assertTrue(new File(model, "saved_model/saved_model.pb").isFile());
		final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"loss_type\": \"NRDice\""));
		assertTrue(json, json.contains("\"gamma\": 1.5"));
		final java.util.List<String> rows = Files.readAllLines(curve.toPath());
		assertEquals("iteration,epoch,loss,learning_rate,gradient_norm,validation_dice,seconds", rows.get(0));
		assertEquals(5, rows.size()); // validation every iteration for 4 iterations (auto interval = max(1, 4/20))
		for (int row = 1; row < rows.size(); row++) {
			final double norm = Double.parseDouble(rows.get(row).split(",")[4]);
			assertTrue(rows.get(row), norm > 0 && norm < 1e6);
		}
		final long loads = ModelCache.loads();
		for (int i = 0; i < 3; i++) {
			final File prob = new File(tmp.getRoot(), "prob" + i + ".tif"), mask = new File(tmp.getRoot(), "mask" + i + ".tif");
			final Object[] a = cli("Apply Model", "model=" + model, "image=" + img, "threshold=0.5", "probability=" + prob,
				"mask=" + mask);
			assertEquals(a[2].toString(), 0, a[0]);
			final ImagePlus p = IJ.openImage(prob.getPath()), m = IJ.openImage(mask.getPath());
			assertEquals(32, p.getBitDepth());
			assertEquals(40, p.getWidth());
			assertEquals(8, m.getBitDepth());
			final float[] pp = (float[]) p.getProcessor().getPixels();
			final byte[] mm = (byte[]) m.getProcessor().getPixels();
			for (int k = 0; k < pp.length; k++) {
				assertTrue(pp[k] >= 0 && pp[k] <= 1);
				assertEquals((mm[k] & 0xff) == 255, pp[k] >= 0.5f);
			}
		}
		assertEquals("loaded once for three calls", loads + 1, ModelCache.loads());
		final Object[] rel = cli("Release Models");
		assertEquals(0, rel[0]);
		assertTrue(rel[1].toString(), rel[1].toString().contains("1 model released"));
		assertFalse(ModelCache.isLoaded());
	}

	@Test
	public void coTeachingAndTriNetTrainFromTheCommandLineAndTheirModelsApply() throws Exception {
		final File img = image("img.tif", 40, 40), lab = label("lab.tif", 40, 40, 0, 255);
		final String[][] runs = { { "Co-Teaching", "co_teaching_select_ratio=0.85", "\"co_teaching_select_ratio\": 0.85",
			"\"method\": \"co_teaching\"" }, { "TriNet", "trinet_select_ratio=0.7", "\"trinet_select_ratio\": 0.7",
				"\"method\": \"trinet\"" } };
		for (final String[] run : runs) {
			final File model = new File(tmp.getRoot(), run[0] + "-model");
			final Object[] r = cli(args(run[0], TINY, "image=" + img, "label=" + lab, "model=" + model, run[1],
				"rampup_start=0", "rampup_end=2", "inference=first", "validation_fraction=0"));
			assertEquals(r[2].toString(), 0, r[0]);
			final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()),
				StandardCharsets.UTF_8);
			assertTrue(json, json.contains(run[2]));
			assertTrue(json, json.contains(run[3]));
			assertTrue(json, json.contains("\"inference\": \"first\""));
			final File prob = new File(tmp.getRoot(), run[0] + "-p.tif");
			final Object[] a = cli("Apply Model", "model=" + model, "image=" + img, "probability=" + prob);
			assertEquals(a[2].toString(), 0, a[0]);
			assertEquals(40, IJ.openImage(prob.getPath()).getWidth());
			// PyMIC's ranges are refused with a one-line error before any training
			final File bad = new File(tmp.getRoot(), run[0] + "-bad");
			assertBadInput(cli(args(run[0], TINY, "image=" + img, "label=" + lab, "model=" + bad, "rampup_start=10",
				"rampup_end=5")), "rampup_end=5 must be at least rampup_start (10)", bad);
			assertBadInput(cli(args(run[0], TINY, "image=" + img, "label=" + lab, "model=" + bad, "inference=median")),
				"inference", bad);
		}
	}

	@Test
	public void mismatchedSizes() throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final Object[] r = cli(args("Supervised (Robust Loss)", TINY, "image=" + image("i.tif", 32, 32), "label=" + label(
			"l.tif", 30, 32, 0, 255), "model=" + model));
		assertBadInput(r, "same size", model);
	}

	@Test
	public void validationLabelOutsideTheClassRange() throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final Object[] r = cli(args("Supervised (Robust Loss)", TINY, "image=" + image("i.tif", 32, 32), "label=" + label(
			"l.tif", 32, 32, 0, 255), "validation_image=" + image("vi.tif", 32, 32), "validation_label=" + label("vl.tif", 32,
				32, 0, 1, 2), "model=" + model));
		assertBadInput(r, "has the class 2 but the model has only 2 classes", model);
	}

	@Test
	public void everyPixelIgnoredIsAnEmptyTrainingSet() throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final Object[] r = cli(args("Supervised (Robust Loss)", TINY, "image=" + image("i.tif", 32, 32), "label=" + label(
			"l.tif", 32, 32, 0, 255), "ignore_mask=" + label("ig.tif", 32, 32, 1, 1), "model=" + model));
		assertBadInput(r, "training set is empty", model);
	}

	@Test
	public void keepModelAndResumeKeys() throws Exception {
		final File img = image("img64.tif", 64, 64), lab = label("lab64.tif", 64, 64, 0, 255);
		final File first = new File(tmp.getRoot(), "first"), second = new File(tmp.getRoot(), "second");
		final String[] six = { "iterations=6", "batch_size=1", "patch_size=32", "base_channels=4", "depth=2" };
		final Object[] r0 = cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + first,
			"keep_model=best"));
		assertEquals(r0[2].toString(), 0, r0[0]);
		String json = new String(Files.readAllBytes(new File(first, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"keep_model\": \"best\""));
		assertTrue(new File(first, "checkpoint/state.json").isFile());
		// continue the 4-iteration run to 6 iterations
		final Object[] r = cli(args("Supervised (Robust Loss)", six, "image=" + img, "label=" + lab, "model=" + second,
			"keep_model=best", "resume=" + first));
		assertEquals(r[2].toString(), 0, r[0]);
		json = new String(Files.readAllBytes(new File(second, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"resumed_from\""));
		// auto: held-out (noisy) labels -> the last step
		final File third = new File(tmp.getRoot(), "third");
		final Object[] r3 = cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + third));
		assertEquals(r3[2].toString(), 0, r3[0]);
		json = new String(Files.readAllBytes(new File(third, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"keep_model\": \"last\"") && json.contains("\"iterations\": 4,"));
		// bad input: a finished run, a missing folder, an unknown choice, another method
		final File other = new File(tmp.getRoot(), "other");
		assertBadInput(cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + other,
			"resume=" + first)), "already did 4 of the 4 iterations", other);
		assertBadInput(cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + other,
			"resume=" + new File(tmp.getRoot(), "nothing"))), "does not exist", other);
		assertBadInput(cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + other,
			"keep_model=first")), "keep_model", other);
		assertBadInput(cli(args("Supervised (Robust Loss)", six, "image=" + img, "label=" + lab, "model=" + other,
			"loss_type=GCE", "resume=" + first)), "loss_type was \"CE\" in the run in", other);
		assertBadInput(cli(args("Supervised (Robust Loss)", six, "image=" + img, "label=" + lab, "model=" + other,
			"seed=7", "resume=" + first)), "seed was 42 in the run in", other);
		assertBadInput(cli(args("PINT", new String[] { "pnt_iterations=4", "int_iterations=2", "batch_size=1",
			"patch_size=32", "base_channels=4", "depth=2" }, "image=" + img, "label=" + lab, "model=" + other, "resume=" +
				first)), "was trained with 'supervised'", other);
	}

	@Test
	public void badChoicesAndFolders() throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final File img = image("i.tif", 32, 32), lab = label("l.tif", 32, 32, 0, 255);
		assertBadInput(cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + model,
			"loss_type=Focal")), "loss_type=Focal is not allowed", model);
		final File photos = tmp.newFolder("photos");
		Files.write(new File(photos, "a.txt").toPath(), new byte[] { 1 });
		assertBadInput(cli(args("Supervised (Robust Loss)", TINY, "image=" + img, "label=" + lab, "model=" + photos)),
			"already exists: give another path, or add --overwrite");
		// --overwrite replaces models only, never a folder of other files
		assertBadInput(cli(args("--overwrite", TINY, "Supervised (Robust Loss)", "image=" + img, "label=" + lab,
			"model=" + photos)), "not a Noisy Labels model folder");
		assertTrue(new File(photos, "a.txt").exists());
	}

	@Test
	public void modelFromAnotherVersion() throws Exception {
		final File model = tmp.newFolder("old-model");
		Files.write(new File(model, ModelInfo.JSON).toPath(),
			"{\"format\": \"noisy-labels-model\", \"format_version\": 99, \"suite_version\": \"9.9\"}".getBytes(
				StandardCharsets.UTF_8));
		final File prob = new File(tmp.getRoot(), "p.tif"), mask = new File(tmp.getRoot(), "m.tif");
		assertBadInput(cli("Apply Model", "model=" + model, "image=" + image("i.tif", 16, 16), "probability=" + prob,
			"mask=" + mask), "model format 99", prob, mask);
	}
}
