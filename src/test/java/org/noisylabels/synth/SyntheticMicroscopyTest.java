package org.noisylabels.synth;

import static org.noisylabels.Expect.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.Progress;
import org.noisylabels.cli.CommandLine;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.metric.ThresholdBaseline;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;

public class SyntheticMicroscopyTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static SyntheticMicroscopy.Result make(final String kind, final int slices, final long seed) {
		return SyntheticMicroscopy.generate(kind, 128, 12, slices, 1.5, 100, seed, true, Progress.NONE);
	}

	private static short[] pixels(final ImagePlus imp, final int slice) {
		return (short[]) imp.getStack().getProcessor(slice).getPixels();
	}

	@Test
	public void sameSeedSameImagesAndSlicesAreIndependent() {
		for (final String kind : SyntheticMicroscopy.KINDS) {
			final SyntheticMicroscopy.Result a = make(kind, 2, 7), b = make(kind, 2, 7), c = make(kind, 2, 8);
			for (int z = 1; z <= 2; z++) {
				assertArrayEquals(pixels(a.image, z), pixels(b.image, z));
				assertArrayEquals((byte[]) a.groundTruth.getStack().getPixels(z), (byte[]) b.groundTruth.getStack()
					.getPixels(z));
				assertFalse(Arrays.equals(pixels(a.image, z), pixels(c.image, z)));
				assertFalse(Arrays.equals((byte[]) a.groundTruth.getStack().getPixels(z), (byte[]) c.groundTruth
					.getStack().getPixels(z)));
			}
			// the two slices differ, and slice 1 does not depend on how many slices are made
			assertFalse(Arrays.equals(pixels(a.image, 1), pixels(a.image, 2)));
			assertArrayEquals(pixels(a.image, 1), pixels(make(kind, 1, 7).image, 1));
		}
	}

	@Test
	public void sixteenBitStackWithBinaryGroundTruth() {
		final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate("tubes", 64, 5, 3, 1.5, 100, 1,
			Progress.NONE);
		assertEquals(16, r.image.getBitDepth());
		assertEquals(3, r.image.getStackSize());
		assertEquals(64, r.image.getWidth());
		assertEquals(64, r.image.getHeight());
		assertEquals(8, r.groundTruth.getBitDepth());
		assertEquals(3, r.groundTruth.getStackSize());
		for (int z = 1; z <= 3; z++)
			for (final byte v : (byte[]) r.groundTruth.getStack().getPixels(z)) assertTrue(v == 0 || v == (byte) 255);
		assertTrue(r.expected == null);
	}

	/** Ground-truth fraction per kind, over 3 seeds at the default count (30) on 256x256. */
	@Test
	public void groundTruthFractionIsPlausible() {
		final double[][] ranges = { { 0.03, 0.20 }, { 0.10, 0.40 }, { 0.02, 0.15 } };
		for (int k = 0; k < 3; k++) {
			final String kind = SyntheticMicroscopy.KINDS[k];
			final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate(kind, 256, 30, 3, 1.5, 100, 1,
				Progress.NONE);
			for (int z = 1; z <= 3; z++) {
				int fg = 0;
				for (final byte v : (byte[]) r.groundTruth.getStack().getPixels(z)) if (v != 0) fg++;
				final double f = fg / (256.0 * 256);
				assertTrue(kind + " slice " + z + ": " + f, f > ranges[k][0] && f < ranges[k][1]);
			}
		}
		// more objects, more foreground
		assertTrue(fraction("blobs", 10) < fraction("blobs", 40));
		assertTrue(fraction("filaments", 10) < fraction("filaments", 40));
	}

	private static double fraction(final String kind, final int count) {
		final byte[] g = (byte[]) SyntheticMicroscopy.generate(kind, 256, count, 1, 1.5, 100, 3, Progress.NONE)
			.groundTruth.getStack().getPixels(1);
		int fg = 0;
		for (final byte v : g) if (v != 0) fg++;
		return fg / (double) g.length;
	}

	@Test
	public void objectsAreClearlyBrighterThanTheBackground() {
		for (final String kind : SyntheticMicroscopy.KINDS) {
			final SyntheticMicroscopy.Result r = make(kind, 2, 3);
			for (int z = 1; z <= 2; z++) {
				final short[] px = pixels(r.image, z);
				final byte[] g = (byte[]) r.groundTruth.getStack().getPixels(z);
				double in = 0, out = 0;
				int nin = 0, nout = 0;
				for (int i = 0; i < px.length; i++) {
					final double v = (px[i] & 0xffff) - SyntheticMicroscopy.CAMERA_OFFSET;
					if (g[i] != 0) {
						in += v;
						nin++;
					}
					else {
						out += v;
						nout++;
					}
				}
				in /= nin;
				out /= nout;
				assertTrue(kind + ": inside " + in + ", outside " + out, in > 2 * out && in - out > 15);
				// the brightest expected pixel is the peak photon count
				float max = 0;
				for (final float l : r.expected[z - 1]) max = Math.max(max, l);
				assertEquals(100, max, 1e-3);
			}
		}
	}

	/**
	 * Camera noise: counts - offset - λ has variance λ + read noise² + 1/12 (rounding). Checked in bins of λ:
	 * the variance grows with the intensity as Poisson noise does.
	 */
	@Test
	public void noiseIsPoissonLike() {
		final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate("blobs", 256, 40, 2, 1.5, 200, 5, true,
			Progress.NONE);
		final double[] edges = { 5, 25, 50, 100, 201 };
		final double[] sum = new double[4], sum2 = new double[4], lam = new double[4];
		final int[] n = new int[4];
		for (int z = 1; z <= 2; z++) {
			final short[] px = pixels(r.image, z);
			final float[] l = r.expected[z - 1];
			for (int i = 0; i < px.length; i++) {
				for (int b = 0; b < 4; b++) {
					if (l[i] < edges[b] || l[i] >= edges[b + 1]) continue;
					final double res = (px[i] & 0xffff) - SyntheticMicroscopy.CAMERA_OFFSET - l[i];
					sum[b] += res;
					sum2[b] += res * res;
					lam[b] += l[i];
					n[b]++;
				}
			}
		}
		double previous = 0;
		for (int b = 0; b < 4; b++) {
			assertTrue("bin " + b + " has " + n[b] + " pixels", n[b] > 500);
			final double mean = sum[b] / n[b], var = sum2[b] / n[b] - mean * mean, l = lam[b] / n[b];
			final double expected = l + SyntheticMicroscopy.READ_NOISE * SyntheticMicroscopy.READ_NOISE + 1.0 / 12;
			assertEquals("residual mean in bin " + b, 0, mean, 5 * Math.sqrt(expected / n[b]));
			assertEquals("variance in bin " + b + " (mean λ " + l + ")", 1, var / expected, 0.08);
			assertTrue(var > previous);
			previous = var;
		}
	}

	/** Otsu must be decent but imperfect: that is what the generator is for. */
	@Test
	public void otsuIsDecentButImperfect() {
		final double[][] ranges = { { 0.55, 0.85 }, { 0.80, 0.97 }, { 0.65, 0.92 } };
		for (int k = 0; k < 3; k++) {
			final String kind = SyntheticMicroscopy.KINDS[k];
			final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate(kind, 256, 30, 2, 1.5, 100, 1,
				Progress.NONE);
			final ImagePlus mask = ThresholdBaseline.apply(r.image, "Otsu", 1, 51, 0, false, true, Progress.NONE).mask;
			final ResultsTable t = SegmentationMetrics.evaluate(mask, r.groundTruth, 0.5, false, Progress.NONE);
			final double dice = t.getValue("dice", 2); // the mean row
			assertTrue(kind + ": Otsu Dice " + dice, dice > ranges[k][0] && dice < ranges[k][1]);
		}
	}

	/**
	 * The dense ER-like kind (#25): a reticulum of 20–35 % foreground over seeds, with an empty nucleus-sized
	 * hole, on which Gaussian + Otsu is decent but well below 1 (about 0.75 measured), as on real ER.
	 */
	@Test
	public void erIsDenseAndOtsuStaysWellBelowOne() {
		for (final long seed : new long[] { 1, 2, 3 }) {
			final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate(SyntheticMicroscopy.ER, 256, 100, 1, 1.5, 100,
				seed, Progress.NONE);
			final byte[] g = (byte[]) r.groundTruth.getStack().getProcessor(1).getPixels();
			int fg = 0;
			for (final byte b : g) if (b != 0) fg++;
			final double fraction = (double) fg / g.length;
			assertTrue("seed " + seed + ": foreground " + fraction, fraction > 0.18 && fraction < 0.35);
			// the nucleus: a disc of radius >= 20 px somewhere holds no foreground pixel
			assertTrue("seed " + seed + ": no empty nucleus-sized hole", hasEmptyDisc(g, 256, 20));
			final ImagePlus mask = ThresholdBaseline.apply(r.image, "Otsu", 1, 51, 0, false, true, Progress.NONE).mask;
			final double dice = SegmentationMetrics.evaluate(mask, r.groundTruth, 0.5, false, Progress.NONE).getValue("dice",
				0);
			assertTrue("seed " + seed + ": Otsu Dice " + dice, dice > 0.6 && dice < 0.85);
		}
	}

	private static boolean hasEmptyDisc(final byte[] g, final int size, final int r) {
		for (int cy = r; cy < size - r; cy += 4)
			for (int cx = r; cx < size - r; cx += 4) {
				boolean empty = true;
				for (int y = -r; y <= r && empty; y++)
					for (int x = -r; x <= r && empty; x++)
						if (x * x + y * y <= r * r && g[(cy + y) * size + cx + x] != 0) empty = false;
				if (empty) return true;
			}
		return false;
	}

	@Test
	public void badInputs() {
		expect(() -> SyntheticMicroscopy.generate("stars", 64, 5, 1, 1.5, 100, 1, Progress.NONE), "kind=stars");
		expect(() -> SyntheticMicroscopy.generate("blobs", 16, 5, 1, 1.5, 100, 1, Progress.NONE), "size=16");
		expect(() -> SyntheticMicroscopy.generate("blobs", 64, 0, 1, 1.5, 100, 1, Progress.NONE), "count=0");
		expect(() -> SyntheticMicroscopy.generate("blobs", 64, 5, 1, -1, 100, 1, Progress.NONE), "blur");
		expect(() -> SyntheticMicroscopy.generate("blobs", 64, 5, 1, 1.5, 0, 1, Progress.NONE), "photons");
	}


	@Test
	public void commandLineWritesImageAndGroundTruth() throws Exception {
		final File img = new File(tmp.getRoot(), "img.tif"), gt = new File(tmp.getRoot(), "gt.tif");
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int code = new CommandLine(new PrintStream(out, true), new PrintStream(err, true)).run(new String[] {
			"--quiet", "Synthetic Microscopy", "kind=tubes", "size=64", "count=6", "slices=2", "seed=3", "image=" + img,
			"ground_truth=" + gt });
		assertEquals(err.toString(StandardCharsets.UTF_8), 0, code);
		final ImagePlus a = IJ.openImage(img.getPath()), b = IJ.openImage(gt.getPath());
		assertEquals(16, a.getBitDepth());
		assertEquals(2, a.getStackSize());
		assertEquals(2, b.getStackSize());
		final SyntheticMicroscopy.Result api = SyntheticMicroscopy.generate("tubes", 64, 6, 2, 1.5, 100, 3,
			Progress.NONE);
		for (int z = 1; z <= 2; z++) {
			assertArrayEquals(pixels(api.image, z), pixels(a, z));
			assertArrayEquals((byte[]) api.groundTruth.getStack().getPixels(z), (byte[]) b.getStack().getPixels(z));
		}
		final ImageStack s = a.getStack();
		assertEquals(64 * 64, s.getProcessor(1).getPixelCount());
	}

	/** The bundled test-images/synth-*.tif are what the generator makes (README: seed 1, 8 slices, defaults). */
	@Test
	public void bundledImagesAreReproducible() {
		// the kinds with bundled images (the dense ER kind is generated where it is used)
		for (final String kind : new String[] { SyntheticMicroscopy.FILAMENTS, SyntheticMicroscopy.BLOBS,
			SyntheticMicroscopy.TUBES })
		{
			final ImagePlus img = IJ.openImage("test-images/synth-" + kind + ".tif");
			final ImagePlus gt = IJ.openImage("test-images/synth-" + kind + "-gt.tif");
			final SyntheticMicroscopy.Result r = SyntheticMicroscopy.generate(kind, 256, 30, 8, 1.5, 100, 1,
				Progress.NONE);
			assertEquals(8, img.getStackSize());
			assertEquals(8, gt.getStackSize());
			for (int z = 1; z <= 8; z++) {
				assertArrayEquals(kind + " slice " + z, pixels(r.image, z), pixels(img, z));
				assertArrayEquals(kind + " gt slice " + z, (byte[]) r.groundTruth.getStack().getPixels(z), (byte[]) gt
					.getStack().getPixels(z));
			}
		}
	}
}
