package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** Train > PINT through the command line, in-process: outputs, Apply Model on its model, bad input. */
public class TrainPINTCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	private static final String[] TINY = { "pnt_iterations=3", "int_iterations=2", "pnt_lr_step=2", "m=2",
		"batch_size=2", "patch_size=32", "base_channels=4", "depth=2", "validation_fraction=0" };

	/** A stack of {@code slices} images w×h with a bright square; labels 0/{@code fg}. */
	private File[] pair(final String name, final int w, final int h, final int slices, final int lw, final int fg)
		throws Exception
	{
		final ImageStack img = new ImageStack(w, h), lab = new ImageStack(lw, h);
		for (int z = 0; z < slices; z++) {
			final float[] px = new float[w * h];
			final byte[] l = new byte[lw * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					final boolean in = x >= 8 + z && x < 20 + z && y >= 10 && y < 22;
					px[y * w + x] = in ? 90 + (x * 7 + y) % 5 : 10 + (x + y * 3) % 7;
					if (x < lw && in) l[y * lw + x] = (byte) fg;
				}
			img.addSlice(new FloatProcessor(w, h, px));
			lab.addSlice(new ByteProcessor(lw, h, l));
		}
		final File fi = new File(tmp.getRoot(), name + ".tif"), fl = new File(tmp.getRoot(), name + "-label.tif");
		IJ.saveAsTiff(new ImagePlus(name, img), fi.getPath());
		IJ.saveAsTiff(new ImagePlus(name + "-label", lab), fl.getPath());
		return new File[] { fi, fl };
	}

	/** Runs the command line; returns {exit code, stdout, stderr + the log service's lines, stderr alone}. */
	static synchronized Object[] cli(final String... args) {
		final java.io.PrintStream oldErr = System.err, oldOut = System.out;
		final java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
		final java.io.PrintStream capture = new java.io.PrintStream(logs, true);
		System.setErr(capture);
		System.setOut(capture);
		try {
			final Object[] r = org.noisylabels.cli.Cli.cli(args);
			return new Object[] { r[0], r[1], r[2] + logs.toString(), r[2] };
		}
		finally {
			System.setErr(oldErr);
			System.setOut(oldOut);
		}
	}

	private static String[] args(final String... a) {
		final String[] all = new String[1 + a.length + TINY.length];
		all[0] = "PINT";
		System.arraycopy(a, 0, all, 1, a.length);
		System.arraycopy(TINY, 0, all, 1 + a.length, TINY.length);
		return all;
	}

	private static void assertBadInput(final Object[] r, final String part, final File... noOutput) {
		assertEquals(r[2].toString(), 2, r[0]);
		final List<String> errors = new ArrayList<>();
		for (final String line : r[3].toString().split("\n"))
			if (line.startsWith("error:")) errors.add(line);
		assertEquals(r[2].toString(), 1, errors.size());
		assertTrue(errors.get(0), errors.get(0).contains(part));
		for (final File f : noOutput)
			assertFalse(f + " must not exist", f.exists());
	}

	@Test
	public void trainsAStackWritesUncertaintyAndTheModelApplies() throws Exception {
		final File[] d = pair("cells", 32, 32, 3, 32, 255);
		final File model = new File(tmp.getRoot(), "model"), u = new File(tmp.getRoot(), "u.tif"), table = new File(tmp
			.getRoot(), "u.csv"), curve = new File(tmp.getRoot(), "curve.csv");
		final Object[] r = cli(args("image=" + d[0], "label=" + d[1], "model=" + model, "uncertainty=" +
			u, "uncertainty_table=" + table, "curve=" + curve));
		assertEquals(r[2].toString(), 0, r[0]);
		final String err = r[2].toString();
		assertTrue(err, err.contains("rough estimate"));
		assertTrue(err, err.contains("expected training time"));
		assertTrue(err, err.contains("image phase (INT) for 2 iterations"));
		assertFalse(err, err.contains("single training image"));
		final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"method\": \"pint\""));
		assertTrue(json, json.contains("\"soft_pseudo_labels\": true"));
		assertTrue(json, json.contains("\"optimizer\": \"SGD\""));
		final ImagePlus map = IJ.openImage(u.getPath());
		assertEquals(32, map.getBitDepth());
		assertEquals(32, map.getWidth());
		assertEquals(3, map.getStackSize());
		for (int z = 1; z <= 3; z++)
			for (final float v : (float[]) map.getStack().getProcessor(z).getPixels())
				assertTrue(v >= 0 && v <= Math.log(2) + 1e-5);
		final List<String> rows = Files.readAllLines(table.toPath());
		assertEquals(4, rows.size());
		assertTrue(rows.get(0), rows.get(0).contains("mean_u") && rows.get(0).contains("image_label_weight"));
		final List<String> c = Files.readAllLines(curve.toPath());
		assertEquals("iteration,epoch,loss,learning_rate,gradient_norm,validation_dice,seconds", c.get(0));
		assertEquals(6, c.size()); // validation every iteration: min(5/20, 2/10) -> 1
		assertEquals(0.001, Double.parseDouble(c.get(3).split(",")[3]), 1e-9); // ÷10 after 2 pixel iterations
		assertEquals(0.01, Double.parseDouble(c.get(4).split(",")[3]), 1e-9); // image phase

		final File prob = new File(tmp.getRoot(), "prob.tif"), mask = new File(tmp.getRoot(), "mask.tif");
		final Object[] a = cli("Apply Model", "model=" + model, "image=" + d[0], "probability=" + prob,
			"mask=" + mask);
		assertEquals(a[2].toString(), 0, a[0]);
		final ImagePlus p = IJ.openImage(prob.getPath()), m = IJ.openImage(mask.getPath());
		assertEquals(3, p.getStackSize());
		assertEquals(32, p.getWidth());
		for (int z = 1; z <= 3; z++) {
			final float[] pp = (float[]) p.getStack().getProcessor(z).getPixels();
			final byte[] mm = (byte[]) m.getStack().getProcessor(z).getPixels();
			for (int k = 0; k < pp.length; k++) {
				assertTrue(pp[k] >= 0 && pp[k] <= 1);
				assertEquals((mm[k] & 0xff) == 255, pp[k] >= 0.5f);
			}
		}
	}

	@Test
	public void singleImageInIntModeWarnsAndTrains() throws Exception {
		final File[] d = pair("one", 32, 32, 1, 32, 1);
		final File model = new File(tmp.getRoot(), "model"), u = new File(tmp.getRoot(), "u.tif");
		final Object[] r = cli(args("image=" + d[0], "label=" + d[1], "model=" + model, "mode=INT",
			"uncertainty=" + u));
		assertEquals(r[2].toString(), 0, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("single training image"));
		assertTrue(r[2].toString(), r[2].toString().contains("only blends"));
		assertEquals(1, IJ.openImage(u.getPath()).getStackSize());
	}

	@Test
	public void foldersOfPairsGiveOneMapSlicePerImage() throws Exception {
		final File images = tmp.newFolder("images"), labels = tmp.newFolder("labels");
		for (int i = 0; i < 2; i++) {
			final File[] d = pair("p" + i, 32 + 8 * i, 32, 1, 32 + 8 * i, 255);
			Files.move(d[0].toPath(), new File(images, "img" + i + ".tif").toPath());
			Files.move(d[1].toPath(), new File(labels, "img" + i + ".tif").toPath());
		}
		final File model = new File(tmp.getRoot(), "model"), u = new File(tmp.getRoot(), "u.tif");
		final Object[] r = cli(args("image_folder=" + images, "label_folder=" + labels, "model=" +
			model, "mode=PNT", "uncertainty=" + u));
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus map = IJ.openImage(u.getPath());
		assertEquals(2, map.getStackSize());
		assertEquals(40, map.getWidth()); // the largest image; the smaller one is padded with NaN
		assertTrue(Float.isNaN(map.getStack().getProcessor(1).getf(39, 0)));
		assertFalse(Float.isNaN(map.getStack().getProcessor(2).getf(39, 0)));
	}

	@Test
	public void badInputFailsWithOneLineAndNoOutput() throws Exception {
		final File[] d = pair("a", 32, 32, 2, 32, 255);
		final File model = new File(tmp.getRoot(), "model"), u = new File(tmp.getRoot(), "u.tif");
		final String img = "image=" + d[0], lab = "label=" + d[1], mod = "model=" + model, out = "uncertainty=" + u;
		// noisy and clean (validation) labels of the training image differ in size
		final File[] small = pair("b", 32, 32, 2, 30, 255);
		assertBadInput(cli(args(img, lab, mod, out, "validation_label=" + small[1])),
			"validation_label (clean)", model, u);
		// image and label differ in size
		assertBadInput(cli(args(img, "label=" + small[1], mod, out)), "same size", model, u);
		// labels neither binary nor classes 0..C-1
		final File[] odd = pair("c", 32, 32, 2, 32, 1);
		final ImagePlus three = IJ.openImage(odd[1].getPath());
		final ImagePlus halves = new ImagePlus("halves", three.getStack().convertToFloat());
		halves.getStack().getProcessor(1).setf(0, 0, 0.5f);
		IJ.saveAsTiff(halves, odd[1].getPath());
		assertBadInput(cli(args(img, "label=" + odd[1], mod, out)),
			"has the value 0.5: class labels must be whole numbers", model, u);
		// validation labels outside the training classes
		final File[] multi = pair("e", 32, 32, 2, 32, 2);
		final ImagePlus classes = IJ.openImage(multi[1].getPath());
		classes.getStack().getProcessor(1).set(0, 0, 1); // classes 0, 1, 2
		IJ.saveAsTiff(classes, multi[1].getPath());
		assertBadInput(cli(args(img, lab, mod, out, "validation_image=" + multi[0],
			"validation_label=" + multi[1])), "only 2 classes", model, u);
		// choices and ranges
		assertBadInput(cli(args(img, lab, mod, out, "mode=Both")), "mode=Both is not allowed", model, u);
		assertBadInput(cli(args(img, lab, mod, out, "mode=PINT", "int_iterations=0")),
			"int_iterations", model, u);
		assertBadInput(cli(args(img, lab, mod, out, "ema_decay=1")), "ema_decay", model, u);
		// inputs given twice or not at all
		assertBadInput(cli(args(img, lab, mod, out, "image_folder=" + tmp.getRoot(), "label_folder=" +
			tmp.getRoot())), "not both", model, u);
		assertBadInput(cli(args(mod, out)), "no training data", model, u);
		assertBadInput(cli(args(img, lab, mod, out, "validation_image=" + d[0])),
			"has no validation_label", model, u);
	}
}
