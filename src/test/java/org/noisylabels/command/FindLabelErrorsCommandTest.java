package org.noisylabels.command;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.noise.RandomFlipping;
import org.noisylabels.train.ModelCache;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** Evaluate > Find Label Errors through the command line, in-process. */
public class FindLabelErrorsCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	private static final String[] TINY = { "iterations=4", "batch_size=1", "patch_size=32", "base_channels=4", "depth=2",
		"validation_fraction=0" };

	private static String[] args(final String title, final String[] extra, final String... a) {
		final String[] all = new String[1 + a.length + extra.length];
		all[0] = title;
		System.arraycopy(a, 0, all, 1, a.length);
		System.arraycopy(extra, 0, all, 1 + a.length, extra.length);
		return all;
	}

	private File save(final ImagePlus imp, final String name) {
		final File f = new File(tmp.getRoot(), name);
		IJ.saveAsTiff(imp, f.getPath());
		return f;
	}

	/** A checkerboard image of 6-pixel squares and its 0/255 label, as two slices of 40×40. */
	private File[] checkerboard(final int slices, final int labelValue) {
		final ImageStack is = new ImageStack(40, 40), ls = new ImageStack(40, 40);
		for (int s = 0; s < slices; s++) {
			final float[] px = new float[1600];
			final byte[] lb = new byte[1600];
			for (int i = 0; i < px.length; i++) {
				final boolean fg = (i % 40 / 6 + i / 40 / 6) % 2 == 0;
				px[i] = fg ? 60 + i % 5 : 10 + i % 7;
				lb[i] = (byte) (fg ? labelValue : 0);
			}
			is.addSlice(new FloatProcessor(40, 40, px));
			ls.addSlice(new ByteProcessor(40, 40, lb));
		}
		return new File[] { save(new ImagePlus("img", is), "img" + slices + ".tif"), save(new ImagePlus("lab", ls), "lab" +
			slices + "-" + labelValue + ".tif") };
	}

	@Test
	public void flaggedStackAndTablesAgreeAndBadLabelsAreRefused() throws Exception {
		final File[] data = checkerboard(2, 255);
		final File model = new File(tmp.getRoot(), "model");
		final Object[] r = cli(args("Supervised (Robust Loss)", TINY, "image=" + data[0], "label=" + data[1], "model=" +
			model));
		assertEquals(r[2].toString(), 0, r[0]);
		final File out = new File(tmp.getRoot(), "out");
		final Object[] f = cli("Find Label Errors", "model=" + model, "image=" + data[0], "label=" + data[1],
			"output_folder=" + out);
		assertEquals(f[2].toString(), 0, f[0]);
		final ImagePlus flagged = IJ.openImage(new File(out, "flagged.tif").getPath());
		assertEquals(8, flagged.getBitDepth());
		assertEquals(40, flagged.getWidth());
		assertEquals("one slice per image", 2, flagged.getStackSize());
		final List<String> rows = Files.readAllLines(new File(out, "flagged_per_image.csv").toPath());
		assertEquals("Label,pixels,flagged,flagged_fraction,flagged_class_0,flagged_class_1", rows.get(0));
		assertEquals("header, 2 images, all", 4, rows.size());
		long total = 0;
		for (int s = 1; s <= 2; s++) {
			final ImageProcessor ip = flagged.getStack().getProcessor(s);
			long n = 0;
			for (int i = 0; i < ip.getPixelCount(); i++) {
				final int v = ip.get(i);
				assertTrue("0/255 only: " + v, v == 0 || v == 255);
				if (v == 255) n++;
			}
			final String[] row = rows.get(s).split(",");
			assertEquals("image " + s + " counted pixels", 1600, Long.parseLong(row[1]));
			assertEquals("image " + s + ": table = stack", n, Long.parseLong(row[2]));
			assertEquals(n, Long.parseLong(row[4]) + Long.parseLong(row[5]));
			total += n;
		}
		assertEquals(total, Long.parseLong(rows.get(3).split(",")[2]));
		final List<String> nm = Files.readAllLines(new File(out, "noise_matrix.csv").toPath());
		assertEquals(
			"Label,given_class,pixels,threshold,flagged,p_given_if_true_0,p_given_if_true_1,joint_true_0,joint_true_1",
			nm.get(0));
		assertEquals(3, nm.size());
		long labelled = 0;
		for (int k = 1; k <= 2; k++) {
			final String[] row = nm.get(k).split(",");
			labelled += Long.parseLong(row[2]);
			// the calibrated joint of a row sums to the row's label count
			assertEquals(Long.parseLong(row[2]), Long.parseLong(row[7]) + Long.parseLong(row[8]));
		}
		assertEquals(3200, labelled);
		// the macro bridge (as a headless Fiji macro calls it) writes the same outputs with output_folder
		final File macroOut = new File(tmp.getRoot(), "macro-out");
		// (it also returns the tables that have no path of their own as CSV text)
		final String returned = org.noisylabels.cli.Macro.run("Find Label Errors", "model=[" + model + "] image=[" +
			data[0] + "] label=[" + data[1] + "] output_folder=[" + macroOut + "]");
		assertTrue(returned, returned.startsWith(String.join("\n", rows) + "\n"));
		for (final String name : new String[] { "flagged.tif", "flagged_per_image.csv", "noise_matrix.csv" })
			assertTrue(name, new File(macroOut, name).isFile());
		assertEquals(rows, Files.readAllLines(new File(macroOut, "flagged_per_image.csv").toPath()));
		// labels outside the model's classes, and labels of another size, are refused with one line
		final File three = save(new ImagePlus("three", labels3()), "three.tif");
		final File nothing = new File(tmp.getRoot(), "nothing");
		final Object[] bad = cli("Find Label Errors", "model=" + model, "image=" + checkerboard(1, 255)[0], "label=" + three,
			"output_folder=" + nothing);
		assertEquals(bad[2].toString(), 2, bad[0]);
		assertTrue(bad[2].toString(), bad[2].toString().contains("has the class 2 but the model has only 2 classes"));
		assertFalse(nothing.exists());
	}

	private static ByteProcessor labels3() {
		final ByteProcessor bp = new ByteProcessor(40, 40);
		for (int i = 0; i < 1600; i++) bp.set(i, i % 3);
		return bp;
	}

	/**
	 * The bundled nuclei with labels flipped at p = 0.2 (the suite's Random Flipping, seed 3), a small CE
	 * U-Net trained on them (200 iterations, base 8, depth 3, patch 64, one thread: repeatable on one
	 * machine), then Find Label Errors. The known wrong pixels are those where the flipped label differs from
	 * the expert mask. Chance: a flagger that does not look at the data has precision = the flip rate among
	 * labelled pixels (0.2) and recall = the fraction of pixels it flags. The flags must beat both by 0.25
	 * (stated margin; precision and recall are far from it in practice, but TensorFlow's kernels differ in
	 * the last bits between CPUs, so the exact values are not fixed).
	 */
	@Test
	public void nucleiFlippedAtTwentyPercentFlagsTheWrongPixelsFarAboveChance() throws Exception {
		final ImagePlus clean = IJ.openImage("test-images/nuclei-train-gt.tif");
		final ImagePlus noisy = RandomFlipping.apply(clean, 0.2, 3);
		final File noisyFile = save(noisy, "noisy.tif");
		final File model = new File(tmp.getRoot(), "nuclei-model");
		final Object[] r = cli("Supervised (Robust Loss)", "image=test-images/nuclei-train.tif", "label=" + noisyFile,
			"loss_type=CE", "iterations=200", "batch_size=4", "patch_size=64", "base_channels=8", "depth=3",
			"validation_fraction=0", "seed=1", "model=" + model);
		assertEquals(r[2].toString(), 0, r[0]);
		final File flaggedFile = new File(tmp.getRoot(), "flagged.tif");
		final Object[] f = cli("Find Label Errors", "model=" + model, "image=test-images/nuclei-train.tif", "label=" +
			noisyFile, "flagged=" + flaggedFile);
		assertEquals(f[2].toString(), 0, f[0]);
		final ImageProcessor fl = IJ.openImage(flaggedFile.getPath()).getProcessor();
		final ImageProcessor c = clean.getProcessor(), n = noisy.getProcessor();
		long wrong = 0, flagged = 0, hit = 0;
		final int pixels = c.getPixelCount();
		for (int i = 0; i < pixels; i++) {
			final boolean isWrong = (c.get(i) != 0) != (n.get(i) != 0);
			final boolean isFlagged = fl.get(i) != 0;
			if (isWrong) wrong++;
			if (isFlagged) flagged++;
			if (isWrong && isFlagged) hit++;
		}
		final double flipRate = (double) wrong / pixels, precision = (double) hit / flagged, recall = (double) hit / wrong,
			flaggedFraction = (double) flagged / pixels;
		final String report = String.format(Locale.ROOT,
			"flip rate %.4f, flagged %.4f of the pixels, precision %.4f, recall %.4f", flipRate, flaggedFraction, precision,
			recall);
		System.err.println("Find Label Errors on the nuclei flipped at 0.2: " + report);
		assertEquals(report, 0.2, flipRate, 0.001); // exactly round(0.2·n) per class
		assertTrue(report, flagged > 0);
		assertTrue(report, precision > flipRate + 0.25);
		assertTrue(report, recall > flaggedFraction + 0.25);
	}
}
