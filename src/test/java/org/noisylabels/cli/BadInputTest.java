package org.noisylabels.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * The bad-input table: every kind of bad input the command line refuses (and the inputs that used to be
 * misread and are now read correctly), one row each: the command line, the exit code, a fragment of the
 * one-line message, and that no output is left behind (no file in the output folder except the ones that
 * were there before, unchanged; no hidden temporary file anywhere). The input files are made here: see
 * {@link #inputs(File)}.
 */
@RunWith(Parameterized.class)
public class BadInputTest {

	/** Checks the outputs of a row that succeeds. */
	interface Check {

		void verify(File out) throws Exception;
	}

	@Parameters(name = "{0}")
	public static Collection<Object[]> rows() {
		final List<Object[]> rows = new ArrayList<>();
		// --- input that used to be silently misread (issue #21)
		rows.add(row("truncated TIFF", 2, "truncated", "Labels to Mask", "label={in}/truncated.tif", "mask={out}/m.tif"));
		rows.add(ok("labels 0/128/255 to Random Flipping: the classes are the values present", out -> {
			final TreeSet<Integer> values = values(new File(out, "n.tif"));
			assertEquals(new TreeSet<>(Arrays.asList(0, 128, 255)), values);
		}, "Random Flipping (RCL)", "label={in}/classes-0-128-255.tif", "p_flip=0.3", "noisy_label={out}/n.tif"));
		rows.add(ok("labels 0/128/255 to Random Sampling: the classes are the values present", out -> {
			final TreeSet<Integer> values = values(new File(out, "n.tif"));
			assertEquals(new TreeSet<>(Arrays.asList(0, 128, 255)), values);
		}, "Random Sampling (RCL)", "label={in}/classes-0-128-255.tif", "noisy_label={out}/n.tif"));
		rows.add(row("instance labels to Supervised", 2, "'Labels to Mask'", "Supervised (Robust Loss)",
			"image={in}/image.tif", "label={in}/instances.tif", "iterations=1", "model={out}/model"));
		rows.add(row("instance labels to Supervised: the message says how to ask for classes", 2, "classes=185",
			"Supervised (Robust Loss)", "image={in}/image.tif", "label={in}/instances.tif", "iterations=1",
			"model={out}/model"));
		rows.add(row("labels 0/128/255 to Supervised", 2, "relabel them to 0, 1, ..., C-1", "Supervised (Robust Loss)",
			"image={in}/image.tif", "label={in}/classes-0-128-255.tif", "iterations=1", "model={out}/model"));
		rows.add(row("labels above the classes asked for", 2, "has the class 184 but the model has only 3 classes",
			"Supervised (Robust Loss)", "image={in}/image.tif", "label={in}/instances.tif", "classes=3", "iterations=1",
			"model={out}/model"));
		rows.add(row("classes=1", 2, "classes=1", "Supervised (Robust Loss)", "image={in}/image.tif",
			"label={in}/mask.tif", "classes=1", "model={out}/model"));
		rows.add(ok("multi_class=true on 0/255 masks: one class, 255", out -> {
			final List<String> lines = Files.readAllLines(new File(out, "metrics.csv").toPath());
			final int col = Arrays.asList(lines.get(0).split(",")).indexOf("class");
			final TreeSet<String> classes = new TreeSet<>();
			for (final String l : lines.subList(1, lines.size())) classes.add(l.split(",")[col]);
			assertEquals(new TreeSet<>(Arrays.asList("255", "mean")), classes);
		}, "Segmentation Metrics", "prediction={in}/mask.tif", "ground_truth={in}/mask.tif", "multi_class=true",
			"metrics={out}/metrics.csv"));
		rows.add(row("2-channel hyperstack", 2, "2 channels: one channel is expected", "Labels to Mask",
			"label={in}/two-channels.tif", "mask={out}/m.tif"));
		rows.add(row("z-stack of time frames", 2, "time frames", "Labels to Mask", "label={in}/z-and-t.tif",
			"mask={out}/m.tif"));
		rows.add(row("probability map with values 2.0", 2, "values outside [0, 1]", "Segmentation Metrics",
			"prediction={in}/prob-0-2.tif", "ground_truth={in}/mask.tif", "metrics={out}/metrics.csv"));
		rows.add(row("constant image to Threshold Baseline (Otsu, smoothed)", 2, "is constant", "Threshold Baseline",
			"image={in}/constant.tif", "method=Otsu", "sigma=1", "mask={out}/m.tif"));
		rows.add(row("constant image to Threshold Baseline (Adaptive Gaussian)", 2, "is constant",
			"Threshold Baseline", "image={in}/constant.tif", "method=Adaptive Gaussian", "mask={out}/m.tif"));
		rows.add(row("existing output file", 2, "already exists: give another path, or add --overwrite",
			"Labels to Mask", "label={in}/mask.tif", "mask={out}/existing.tif"));
		rows.add(ok("existing output file with --overwrite", out -> assertEquals(new TreeSet<>(Arrays.asList(0, 255)),
			values(new File(out, "existing.tif"))), "--overwrite", "Labels to Mask", "label={in}/mask.tif",
			"mask={out}/existing.tif"));
		rows.add(row("existing model folder", 2, "already exists: give another path, or add --overwrite",
			"Supervised (Robust Loss)", "image={in}/image.tif", "label={in}/mask.tif", "model={out}/old-model"));
		rows.add(row("--overwrite on a folder that holds no model", 2, "not a Noisy Labels model folder",
			"--overwrite", "Supervised (Robust Loss)", "image={in}/image.tif", "label={in}/mask.tif", "model={in}"));
		rows.add(row("corrupt .zip model", 2, "corrupt.zip is not a model", "Apply Model", "model={in}/corrupt.zip",
			"image={in}/image.tif", "mask={out}/m.tif"));
		rows.add(row(".zip that holds no model", 2, "not-a-model.zip is not a model: the zip holds no model.json",
			"Apply Model", "model={in}/not-a-model.zip", "image={in}/image.tif", "mask={out}/m.tif"));
		// --- the refusals that existed before
		rows.add(row("missing file", 2, "file not found", "Labels to Mask", "label={in}/nothing.tif", "mask={out}/m.tif"));
		rows.add(row("folder given as an image", 2, "is a folder, an image file is expected", "Labels to Mask",
			"label={in}", "mask={out}/m.tif"));
		rows.add(row("file that is not an image", 2, "is not a supported image", "Labels to Mask",
			"label={in}/notes.txt", "mask={out}/m.tif"));
		rows.add(row("unknown command", 2, "unknown command", "Labels to Masks please", "label={in}/mask.tif"));
		rows.add(row("unknown key", 2, "unknown key 'colour'", "Labels to Mask", "label={in}/mask.tif",
			"mask={out}/m.tif", "colour=red"));
		rows.add(row("argument without =", 2, "is not key=value", "Labels to Mask", "label={in}/mask.tif", "m.tif"));
		rows.add(row("key given twice", 2, "is given twice", "Labels to Mask", "label={in}/mask.tif",
			"label={in}/mask.tif", "mask={out}/m.tif"));
		rows.add(row("missing required key", 2, "missing key 'label'", "Labels to Mask", "mask={out}/m.tif"));
		rows.add(row("value out of range", 2, "p_flip=2 is out of range", "Random Flipping (RCL)",
			"label={in}/mask.tif", "p_flip=2", "noisy_label={out}/n.tif"));
		rows.add(row("not a number", 2, "is not a number", "Random Flipping (RCL)", "label={in}/mask.tif",
			"p_flip=half", "noisy_label={out}/n.tif"));
		rows.add(row("not a whole number", 2, "is not a whole number", "Dilation (PCL)", "label={in}/mask.tif",
			"iterations=1.5", "noisy_label={out}/n.tif"));
		rows.add(row("not a boolean", 2, "is not a boolean", "Dilation (PCL)", "label={in}/mask.tif", "three_d=maybe",
			"noisy_label={out}/n.tif"));
		rows.add(row("unknown choice", 2, "Foo", "Threshold Baseline", "image={in}/image.tif", "method=Foo",
			"mask={out}/m.tif"));
		rows.add(row("output with a wrong extension", 2, "needs a .tif or .png file name", "Labels to Mask",
			"label={in}/mask.tif", "mask={out}/m.jpg"));
		rows.add(row("output folder that does not exist", 2, "does not exist", "Labels to Mask", "label={in}/mask.tif",
			"mask={out}/no/such/folder/m.tif"));
		rows.add(row("stack written as PNG", 2, "PNG holds one 2D image", "Labels to Mask", "label={in}/stack.tif",
			"mask={out}/m.png"));
		rows.add(row("images of different sizes", 2, "give images of the same size", "Segmentation Metrics",
			"prediction={in}/mask.tif", "ground_truth={in}/small.tif", "metrics={out}/metrics.csv"));
		rows.add(row("labels that are not binary", 2, "is not a binary mask", "Dilation (PCL)",
			"label={in}/classes-0-128-255.tif", "noisy_label={out}/n.tif"));
		rows.add(row("empty mask", 2, "is empty (no foreground pixel)", "Dilation (PCL)", "label={in}/empty.tif",
			"noisy_label={out}/n.tif"));
		rows.add(row("NaN pixels", 2, "has NaN pixels", "Segmentation Metrics", "prediction={in}/nan.tif",
			"ground_truth={in}/mask.tif", "metrics={out}/metrics.csv"));
		rows.add(row("color image", 2, "is a color image", "Segmentation Metrics", "prediction={in}/rgb.tif",
			"ground_truth={in}/mask.tif", "metrics={out}/metrics.csv"));
		rows.add(row("32-bit prediction with values beyond [0, 1]", 2, "values outside [0, 1]", "Segmentation Metrics",
			"prediction={in}/image.tif", "ground_truth={in}/mask.tif", "metrics={out}/metrics.csv"));
		rows.add(row("threshold out of range", 2, "threshold", "Segmentation Metrics", "prediction={in}/mask.tif",
			"ground_truth={in}/mask.tif", "threshold=2", "metrics={out}/metrics.csv"));
		rows.add(row("even block size", 2, "must be odd", "Threshold Baseline", "image={in}/image.tif",
			"method=Adaptive Gaussian", "block_size=50", "mask={out}/m.tif"));
		rows.add(row("no training data", 2, "no training data", "Supervised (Robust Loss)", "model={out}/model"));
		rows.add(row("validation image without its label", 2, "validation_image has no validation_label",
			"Supervised (Robust Loss)", "image={in}/image.tif", "label={in}/mask.tif",
			"validation_image={in}/image.tif", "model={out}/model"));
		rows.add(row("model that does not exist", 2, "does not exist", "Apply Model", "model={in}/no-model",
			"image={in}/image.tif", "mask={out}/m.tif"));
		rows.add(row("model folder that holds no model", 2, "has no model.json", "Apply Model", "model={in}",
			"image={in}/image.tif", "mask={out}/m.tif"));
		// Find Label Errors: the data are checked before the model is loaded
		rows.add(row("Find Label Errors: label of another size", 2, "give images of the same size", "Find Label Errors",
			"model={in}/no-model", "image={in}/image.tif", "label={in}/small.tif", "flagged={out}/f.tif"));
		rows.add(row("Find Label Errors without labels", 2, "no labelled images", "Find Label Errors",
			"model={in}/no-model", "flagged={out}/f.tif"));
		rows.add(row("Find Label Errors: image and image_folder", 2, "not both", "Find Label Errors",
			"model={in}/no-model", "image={in}/image.tif", "label={in}/mask.tif", "image_folder={in}",
			"label_folder={in}", "flagged={out}/f.tif"));
		rows.add(row("Find Label Errors: model that does not exist", 2, "does not exist", "Find Label Errors",
			"model={in}/no-model", "image={in}/image.tif", "label={in}/mask.tif", "output_folder={out}/labels"));
		rows.add(row("CLSLSR asked to resume", 2, "CLSLSR cannot continue an interrupted run", "CLSLSR",
			"image={in}/image.tif", "label={in}/mask.tif", "iterations=1", "resume={in}/image.tif", "model={out}/model"));
		rows.add(row("Find Label Errors: folder that holds no model", 2, "has no model.json", "Find Label Errors",
			"model={in}", "image={in}/image.tif", "label={in}/mask.tif", "flagged={out}/f.tif"));
		return rows;
	}

	private static Object[] row(final String kind, final int code, final String message, final String... args) {
		return new Object[] { kind, args, code, message, null };
	}

	private static Object[] ok(final String kind, final Check check, final String... args) {
		return new Object[] { kind, args, 0, null, check };
	}

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private final String kind;
	private final String[] args;
	private final int code;
	private final String message;
	private final Check check;

	public BadInputTest(final String kind, final String[] args, final int code, final String message,
		final Check check)
	{
		this.kind = kind;
		this.args = args;
		this.code = code;
		this.message = message;
		this.check = check;
	}

	@Test
	public void refusedWithOneLineAndNoOutput() throws Exception {
		final File in = tmp.newFolder("in"), out = tmp.newFolder("out");
		inputs(in);
		// what the output folder holds before: a file and a model folder that must survive a refusal
		Files.write(new File(out, "existing.tif").toPath(), "not overwritten".getBytes(StandardCharsets.UTF_8));
		final File oldModel = new File(out, "old-model");
		assertTrue(oldModel.mkdir());
		Files.write(new File(oldModel, "model.json").toPath(), "{}".getBytes(StandardCharsets.UTF_8));
		final Map<String, byte[]> before = snapshot(tmp.getRoot().toPath());

		final String[] line = new String[args.length];
		for (int i = 0; i < args.length; i++) line[i] = args[i].replace("{in}", in.getPath()).replace("{out}", out
			.getPath());
		final Object[] r = Cli.cli(line);
		final String err = r[2].toString();
		assertEquals(kind + ": " + err, code, r[0]);
		if (code == 0) {
			check.verify(out);
			return;
		}
		final String[] lines = err.trim().split("\n");
		assertEquals(kind + ": one line expected: " + err, 1, lines.length);
		assertTrue(kind + ": " + err, lines[0].startsWith("error: "));
		assertTrue(kind + ": expected '" + message + "' in: " + err, lines[0].contains(message));
		assertFalse(kind + ": the message names a temporary folder: " + err, lines[0].contains("noisylabels-model"));
		// no output left: the folders hold exactly what they held before, unchanged
		final Map<String, byte[]> after = snapshot(tmp.getRoot().toPath());
		assertEquals(kind, before.keySet(), after.keySet());
		for (final Map.Entry<String, byte[]> e : before.entrySet()) assertArrayEquals(kind + ": " + e.getKey() +
			" changed", e.getValue(), after.get(e.getKey()));
	}

	/** Every file and folder under {@code root} with its content (folders: an empty array). */
	private static Map<String, byte[]> snapshot(final Path root) throws IOException {
		final Map<String, byte[]> m = new TreeMap<>();
		try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
			for (final Path p : (Iterable<Path>) walk::iterator) {
				m.put(root.relativize(p).toString(), Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
			}
		}
		return m;
	}

	private static TreeSet<Integer> values(final File f) {
		final ImagePlus imp = IJ.openImage(f.getPath());
		final TreeSet<Integer> v = new TreeSet<>();
		for (int s = 1; s <= imp.getStackSize(); s++) {
			final ImageProcessor ip = imp.getStack().getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++) v.add((int) ip.getf(i));
		}
		return v;
	}

	/** The input files of every row. */
	static void inputs(final File in) throws IOException {
		final int w = 64, h = 64;
		// a binary mask (0/255) with two squares, and an image of the same size
		final ByteProcessor mask = new ByteProcessor(w, h);
		final FloatProcessor image = new FloatProcessor(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final boolean fg = x >= 8 && x < 24 && y >= 8 && y < 24 || x >= 36 && x < 56 && y >= 30 && y < 50;
				mask.set(x, y, fg ? 255 : 0);
				image.setf(x, y, (fg ? 100 : 10) + (x * 7 + y * 13) % 5);
			}
		save(mask, in, "mask.tif");
		save(image, in, "image.tif");
		save(new ByteProcessor(w, h), in, "empty.tif");
		save(new ByteProcessor(16, 16), in, "small.tif");
		// three classes written as 0/128/255
		final ByteProcessor classes = new ByteProcessor(w, h);
		for (int i = 0; i < w * h; i++) classes.set(i, i % w < 20 ? 0 : i % w < 40 ? 128 : 255);
		save(classes, in, "classes-0-128-255.tif");
		// instance labels 0..184: background and 184 objects of 2×8 pixels
		final ShortProcessor instances = new ShortProcessor(w, h);
		for (int k = 1; k <= 184; k++) {
			final int x0 = (k % 32) * 2, y0 = (k / 32) * 10;
			for (int y = y0; y < y0 + 8; y++)
				for (int x = x0; x < x0 + 2; x++) instances.set(x, y, k);
		}
		save(instances, in, "instances.tif");
		// a 2-channel hyperstack, and a z-stack of time frames
		final ImageStack two = new ImageStack(w, h);
		two.addSlice(mask.duplicate());
		two.addSlice(mask.duplicate());
		final ImagePlus hyper = new ImagePlus("two-channels", two);
		hyper.setDimensions(2, 1, 1);
		hyper.setOpenAsHyperStack(true);
		IJ.saveAsTiff(hyper, new File(in, "two-channels.tif").getPath());
		final ImageStack zt = new ImageStack(w, h);
		for (int i = 0; i < 4; i++) zt.addSlice(mask.duplicate());
		final ImagePlus ztImp = new ImagePlus("z-and-t", zt);
		ztImp.setDimensions(1, 2, 2);
		ztImp.setOpenAsHyperStack(true);
		IJ.saveAsTiff(ztImp, new File(in, "z-and-t.tif").getPath());
		final ImageStack stack = new ImageStack(w, h);
		stack.addSlice(mask.duplicate());
		stack.addSlice(mask.duplicate());
		IJ.saveAsTiff(new ImagePlus("stack", stack), new File(in, "stack.tif").getPath());
		// a 32-bit "probability map" holding 0 and 2.0
		final FloatProcessor prob = new FloatProcessor(w, h);
		for (int i = 0; i < w * h; i++) prob.setf(i, mask.get(i) != 0 ? 2f : 0f);
		save(prob, in, "prob-0-2.tif");
		final FloatProcessor constant = new FloatProcessor(w, h);
		constant.set(100);
		save(constant, in, "constant.tif");
		final FloatProcessor nan = new FloatProcessor(w, h);
		nan.setf(100, Float.NaN);
		save(nan, in, "nan.tif");
		save(new ColorProcessor(w, h), in, "rgb.tif");
		Files.write(new File(in, "notes.txt").toPath(), "not an image".getBytes(StandardCharsets.UTF_8));
		// the bundled 512×512 mask cut after 5 KB of its 262 KB
		final byte[] gt = Files.readAllBytes(Paths.get("test-images", "gt2d.tif"));
		Files.write(new File(in, "truncated.tif").toPath(), Arrays.copyOf(gt, 5000));
		// a .zip that is no zip, and a zip without a model
		final byte[] junk = new byte[4096];
		for (int i = 0; i < junk.length; i++) junk[i] = (byte) (i * 31 + 7);
		Files.write(new File(in, "corrupt.zip").toPath(), junk);
		try (ZipOutputStream zos = new ZipOutputStream(Files.newOutputStream(new File(in, "not-a-model.zip").toPath()))) {
			zos.putNextEntry(new ZipEntry("readme.txt"));
			zos.write("hello".getBytes(StandardCharsets.UTF_8));
			zos.closeEntry();
		}
	}

	private static void save(final ImageProcessor ip, final File folder, final String name) {
		IJ.saveAsTiff(new ImagePlus(name, ip), new File(folder, name).getPath());
	}
}
