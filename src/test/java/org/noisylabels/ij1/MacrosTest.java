package org.noisylabels.ij1;

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
import org.noisylabels.noise.RandomFlipping;
import org.noisylabels.noise.RandomSampling;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

public class MacrosTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static final String GT2D = new File("test-images/gt2d.tif").getAbsolutePath();
	private static final String GT3D = new File("test-images/gt3d.tif").getAbsolutePath();

	static int[] values(final ImagePlus imp, final int slice) {
		final ImageProcessor ip = imp.getStack().getProcessor(slice);
		final int[] v = new int[ip.getPixelCount()];
		for (int i = 0; i < v.length; i++) v[i] = (int) ip.getf(i);
		return v;
	}

	static void assertSame(final ImagePlus expected, final ImagePlus actual) {
		assertEquals(expected.getStackSize(), actual.getStackSize());
		for (int s = 1; s <= expected.getStackSize(); s++) assertArrayEquals("slice " + s, values(expected, s), values(
			actual, s));
	}

	@Test
	public void flippingWritesTheSameAsTheGenerator() {
		final File out = new File(tmp.getRoot(), "flipped.tif");
		assertEquals("", Macros.noise("Random Flipping (RCL)", "label=" + GT2D + " noisy_label=" + out +
			" p_flip=0.45 seed=1"));
		final ImagePlus expected = RandomFlipping.apply(IJ.openImage(GT2D), 0.45, 1);
		final ImagePlus got = IJ.openImage(out.getPath());
		assertSame(expected, got);
		// exact count: 45 % of the foreground flipped
		final int[] a = values(IJ.openImage(GT2D), 1), b = values(got, 1);
		int nFg = 0, flipped = 0;
		for (int i = 0; i < a.length; i++) {
			if (a[i] != 0) nFg++;
			if (a[i] != 0 && b[i] == 0) flipped++;
		}
		assertEquals(Math.round(0.45 * nFg), flipped);
	}

	@Test
	public void bracketedPathsFlagsDefaultsAndTitleVariants() throws Exception {
		final File dir = tmp.newFolder("with space");
		final File out = new File(dir, "dilated 3d.tif");
		// "three_d" alone is how ImageJ records a ticked checkbox; the [IJ1] label works as title
		assertEquals("", Macros.noise("Dilation (PCL) [IJ1]", "label=[" + GT3D + "] noisy_label=[" + out +
			"] iterations=2 three_d"));
		assertSame(Morphology.dilate(IJ.openImage(GT3D), 2, true), IJ.openImage(out.getPath()));
		// defaults (p_sample 0.1, seed 42) and the short id
		final File s = new File(dir, "s.tif"), ign = new File(dir, "i.tif");
		assertEquals("", Macros.noise("sampling", "label=" + GT2D + " noisy_label=[" + s + "] ignore_mask=[" + ign +
			"]"));
		final RandomSampling.Result expected = RandomSampling.apply(IJ.openImage(GT2D), 0.1, 42);
		assertSame(expected.noisyLabel, IJ.openImage(s.getPath()));
		assertSame(expected.ignoreMask, IJ.openImage(ign.getPath()));
	}

	@Test
	public void contourPerturbationWritesTable() throws Exception {
		final File csv = new File(tmp.getRoot(), "p.csv"), out = new File(tmp.getRoot(), "p.tif");
		assertEquals("", Macros.noise("Contour Perturbation", "label=" + GT3D + " noisy_label=" + out +
			" perturbation=" + csv + " noise_rate=0.25 r_min=1 r_max=3 seed=7"));
		final ContourPerturbation.Result expected = ContourPerturbation.apply(IJ.openImage(GT3D), 0.25, 1, 3, 7);
		assertSame(expected.noisyLabel, IJ.openImage(out.getPath()));
		final List<String> lines = Files.readAllLines(csv.toPath(), StandardCharsets.UTF_8);
		assertEquals(32, lines.size());
		int perturbed = 0;
		for (final String l : lines) if (l.contains(",true,")) perturbed++;
		assertEquals(8, perturbed); // round(0.25 * 31) = round(7.75)
	}

	@Test
	public void errorsAreOneLineAndWriteNothing() throws Exception {
		final File out = new File(tmp.newFolder("out"), "n.tif");
		final String mask2d = new File("test-images/mask2d.tif").getAbsolutePath();
		final String[][] cases = { //
			{ "Random Flipping (RCL)", "label=" + GT2D + " noisy_label=" + out + " p_flip=1.5", "p_flip=1.5 is out of range" },
			{ "Random Flipping (RCL)", "label=" + GT2D + " noisy_label=" + out + " p_flop=0.5", "unknown key 'p_flop'" },
			{ "Random Flipping (RCL)", "noisy_label=" + out, "missing key 'label'" },
			{ "Random Flipping (RCL)", "label=" + GT2D, "no output path" },
			{ "Random Flipping (RCL)", "label=" + GT2D + " noisy_label=" + out + " seed=x", "seed=x is not a whole number" },
			{ "Random Flipz", "label=" + GT2D + " noisy_label=" + out, "unknown noise generator" },
			{ "Dilation (PCL)", "label=" + mask2d + " noisy_label=" + out, "not a binary mask" },
			{ "Erosion (PCL)", "label=" + GT2D + " noisy_label=" + out + " iterations=0", "iterations=0 is out of range" },
			{ "Contour Perturbation", "label=" + GT3D + " noisy_label=" + out + " r_min=9 r_max=5", "r_min=9 is larger" },
			{ "Skeleton (PCL)", "label=/no/such.tif noisy_label=" + out, "file not found" },
			{ "Skeleton (PCL)", "label=" + GT2D + " noisy_label=" + out + ".jpg", "needs a .tif or .png" } };
		for (final String[] c : cases) {
			final String r = Macros.noise(c[0], c[1]);
			assertTrue(c[1] + " -> " + r, r.startsWith("error: ") && r.contains(c[2]));
			assertFalse(r, r.contains("\n"));
			assertEquals(0, out.getParentFile().list().length);
		}
	}
}
