package org.noisylabels.command;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** "iGTT Unsupervised Segmentation" through the command line, in-process. */
public class IGTTCommandTest {

	static final String TITLE = "iGTT Unsupervised Segmentation";
	static final String[] TINY = { "epochs=2", "base_channels=2", "depth=1", "batch_size=1", "patch_size=32" };

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static String[] args(final String... a) {
		final String[] all = new String[1 + a.length + TINY.length];
		all[0] = TITLE;
		System.arraycopy(a, 0, all, 1, a.length);
		System.arraycopy(TINY, 0, all, 1 + a.length, TINY.length);
		return all;
	}

	/** Bright discs on a dark noisy background. */
	private File image(final String name, final int w, final int h, final boolean nan) throws Exception {
		final float[] px = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final double d1 = Math.hypot(x - w / 3.0, y - h / 3.0), d2 = Math.hypot(x - 2 * w / 3.0, y - 2 * h / 3.0);
				px[y * w + x] = (d1 < 6 || d2 < 5 ? 100 : 20) + (x * 7 + y * 13) % 11;
			}
		if (nan) px[5] = Float.NaN;
		final File f = new File(tmp.getRoot(), name);
		IJ.saveAsTiff(new ImagePlus(name, new FloatProcessor(w, h, px)), f.getPath());
		return f;
	}

	private File mask(final String name, final int w, final int h) throws Exception {
		final byte[] px = new byte[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				if (Math.hypot(x - w / 3.0, y - h / 3.0) < 6 || Math.hypot(x - 2 * w / 3.0, y - 2 * h / 3.0) < 5) px[y * w +
					x] = (byte) 255;
		final File f = new File(tmp.getRoot(), name);
		IJ.saveAsTiff(new ImagePlus(name, new ByteProcessor(w, h, px)), f.getPath());
		return f;
	}

	private void assertBadInput(final Object[] r, final String part, final File... noOutput) {
		assertEquals(r[2].toString(), 2, r[0]);
		final List<String> errors = new ArrayList<>();
		for (final String line : r[2].toString().split("\n"))
			if (line.startsWith("error:")) errors.add(line);
		assertEquals(r[2].toString(), 1, errors.size());
		assertTrue(r[2].toString(), errors.get(0).contains(part));
		for (final File f : noOutput)
			assertFalse(f + " must not exist", f.exists());
	}

	@Test
	public void badInputsExit2WithoutOutput() throws Exception {
		final File prob = new File(tmp.getRoot(), "p.tif"), mask = new File(tmp.getRoot(), "m.tif");
		final File img = image("img.tif", 32, 32, false);
		// no image
		assertBadInput(cli(args("probability=" + prob, "mask=" + mask)), "missing input", prob, mask);
		// NaN image
		assertBadInput(cli(args("image=" + image("nan.tif", 32, 32, true), "probability=" + prob, "mask=" + mask)),
			"NaN", prob, mask);
		// both image and folder
		final File dir = tmp.newFolder("imgs");
		Files.copy(img.toPath(), dir.toPath().resolve("a.tif"));
		assertBadInput(cli(args("image=" + img, "image_folder=" + dir, "probability=" + prob, "mask=" + mask)),
			"either image or image_folder", prob, mask);
		// ground truth of another size
		assertBadInput(cli(args("image=" + img, "ground_truth=" + mask("gt.tif", 40, 32), "probability=" + prob,
			"mask=" + mask)), "ground_truth", prob, mask);
		// folder of images of different sizes
		Files.copy(image("b.tif", 40, 32, false).toPath(), dir.toPath().resolve("b.tif"));
		assertBadInput(cli(TITLE, "image_folder=" + dir, "probability=" + prob, "epochs=1"), "one size", prob);
		// bad parameter values
		assertBadInput(cli(args("image=" + img, "p=0", "probability=" + prob)), "p", prob);
		assertBadInput(cli(args("image=" + img, "k=2", "probability=" + prob)), "k", prob);
		assertBadInput(cli(args("image=" + img, "steps_per_epoch=-1", "probability=" + prob)), "steps_per_epoch", prob);
		assertBadInput(cli(args("image=" + img, "soft_iou=squared", "probability=" + prob)), "soft_iou", prob);
		assertBadInput(cli(args("image=" + img, "first_labels=triangle", "probability=" + prob)),
			"first_labels=triangle is not allowed: use one of black, otsu", prob);
		assertBadInput(cli(args("image=" + img, "candidate=li", "probability=" + prob)),
			"candidate=li is not allowed: use one of dmi, otsu", prob);
		assertBadInput(cli(args("image=" + img, "label_gate=li", "probability=" + prob)),
			"label_gate=li is not allowed: use one of otsu, none", prob);
	}

	@Test
	public void tinyRunWritesEveryOutput() throws Exception {
		final File img = image("img.tif", 32, 32, false);
		final File prob = new File(tmp.getRoot(), "p.tif"), mask = new File(tmp.getRoot(), "m.tif"),
			hist = new File(tmp.getRoot(), "h.tif"), metrics = new File(tmp.getRoot(), "metrics.csv"),
			model = new File(tmp.getRoot(), "model");
		final Object[] r = cli(args("image=" + img, "ground_truth=" + mask("gt.tif", 32, 32), "probability=" + prob,
			"mask=" + mask, "pseudo_labels=" + hist, "metrics=" + metrics, "model=" + model, "steps_per_epoch=3", "soft_iou=paper", "label_gate=none"));
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus p = IJ.openImage(prob.getPath()), m = IJ.openImage(mask.getPath()), h = IJ.openImage(hist
			.getPath());
		assertEquals(32, p.getBitDepth());
		assertEquals(32, p.getWidth());
		assertEquals(8, m.getBitDepth());
		assertEquals(2, h.getStackSize()); // one slice per epoch
		final List<String> lines = Files.readAllLines(metrics.toPath());
		assertEquals(lines.toString(), 3, lines.size()); // header + 2 epochs
		assertTrue(lines.get(0), lines.get(0).contains("dice"));
		assertTrue(new File(model, "model.json").isFile());
		final String json = new String(Files.readAllBytes(new File(model, "model.json").toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"igtt\""));
		assertTrue(json, json.matches("(?s).*\"steps_per_epoch\"\\s*:\\s*3\\b.*"));
		assertTrue(json, json.matches("(?s).*\"soft_iou\"\\s*:\\s*\"paper\".*"));
		assertTrue(json, json.matches("(?s).*\"label_gate\"\\s*:\\s*\"none\".*"));
		assertTrue(json, json.matches("(?s).*\"iterations\"\\s*:\\s*6\\b.*")); // 2 epochs of 3 steps
		// the saved model gives Apply Model the same probability map as the run (polarity included)
		final File applied = new File(tmp.getRoot(), "applied.tif");
		final Object[] a = cli("Apply Model", "model=" + model, "image=" + img, "probability=" + applied);
		assertEquals(a[2].toString(), 0, a[0]);
		final float[] want = (float[]) p.getProcessor().getPixels();
		final float[] got = (float[]) IJ.openImage(applied.getPath()).getProcessor().getPixels();
		for (int i = 0; i < want.length; i++)
			assertEquals("pixel " + i, want[i], got[i], 1e-4);
	}
}
