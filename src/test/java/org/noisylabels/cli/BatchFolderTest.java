package org.noisylabels.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.ImageFolders;

import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * Folders: Batch Apply Model (relative paths, skipped files, resume, shards, never overwriting inputs), the
 * noise generators' label_folder and Segmentation Metrics' prediction_folder + ground_truth_folder, and
 * Merge Metrics Tables, all through the command line in this process.
 */
public class BatchFolderTest {

	@ClassRule
	public static TemporaryFolder shared = new TemporaryFolder();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** images/ and labels/ with 4 tiles of the nuclei test strip (two in a subfolder), and a tiny model. */
	private static File images, labels, model;
	private static final String[] NAMES = { "t0.tif", "t1.tif", "sub/t2.tif", "sub/t3.tif" };

	@BeforeClass
	public static void data() throws Exception {
		images = shared.newFolder("images");
		labels = shared.newFolder("labels");
		writeTiles(images, labels);
		model = new File(shared.getRoot(), "model");
		ok(Cli.cli("--quiet", "Supervised (Robust Loss)", "image=test-images/nuclei-train.tif",
			"label=test-images/nuclei-train-gt.tif", "iterations=3", "patch_size=32", "base_channels=4", "depth=2",
			"seed=1", "model=" + model));
	}

	/** Writes the 4 tiles of 64×64 of nuclei-test (and its ground truth) under the names of {@link #NAMES}. */
	static void writeTiles(final File imageDir, final File labelDir) {
		final ImagePlus img = ImageFiles.open(new File("test-images/nuclei-test.tif"), "image");
		final ImagePlus gt = ImageFiles.open(new File("test-images/nuclei-test-gt.tif"), "label");
		for (int i = 0; i < NAMES.length; i++) {
			for (final Object[] p : new Object[][] { { img, imageDir }, { gt, labelDir } }) {
				final ImagePlus src = (ImagePlus) p[0];
				src.setRoi(64 * (i % 2), 64 * (i / 2), 64, 64);
				final ImagePlus tile = src.crop();
				final File f = ImageFolders.resolve(((File) p[1]).toPath(), NAMES[i]).toFile();
				f.getParentFile().mkdirs();
				ImageFiles.save(tile, f);
			}
		}
	}

	private static Object[] ok(final Object[] r) {
		assertEquals("stderr: " + r[2], 0, r[0]);
		return r;
	}

	private static void bad(final Object[] r, final String part) {
		assertEquals("stderr: " + r[2], 2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("error: ") && r[2].toString().contains(part));
	}

	private static List<String> files(final File root) throws Exception {
		try (Stream<Path> s = Files.walk(root.toPath())) {
			return s.filter(Files::isRegularFile).map(p -> ImageFolders.relative(root.toPath(), p)).sorted().collect(
				Collectors.toList());
		}
	}

	private static byte[] pixels8(final File f) {
		final ImagePlus imp = ImageFiles.open(f, "f");
		assertEquals(8, imp.getBitDepth());
		return (byte[]) imp.getProcessor().getPixels();
	}

