package org.noisylabels.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.noise.ContourPerturbation;
import org.noisylabels.noise.Morphology;
import org.noisylabels.noise.RandomSampling;
import org.noisylabels.noise.Skeleton;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** The noise commands run through the command line, in-process, on the bundled test images. */
public class NoiseCommandLineTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static final String GT2D = new File("test-images/gt2d.tif").getAbsolutePath();
	private static final String GT3D = new File("test-images/gt3d.tif").getAbsolutePath();

	private static void ok(final String... args) {
		final Object[] r = org.noisylabels.cli.Cli.cli(args);
		assertEquals("stderr: " + r[2], 0, r[0]);
	}

	/**
	 * Runs a command that must fail with exit 2, one line on stderr containing {@code part}, and no output.
	 * {@code --quiet} turns off the progress lines, which would otherwise precede the error line.
	 */
	private static void bad(final String part, final File out, final String... args) {
		final String[] quiet = new String[args.length + 1];
		quiet[0] = "--quiet";
		System.arraycopy(args, 0, quiet, 1, args.length);
		final Object[] r = org.noisylabels.cli.Cli.cli(quiet);
		final String err = r[2].toString();
		assertEquals("stderr: " + err, 2, r[0]);
		assertTrue(err, err.startsWith("error: "));
		assertTrue(err, err.contains(part));
		assertEquals(err, 1, err.trim().split("\n").length);
		assertFalse(out.exists());
		assertEquals(0, out.getParentFile().list((d, n) -> n.startsWith(".")).length);
	}

	private static int[] values(final ImagePlus imp, final int slice) {
		final ImageProcessor ip = imp.getStack().getProcessor(slice);
		final int[] v = new int[ip.getPixelCount()];
		for (int i = 0; i < v.length; i++) v[i] = (int) ip.getf(i);
		return v;
	}

	private static void assertSame(final ImagePlus expected, final ImagePlus actual) {
		assertEquals(expected.getStackSize(), actual.getStackSize());
		for (int s = 1; s <= expected.getStackSize(); s++) assertArrayEquals("slice " + s, values(expected, s), values(
			actual, s));
	}

	@Test
	public void listShowsEveryNoiseCommand() {
		final Object[] r = org.noisylabels.cli.Cli.cli("--list");
		assertEquals(0, r[0]);
		final String out = (String) r[1];
		for (final String t : new String[] { "Random Sampling (RCL)", "Random Flipping (RCL)", "Dilation (PCL)",
			"Erosion (PCL)", "Skeleton (PCL)", "Random Labels (RL)", "Contour Perturbation" })
		{
			assertTrue(t, out.contains("menu: Plugins > Noisy Labels > Noise > " + t));
		}
		assertTrue(out, out.contains("p_flip") && out.contains("default 0.45"));
		assertTrue(out, out.contains("-> ignore_mask") && out.contains("-> perturbation"));
	}

	@Test
	public void randomFlippingWithDefaults() throws Exception {
		final File out = new File(tmp.getRoot(), "flipped.tif");
		ok("Random Flipping (RCL)", "label=" + GT2D, "noisy_label=" + out); // p_flip 0.45, seed 42
		final int[] a = values(IJ.openImage(GT2D), 1), b = values(IJ.openImage(out.getPath()), 1);
		int nFg = 0, fgToBg = 0, bgToFg = 0;
		for (int i = 0; i < a.length; i++) {
			if (a[i] != 0) nFg++;
			if (a[i] != 0 && b[i] == 0) fgToBg++;
			if (a[i] == 0 && b[i] != 0) bgToFg++;
		}
		assertEquals(Math.round(0.45 * nFg), fgToBg);
		assertEquals(Math.round(0.45 * (a.length - nFg)), bgToFg);
	}

	@Test
	public void randomSamplingWritesBothImages() {
		final File out = new File(tmp.getRoot(), "sampled.tif"), ign = new File(tmp.getRoot(), "ignored.png");
		ok("Random Sampling (RCL)", "label=" + GT2D, "noisy_label=" + out, "ignore_mask=" + ign, "p_sample=0.2",
			"seed=3");
		final RandomSampling.Result expected = RandomSampling.apply(IJ.openImage(GT2D), 0.2, 3);
		assertSame(expected.noisyLabel, IJ.openImage(out.getPath()));
		assertSame(expected.ignoreMask, IJ.openImage(ign.getPath()));
	}

	@Test
	public void morphologyAndSkeleton() {
		final File dil = new File(tmp.getRoot(), "dil.tif"), ero = new File(tmp.getRoot(), "ero.tif"), sk = new File(
			tmp.getRoot(), "sk.tif");
		ok("Dilation (PCL)", "label=" + GT3D, "noisy_label=" + dil, "iterations=2", "three_d=true");
		assertSame(Morphology.dilate(IJ.openImage(GT3D), 2, true), IJ.openImage(dil.getPath()));
		ok("Erosion (PCL)", "label=" + GT2D, "noisy_label=" + ero);
		assertSame(Morphology.erode(IJ.openImage(GT2D), 1, false), IJ.openImage(ero.getPath()));
		ok("Skeleton (PCL)", "label=" + GT2D, "noisy_label=" + sk);
		assertSame(Skeleton.apply(IJ.openImage(GT2D)), IJ.openImage(sk.getPath()));
	}

	@Test
	public void randomLabelsAndContourPerturbation() throws Exception {
		final File rl = new File(tmp.getRoot(), "rl.tif");
		ok("Random Labels (RL)", "label=" + new File("test-images/img2d.tif").getAbsolutePath(), "noisy_label=" + rl,
			"p_generate=0.1", "seed=9");
		final int[] v = values(IJ.openImage(rl.getPath()), 1);
		int fg = 0;
		for (final int x : v) if (x == 255) fg++;
		assertEquals(0.1 * v.length, fg, 4 * Math.sqrt(v.length * 0.09));

		final File cp = new File(tmp.getRoot(), "cp.tif"), csv = new File(tmp.getRoot(), "cp.csv");
		ok("Contour Perturbation", "label=" + GT3D, "noisy_label=" + cp, "perturbation=" + csv, "r_min=2", "r_max=4",
			"seed=5");
		final ContourPerturbation.Result expected = ContourPerturbation.apply(IJ.openImage(GT3D), 0.5, 2, 4, 5);
		assertSame(expected.noisyLabel, IJ.openImage(cp.getPath()));
		final List<String> lines = Files.readAllLines(csv.toPath(), StandardCharsets.UTF_8);
		assertEquals(32, lines.size());
		assertEquals("slice,perturbed,kind,r", lines.get(0));
		int perturbed = 0;
		for (int i = 1; i <= 31; i++) {
			final String[] f = lines.get(i).split(",");
			assertEquals(String.valueOf(i), f[0]);
			assertEquals(String.valueOf(expected.perturbed[i - 1]), f[1]);
			assertEquals(expected.kind[i - 1], f[2]);
			assertEquals(String.valueOf(expected.radius[i - 1]), f[3]);
			if (f[1].equals("true")) perturbed++;
		}
		assertEquals(16, perturbed);
	}

	@Test
	public void badInputFailsWithOneLineAndNoOutput() throws Exception {
		final File out = new File(tmp.newFolder("out"), "noisy.tif");
		final String instances = new File("test-images/mask2d.tif").getAbsolutePath();
		bad("not a binary mask", out, "Dilation (PCL)", "label=" + instances, "noisy_label=" + out);
		final FloatProcessor nan = new FloatProcessor(8, 8);
		nan.setf(3, 4, Float.NaN);
		final File nanFile = tmp.newFile("nan.tif");
		IJ.saveAsTiff(new ImagePlus("nan", nan), nanFile.getPath());
		bad("NaN", out, "Random Flipping (RCL)", "label=" + nanFile, "noisy_label=" + out);
		bad("p_flip=1.5 is out of range", out, "Random Flipping (RCL)", "label=" + GT2D, "noisy_label=" + out,
			"p_flip=1.5");
		bad("iterations=0 is out of range", out, "Erosion (PCL)", "label=" + GT2D, "noisy_label=" + out,
			"iterations=0");
		bad("r_min=9 is larger than r_max=5", out, "Contour Perturbation", "label=" + GT3D, "noisy_label=" + out,
			"r_min=9", "r_max=5");
		bad("file not found", out, "Random Sampling (RCL)", "label=/no/such/gt.tif", "noisy_label=" + out);
		final File empty = tmp.newFile("empty.tif");
		IJ.saveAsTiff(new ImagePlus("empty", new ByteProcessor(16, 16)), empty.getPath());
		bad("label is empty", out, "Skeleton (PCL)", "label=" + empty, "noisy_label=" + out);
		final File rgb = tmp.newFile("rgb.tif");
		IJ.saveAsTiff(new ImagePlus("rgb", new ColorProcessor(8, 8)), rgb.getPath());
		bad("color image", out, "Random Sampling (RCL)", "label=" + rgb, "noisy_label=" + out);
	}
}
