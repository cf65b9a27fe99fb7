package org.noisylabels.metric;

import static org.noisylabels.Expect.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.Progress;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

public class ThresholdBaselineTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** Left half around {@code a}, right half around {@code b}, Gaussian noise of {@code sd}. */
	private static float[] bimodal(final int w, final int h, final double a, final double b, final double sd,
		final long seed)
	{
		final Random r = new Random(seed);
		final float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = (float) Math.round((i % w < w / 2 ? a : b) + sd * r.nextGaussian());
		return px;
	}

	private static double dice(final ImagePlus s, final ImagePlus g) {
		final ResultsTable t = SegmentationMetrics.evaluate(s, g, 0.5, false, Progress.NONE);
		return t.getValue("dice", t.size() - 1);
	}

	private static int count(final ImageProcessor ip) {
		int n = 0;
		for (int i = 0; i < ip.getPixelCount(); i++) if (ip.get(i) != 0) n++;
		return n;
	}

	@Test
	public void otsuOn8BitEqualsAutoThresholderAndLiesBetweenTheModes() {
		final ByteProcessor ip = (ByteProcessor) new FloatProcessor(64, 64, bimodal(64, 64, 60, 180, 15, 1))
			.convertToByte(false);
		final int expected = new AutoThresholder().getThreshold(AutoThresholder.Method.Otsu, ip.getHistogram());
		final ThresholdBaseline.Result r = ThresholdBaseline.apply(new ImagePlus("b", ip), "Otsu", 0, 51, 0, false,
			false, Progress.NONE);
		assertEquals(expected, r.bins[0]);
		assertEquals(expected + 1, r.thresholds[0], 0);
		assertTrue("threshold " + r.thresholds[0], r.thresholds[0] > 90 && r.thresholds[0] < 150);
		int above = 0;
		for (int i = 0; i < ip.getPixelCount(); i++) if (ip.get(i) > expected) above++;
		assertEquals(above, count(r.mask.getProcessor()));
		// the two halves are separated almost perfectly
		final ByteProcessor truth = new ByteProcessor(64, 64);
		for (int i = 0; i < 64 * 64; i++) if (i % 64 >= 32) truth.set(i, 255);
		assertTrue(dice(r.mask, new ImagePlus("t", truth)) > 0.99);
	}

	@Test
	public void otsuOn16BitUses256BinsFromMinToMax() {
		final float[] v = bimodal(64, 64, 1000, 3000, 200, 2);
		final ShortProcessor ip = (ShortProcessor) new FloatProcessor(64, 64, v).convertToShortProcessor(false);
		final double min = ip.getStatistics().min, max = ip.getStatistics().max;
		final int[] hist = new int[256];
		for (int i = 0; i < ip.getPixelCount(); i++) hist[Math.min(255, (int) ((ip.get(i) - min) * 256 / (max -
			min)))]++;
		final int t = new AutoThresholder().getThreshold(AutoThresholder.Method.Otsu, hist);
		final ThresholdBaseline.Result r = ThresholdBaseline.apply(new ImagePlus("b", ip), "Otsu", 0, 51, 0, false,
			false, Progress.NONE);
		assertEquals(t, r.bins[0]);
		assertEquals(min + (t + 1) * (max - min) / 256, r.thresholds[0], 1e-9);
		assertTrue(r.thresholds[0] > 1500 && r.thresholds[0] < 2500);
		// ImageJ's own Image > Adjust > Threshold (Otsu, dark background) agrees within one bin
		ip.setAutoThreshold(AutoThresholder.Method.Otsu, true, ImageProcessor.NO_LUT_UPDATE);
		assertEquals(ip.getMinThreshold(), r.thresholds[0], (max - min) / 256 + 1e-9);
	}

	@Test
	public void darkObjectsGiveTheComplement() {
		final ImagePlus imp = new ImagePlus("b", new FloatProcessor(40, 30, bimodal(40, 30, 10, 20, 3, 3)));
		for (final String m : new String[] { "Otsu", "Li", "Triangle" }) {
			final byte[] bright = (byte[]) ThresholdBaseline.apply(imp, m, 1, 51, 0, false, false, Progress.NONE).mask
				.getProcessor().getPixels();
			final byte[] dark = (byte[]) ThresholdBaseline.apply(imp, m, 1, 51, 0, true, false, Progress.NONE).mask
				.getProcessor().getPixels();
			for (int i = 0; i < bright.length; i++) assertEquals(m, (byte) ~bright[i], dark[i]);
		}
	}

	/** The reference (test-images/README.md) reports Dice 0.842 for Gaussian blur then Otsu. */
	@Test
	public void gaussianOtsuOnTheNucleiImage() {
		final ImagePlus img = IJ.openImage("test-images/img2d.tif"), gt = IJ.openImage("test-images/gt2d.tif");
		final ThresholdBaseline.Result r = ThresholdBaseline.apply(img, "Otsu", 1, 51, 0, false, false, Progress.NONE);
		final double d = dice(r.mask, gt);
		assertTrue("dice " + d, d >= 0.80);
		assertEquals(0.8380, d, 0.002); // measured
		assertEquals(8, r.mask.getBitDepth());
		final Set<Integer> values = new HashSet<>();
		for (int i = 0; i < r.mask.getProcessor().getPixelCount(); i++) values.add(r.mask.getProcessor().get(i));
		assertEquals(new HashSet<>(Arrays.asList(0, 255)), values);
	}

	/*
	 * 256x256: background ramp 0..200 from left to right, 25 discs of radius 6 that are 60 brighter, noise
	 * sd 4. Otsu splits the ramp; the adaptive threshold follows it.
	 */
	@Test
	public void adaptiveBeatsOtsuOnAStrongBackgroundGradient() {
		final int n = 256;
		final float[] px = new float[n * n];
		final ByteProcessor truth = new ByteProcessor(n, n);
		final Random r = new Random(4);
		final int[][] centres = new int[25][];
		for (int k = 0; k < 25; k++) centres[k] = new int[] { 20 + (k % 5) * 52, 20 + (k / 5) * 52 };
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				boolean in = false;
				for (final int[] c : centres) in |= (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) <= 36;
				if (in) truth.set(x, y, 255);
				px[y * n + x] = (float) (200.0 * x / n + (in ? 60 : 0) + 4 * r.nextGaussian());
			}
		final ImagePlus imp = new ImagePlus("ramp", new FloatProcessor(n, n, px)), gt = new ImagePlus("gt", truth);
		final double otsu = dice(ThresholdBaseline.apply(imp, "Otsu", 1, 51, 0, false, false, Progress.NONE).mask, gt);
		// offset -0.25 sd: stricter than the local mean, so that flat noisy background stays background
		final double adaptive = dice(ThresholdBaseline.apply(imp, "Adaptive Gaussian", 1, 51, -0.25, false, false,
			Progress.NONE).mask, gt);
		assertTrue("otsu " + otsu, otsu < 0.5);
		assertTrue("adaptive " + adaptive + " vs otsu " + otsu, adaptive > 0.85);
	}

	@Test
	public void perSliceThresholdsEachSliceOnItsOwn() {
		// slice 1: modes 20/60, slice 2: modes 150/230, objects = right halves
		final ImageStack st = new ImageStack(32, 32);
		st.addSlice(new FloatProcessor(32, 32, bimodal(32, 32, 20, 60, 4, 5)));
		st.addSlice(new FloatProcessor(32, 32, bimodal(32, 32, 150, 230, 4, 6)));
		final ImageStack tst = new ImageStack(32, 32);
		for (int s = 0; s < 2; s++) {
			final ByteProcessor t = new ByteProcessor(32, 32);
			for (int i = 0; i < 32 * 32; i++) if (i % 32 >= 16) t.set(i, 255);
			tst.addSlice(t);
		}
		final ImagePlus imp = new ImagePlus("s", st), gt = new ImagePlus("t", tst);
		final ThresholdBaseline.Result whole = ThresholdBaseline.apply(imp, "Otsu", 0, 51, 0, false, false,
			Progress.NONE);
		assertEquals(whole.thresholds[0], whole.thresholds[1], 0);
		assertEquals(0, count(whole.mask.getStack().getProcessor(1)));
		assertEquals(32 * 32, count(whole.mask.getStack().getProcessor(2)));
		final ThresholdBaseline.Result each = ThresholdBaseline.apply(imp, "Otsu", 0, 51, 0, false, true,
			Progress.NONE);
		assertTrue(each.thresholds[0] > 25 && each.thresholds[0] < 55);
		assertTrue(each.thresholds[1] > 160 && each.thresholds[1] < 220);
		assertTrue(dice(each.mask, gt) > 0.99);
	}

	@Test
	public void methodsAreOtsuAdaptiveAndEveryAutoThresholderMethod() {
		assertEquals("Otsu", ThresholdBaseline.METHODS[0]);
		assertEquals("Adaptive Gaussian", ThresholdBaseline.METHODS[1]);
		final Set<String> expected = new HashSet<>(Arrays.asList(AutoThresholder.getMethods()));
		expected.add("Adaptive Gaussian");
		assertEquals(expected, new HashSet<>(Arrays.asList(ThresholdBaseline.METHODS)));
		assertEquals(expected.size(), ThresholdBaseline.METHODS.length);
		// every method runs on the nuclei image and finds some but not all pixels
		final ImagePlus img = IJ.openImage("test-images/img2d.tif");
		for (final String m : ThresholdBaseline.METHODS) {
			final int n = count(ThresholdBaseline.apply(img, m, 1, 51, 0, false, false, Progress.NONE).mask
				.getProcessor());
			assertTrue(m + ": " + n, n > 0 && n < 512 * 512);
		}
		assertEquals("IJ_IsoData", ThresholdBaseline.method("ij_isodata"));
	}

	@Test
	public void badInputs() {
		final ImagePlus constant = new ImagePlus("c", new ByteProcessor(8, 8));
		expect(() -> ThresholdBaseline.apply(constant, "Otsu", 1, 51, 0, false, false, Progress.NONE), "constant");
		expect(() -> ThresholdBaseline.apply(constant, "Adaptive Gaussian", 0, 51, 0, false, false, Progress.NONE),
			"constant");
		final ImagePlus ok = new ImagePlus("b", new FloatProcessor(8, 8, bimodal(8, 8, 0, 10, 1, 7)));
		expect(() -> ThresholdBaseline.apply(ok, "Adaptive Gaussian", 1, 50, 0, false, false, Progress.NONE), "odd");
		expect(() -> ThresholdBaseline.apply(ok, "Magic", 1, 51, 0, false, false, Progress.NONE), "method=Magic");
		expect(() -> ThresholdBaseline.apply(ok, "Otsu", -1, 51, 0, false, false, Progress.NONE), "sigma");
		final FloatProcessor nan = new FloatProcessor(8, 8);
		nan.setf(3, Float.NaN);
		expect(() -> ThresholdBaseline.apply(new ImagePlus("n", nan), "Otsu", 1, 51, 0, false, false, Progress.NONE),
			"NaN");
		// a constant slice with per_slice names the slice
		final ImageStack st = new ImageStack(8, 8);
		st.addSlice(ok.getProcessor());
		st.addSlice(new FloatProcessor(8, 8));
		expect(() -> ThresholdBaseline.apply(new ImagePlus("s", st), "Otsu", 0, 51, 0, false, true, Progress.NONE),
			"slice 2");
	}

	@Test
	public void commandLineWritesTheMask() throws Exception {
		final File out = new File(tmp.getRoot(), "mask.tif");
		final Object[] r = org.noisylabels.cli.Cli.cli("--quiet", "Threshold Baseline",
			"image=test-images/img2d.tif", "method=Otsu", "sigma=1", "mask=" + out);
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus mask = IJ.openImage(out.getPath());
		final ImagePlus api = ThresholdBaseline.apply(IJ.openImage("test-images/img2d.tif"), "Otsu", 1, 51, 0, false,
			false, Progress.NONE).mask;
		assertArrayEquals((byte[]) api.getProcessor().getPixels(), (byte[]) mask.getProcessor().getPixels());
		// constant image: exit 2, no output
		final File flat = new File(tmp.getRoot(), "flat.tif");
		IJ.saveAsTiff(new ImagePlus("flat", new ByteProcessor(16, 16)), flat.getPath());
		final File out2 = new File(tmp.getRoot(), "mask2.tif");
		final Object[] bad = org.noisylabels.cli.Cli.cli("--quiet", "Threshold Baseline", "image=" + flat,
			"mask=" + out2);
		assertEquals(2, bad[0]);
		assertTrue(bad[2].toString(), bad[2].toString().contains("constant"));
		assertTrue(!out2.exists());
	}

}