	@Test
	public void batchWritesEveryImageUnderItsRelativePathAndEqualsApplyModel() throws Exception {
		final File out = new File(tmp.getRoot(), "out");
		final Object[] r = ok(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images,
			"output_folder=" + out, "save=mask and probability"));
		final List<String> expected = new ArrayList<>();
		for (final String n : NAMES) {
			expected.add(n);
			expected.add(n.replace(".tif", "_probability.tif"));
		}
		expected.sort(null);
		assertEquals(expected, files(out));
		// nothing skipped: the skipped table (standard output) is its header alone
		assertEquals("file,reason", r[1].toString().trim());
		// each output equals Apply Model on that image. Both run the same graph on the same CPU, but TensorFlow's
		// floats are only compared within 1e-5 (kernels may differ in the last bits between runs); mask pixels
		// are compared where the probability is not within that tolerance of the threshold
		for (final String n : NAMES) {
			final File p = new File(tmp.getRoot(), "p.tif"), m = new File(tmp.getRoot(), "m.tif");
			ok(Cli.cli("--quiet", "--overwrite", "Apply Model", "model=" + model, "image=" + new File(images, n),
				"probability=" + p, "mask=" + m));
			final float[] single = (float[]) ImageFiles.open(p, "p").getProcessor().getPixels();
			final float[] batch = (float[]) ImageFiles.open(new File(out, n.replace(".tif", "_probability.tif")), "p")
				.getProcessor().getPixels();
			final byte[] ms = pixels8(m), mb = pixels8(new File(out, n));
			assertEquals(single.length, batch.length);
			int compared = 0;
			for (int i = 0; i < single.length; i++) {
				assertEquals(n + " pixel " + i, single[i], batch[i], 1e-5);
				if (Math.abs(single[i] - 0.5) > 1e-5) {
					assertEquals(n + " mask pixel " + i, ms[i], mb[i]);
					compared++;
				}
			}
			assertTrue(compared > single.length / 2);
		}
	}

	@Test
	public void unreadableFilesAreSkippedAndListedAndInputsAreNeverChanged() throws Exception {
		final File in = tmp.newFolder("in");
		writeTiles(in, tmp.newFolder("gt"));
		final byte[] tile = Files.readAllBytes(new File(in, "t0.tif").toPath());
		Files.write(new File(in, "sub/broken.tif").toPath(), Arrays.copyOf(tile, 500));
		Files.write(new File(in, "notes.txt").toPath(), "not an image".getBytes(StandardCharsets.UTF_8));
		final Object[] r = ok(Cli.cli("Batch Apply Model", "model=" + model, "input_folder=" + in, "suffix=_mask"));
		final String[] table = r[1].toString().trim().split("\n");
		assertEquals(2, table.length);
		assertTrue(table[1], table[1].startsWith("sub/broken.tif,") && table[1].contains("truncated or corrupt"));
		assertEquals(Arrays.asList("notes.txt", "sub/broken.tif", "sub/t2.tif", "sub/t2_mask.tif", "sub/t3.tif",
			"sub/t3_mask.tif", "t0.tif", "t0_mask.tif", "t1.tif", "t1_mask.tif"), files(in));
		assertArrayEquals(tile, Files.readAllBytes(new File(in, "t0.tif").toPath()));
		// a second run beside the inputs takes the earlier outputs for outputs, not for inputs, and keeps them
		final File t0mask = new File(in, "t0_mask.tif");
		assertTrue(t0mask.setLastModified(1_000_000_000_000L));
		final Object[] again = ok(Cli.cli("Batch Apply Model", "model=" + model, "input_folder=" + in, "suffix=_mask"));
		assertEquals(2, again[1].toString().trim().split("\n").length);
		assertEquals(10, files(in).size());
		assertEquals(1_000_000_000_000L, t0mask.lastModified());
		// outputs beside the inputs without a suffix would replace them
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + in), "would replace the inputs");
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + in, "output_folder=" + in),
			"would replace the inputs");
		assertArrayEquals(tile, Files.readAllBytes(new File(in, "t0.tif").toPath()));
	}

	@Test
	public void nothingProcessedIsAnErrorAndAnEmptyFolderToo() throws Exception {
		final File in = tmp.newFolder("in"), out = new File(tmp.getRoot(), "out");
		Files.write(new File(in, "a.tif").toPath(), new byte[] { 'I', 'I', 42, 0, 1, 2 });
		Files.write(new File(in, "b.png").toPath(), "not a png".getBytes(StandardCharsets.UTF_8));
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + in, "output_folder=" + out),
			"nothing could be processed: all 2 images");
		assertFalse(out.exists() && files(out).size() > 0);
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + tmp.newFolder("empty"),
			"output_folder=" + out), "no image (.tif, .tiff, .png)");
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out,
			"shard=3/3"), "shard=3/3 is out of range");
		bad(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out,
			"shard=two"), "is not i/n");
	}

	@Test
	public void resumeKeepsCompleteOutputsAndRedoesMissingOnes() throws Exception {
		final File out = new File(tmp.getRoot(), "out");
		ok(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out));
		final File kept = new File(out, "t0.tif"), removed = new File(out, "sub/t3.tif");
		final byte[] removedBytes = Files.readAllBytes(removed.toPath());
		// mark a kept output: a resumed run must not write it again
		assertTrue(kept.setLastModified(1_000_000_000_000L));
		assertTrue(removed.delete());
		ok(Cli.cli("Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out));
		assertEquals(1_000_000_000_000L, kept.lastModified());
		assertTrue(removed.exists());
		assertArrayEquals(pixels8FromBytes(removedBytes, tmp.getRoot()), pixels8(removed));
		// replace_existing computes everything again
		ok(Cli.cli("Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out,
			"replace_existing=true"));
		assertFalse(kept.lastModified() == 1_000_000_000_000L);
	}

	private static byte[] pixels8FromBytes(final byte[] tiff, final File dir) throws Exception {
		final File f = File.createTempFile("mask", ".tif", dir);
		Files.write(f.toPath(), tiff);
		return pixels8(f);
	}

	@Test
	public void shardsSplitTheFolderWithoutOverlap() throws Exception {
		final Set<String> union = new HashSet<>();
		int total = 0;
		for (int i = 0; i < 3; i++) {
			final File out = new File(tmp.getRoot(), "out" + i);
			ok(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + out,
				"shard=" + i + "/3"));
			final List<String> f = out.exists() ? files(out) : new ArrayList<>();
			for (final String n : f) assertTrue(n, new ImageFolders.Shard(i, 3).contains(n));
			union.addAll(f);
			total += f.size();
		}
		assertEquals(NAMES.length, total);
		assertEquals(new HashSet<>(Arrays.asList(NAMES)), union);
	}

	@Test
	public void noiseGeneratorsTakeAFolderAndEachOutputEqualsTheSingleRun() throws Exception {
		final File out = new File(tmp.getRoot(), "noisy");
		ok(Cli.cli("--quiet", "Random Sampling (RCL)", "label_folder=" + labels, "output_folder=" + out, "p_sample=0.3",
			"seed=7"));
		final List<String> expected = new ArrayList<>();
		for (final String n : NAMES) {
			expected.add("ignore_mask/" + n);
			expected.add("noisy_label/" + n);
		}
		expected.sort(null);
		assertEquals(expected, files(out));
		for (final String n : NAMES) {
			final File a = new File(tmp.getRoot(), "a.tif"), b = new File(tmp.getRoot(), "b.tif");
			ok(Cli.cli("--quiet", "--overwrite", "Random Sampling (RCL)", "label=" + new File(labels, n), "p_sample=0.3",
				"seed=7", "noisy_label=" + a, "ignore_mask=" + b));
			// pure Java, no floating point: exactly the same pixels
			assertArrayEquals(n, pixels8(a), pixels8(new File(out, "noisy_label/" + n)));
			assertArrayEquals(n, pixels8(b), pixels8(new File(out, "ignore_mask/" + n)));
		}
		// tables go beside as .csv
		final File cp = new File(tmp.getRoot(), "contour");
		ok(Cli.cli("--quiet", "Contour Perturbation", "label_folder=" + labels, "output_folder=" + cp, "r_min=1",
			"r_max=2"));
		assertTrue(files(cp).contains("perturbation/sub/t2.csv"));
		// single-image keys still work; errors name the keys
		bad(Cli.cli("--quiet", "Dilation (PCL)", "iterations=2"), "missing key 'label'");
		bad(Cli.cli("--quiet", "Dilation (PCL)", "label=" + new File(labels, "t0.tif"), "label_folder=" + labels,
			"output_folder=" + out), "both label and label_folder");
		bad(Cli.cli("--quiet", "Dilation (PCL)", "label_folder=" + labels), "label_folder needs output_folder");
		// outputs that would land on the labels themselves (output_folder/noisy_label/R is the label R)
		final File lab = tmp.newFolder("lab");
		writeTiles(tmp.newFolder("img"), new File(lab, "noisy_label"));
		final byte[] before = Files.readAllBytes(new File(lab, "noisy_label/t0.tif").toPath());
		bad(Cli.cli("--quiet", "Dilation (PCL)", "label_folder=" + new File(lab, "noisy_label"), "output_folder=" + lab),
			"would replace a label");
		assertArrayEquals(before, Files.readAllBytes(new File(lab, "noisy_label/t0.tif").toPath()));
	}

	@Test
	public void noiseFolderWhereNothingIsABinaryMaskFails() throws Exception {
		final File out = new File(tmp.getRoot(), "noisy");
		// intensity images are not binary masks: every file skipped, an error, nothing written
		bad(Cli.cli("--quiet", "Dilation (PCL)", "label_folder=" + images, "output_folder=" + out),
			"nothing could be processed: all 4 labels");
		assertFalse(out.exists() && !files(out).isEmpty());
	}

	@Test
	public void metricsOverFoldersGiveARowPerPairAndTheMeanAndMergeOfSharesEqualsTheWhole() throws Exception {
		final File pred = new File(tmp.getRoot(), "pred");
		ok(Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images, "output_folder=" + pred));
		final String whole = ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + pred,
			"ground_truth_folder=" + labels))[1].toString();
		final String[] lines = whole.trim().split("\n");
		assertEquals(whole, NAMES.length + 2, lines.length);
		assertEquals("image,dice,iou,accuracy,assd,asd,hd95,auc", lines[0]);
		double sum = 0;
		final String[] sorted = NAMES.clone();
		Arrays.sort(sorted);
		for (int i = 0; i < NAMES.length; i++) {
			final String[] cells = lines[1 + i].split(",");
			assertEquals(sorted[i], cells[0]);
			// the row equals the single pair's table
			final String single = ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction=" + new File(pred, cells[0]),
				"ground_truth=" + new File(labels, cells[0])))[1].toString();
			final String[] one = single.trim().split("\n")[1].split(",", 2);
			assertEquals("slice 1", one[0]);
			assertEquals(lines[1 + i].split(",", 2)[1], one[1]);
			sum += Double.parseDouble(cells[1]);
		}
		final String[] mean = lines[NAMES.length + 1].split(",");
		assertEquals("mean", mean[0]);
		assertEquals(sum / NAMES.length, Double.parseDouble(mean[1]), 1e-7);
		// shares written as tables, then merged: the same table as the whole
		final File tables = tmp.newFolder("tables");
		for (int i = 0; i < 3; i++) {
			ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + pred, "ground_truth_folder=" + labels,
				"shard=" + i + "/3", "metrics=" + new File(tables, "metrics-" + i + ".csv")));
		}
		final String merged = ok(Cli.cli("--quiet", "Merge Metrics Tables", "table_folder=" + tables))[1].toString();
		final String[] m = merged.trim().split("\n");
		assertEquals(lines.length, m.length);
		assertEquals(lines[0], m[0]);
		for (int i = 1; i < lines.length; i++) {
			final String[] a = lines[i].split(","), b = m[i].split(",");
			assertEquals(a[0], b[0]);
			// values went through CSV (8 significant digits) before the merge
			for (int c = 1; c < a.length; c++)
				if (!a[c].equals("NaN") || !b[c].equals("NaN")) assertEquals(lines[i], Double.parseDouble(a[c]), Double
					.parseDouble(b[c]), 1e-6 * Math.max(1, Math.abs(Double.parseDouble(a[c]))));
		}
		// a ground truth without prediction is an error
		assertTrue(new File(pred, "t1.tif").delete());
		bad(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + pred, "ground_truth_folder=" + labels),
			"1 ground truths have no prediction");
		bad(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + pred), "missing key 'ground_truth_folder'");
		bad(Cli.cli("--quiet", "Segmentation Metrics", "prediction=" + new File(pred, "t0.tif")),
			"missing key 'ground_truth'");
	}

	@Test
	public void metricsOfAStackPairIsItsVolumeRowAndMultiClassGivesARowPerClass() throws Exception {
		final File p = tmp.newFolder("p"), g = tmp.newFolder("g");
		// a stack against a dilated copy of itself: the folder row is the single table's 3D row
		ok(Cli.cli("--quiet", "Dilation (PCL)", "label=test-images/gt3d.tif", "noisy_label=" + new File(p, "s.tif")));
		Files.copy(new File("test-images/gt3d.tif").toPath(), new File(g, "s.tif").toPath());
		final String[] folder = ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + p,
			"ground_truth_folder=" + g))[1].toString().trim().split("\n");
		final String[] single = ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction=" + new File(p, "s.tif"),
			"ground_truth=" + new File(g, "s.tif")))[1].toString().trim().split("\n");
		final String volume = Arrays.stream(single).filter(l -> l.startsWith("3D,")).findFirst().get();
		assertEquals(3, folder.length);
		assertEquals("s.tif," + volume.substring(3), folder[1]);
		assertEquals("mean," + volume.substring(3), folder[2]);
		// multi-class: the pair's class rows (255 and their mean), then the means per class
		final String[] mc = ok(Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + p,
			"ground_truth_folder=" + g, "multi_class=true"))[1].toString().trim().split("\n");
		assertEquals("image,class,dice,iou,accuracy,assd,asd,hd95,auc", mc[0]);
		assertEquals(5, mc.length);
		assertTrue(mc[1], mc[1].startsWith("s.tif,255,"));
		assertTrue(mc[2], mc[2].startsWith("s.tif,mean,"));
		assertTrue(mc[3], mc[3].startsWith("mean,255,"));
		assertTrue(mc[4], mc[4].startsWith("mean,mean,"));
	}

	/** Pixels of a probability image, for the SLURM test. */
	static float[] floats(final File f) {
		final ImageProcessor ip = ImageFiles.open(f, "f").getProcessor();
		return (float[]) ip.getPixels();
	}
}
