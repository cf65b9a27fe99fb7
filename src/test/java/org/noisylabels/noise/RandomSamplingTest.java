package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

public class RandomSamplingTest {

	/** Checks, slice by slice, kept = ceil(p·n_c) per class, kept values unchanged, ignore = complement. */
	private static void check(final ImagePlus label, final RandomSampling.Result r, final double p,
		final boolean binary)
	{
		assertEquals(label.getStackSize(), r.noisyLabel.getStackSize());
		assertEquals(8, r.ignoreMask.getBitDepth());
		for (int s = 1; s <= label.getStackSize(); s++) {
			final int[] in = TestMasks.values(label, s), out = TestMasks.values(r.noisyLabel, s), ign = TestMasks
				.values(r.ignoreMask, s);
			final java.util.Map<Integer, int[]> perClass = new java.util.TreeMap<>(); // value -> {n, kept}
			for (int i = 0; i < in.length; i++) {
				final int expectedValue = binary && in[i] != 0 ? 255 : in[i];
				final int[] c = perClass.computeIfAbsent(in[i], k -> new int[2]);
				c[0]++;
				assertTrue(ign[i] == 0 || ign[i] == 255);
				if (ign[i] == 0) {
					c[1]++;
					assertEquals(expectedValue, out[i]);
				}
				else assertEquals(0, out[i]);
			}
			for (final java.util.Map.Entry<Integer, int[]> e : perClass.entrySet()) {
				final int n = e.getValue()[0];
				assertEquals("slice " + s + " class " + e.getKey(), (long) Math.ceil(p * n - 1e-9), e.getValue()[1]);
			}
		}
	}

	@Test
	public void binaryKeepsCeilOfEachClassAndIgnoresTheRest() {
		final ImagePlus gt = TestMasks.gt2d();
		final RandomSampling.Result r = RandomSampling.apply(gt, 0.1, 42);
		check(gt, r, 0.1, true);
		final int[] in = TestMasks.values(gt, 1), ign = TestMasks.values(r.ignoreMask, 1);
		final int nFg = TestMasks.count(in, 255), nBg = in.length - nFg;
		// hand-check the numbers for this image: kept = ceil(0.1 n) of each class
		assertEquals((int) Math.ceil(nFg / 10.0) + (int) Math.ceil(nBg / 10.0), TestMasks.count(ign, 0));
		assertEquals("gt2d-sampled", r.noisyLabel.getTitle());
		assertEquals("gt2d-ignored", r.ignoreMask.getTitle());
	}

	@Test
	public void ceilIsExactForDecimalProbabilities() {
		// 0.1 * 30 is 3.0000000000000004 in binary floating point: still exactly 3 pixels are kept
		final ByteProcessor bp = new ByteProcessor(10, 10);
		for (int i = 0; i < 30; i++) bp.set(i, 255);
		final RandomSampling.Result r = RandomSampling.apply(new ImagePlus("m", bp), 0.1, 1);
		assertEquals(3, TestMasks.count(TestMasks.values(r.noisyLabel, 1), 255));
		assertEquals(100 - 3 - 7, TestMasks.count(TestMasks.values(r.ignoreMask, 1), 255));
		assertEquals(3, NoiseImages.ceilCount(0.1, 30));
		assertEquals(4, NoiseImages.ceilCount(0.1, 31));
		assertEquals(16, NoiseImages.roundCount(0.5, 31));
	}

	@Test
	public void multiClassKeepsClassValuesPerSlice() {
		final int w = 40, h = 30;
		final ImageStack st = new ImageStack(w, h);
		for (int s = 0; s < 3; s++) {
			final ShortProcessor sp = new ShortProcessor(w, h);
			for (int i = 0; i < w * h; i++) sp.set(i, (i * (s + 1) / 7) % 5);
			st.addSlice(sp);
		}
		final ImagePlus label = new ImagePlus("mc", st);
		final RandomSampling.Result r = RandomSampling.apply(label, 0.37, 9);
		assertEquals(16, r.noisyLabel.getBitDepth());
		check(label, r, 0.37, false);
	}

	@Test
	public void stackFromGt3d() {
		final ImagePlus gt = TestMasks.gt3d();
		check(gt, RandomSampling.apply(gt, 0.25, 3), 0.25, true);
	}

	@Test
	public void extremesEmptyMaskAndSeeds() {
		final ImagePlus gt = TestMasks.gt2d();
		final RandomSampling.Result all = RandomSampling.apply(gt, 1, 1);
		TestMasks.assertSameImage(gt, all.noisyLabel);
		assertEquals(0, TestMasks.count(TestMasks.values(all.ignoreMask, 1), 255));
		final RandomSampling.Result none = RandomSampling.apply(gt, 0, 1);
		assertEquals(512 * 512, TestMasks.count(TestMasks.values(none.ignoreMask, 1), 255));
		final RandomSampling.Result empty = RandomSampling.apply(new ImagePlus("e", new ByteProcessor(20, 10)), 0.5,
			1);
		assertEquals(100, TestMasks.count(TestMasks.values(empty.ignoreMask, 1), 255));
		final RandomSampling.Result a = RandomSampling.apply(gt, 0.1, 7), b = RandomSampling.apply(gt, 0.1, 7), c =
			RandomSampling.apply(gt, 0.1, 8);
		TestMasks.assertSameImage(a.noisyLabel, b.noisyLabel);
		TestMasks.assertSameImage(a.ignoreMask, b.ignoreMask);
		assertFalse(TestMasks.sameImage(a.ignoreMask, c.ignoreMask));
	}

	@Test
	public void badInput() {
		Expect.expect(() -> RandomSampling.apply(TestMasks.gt2d(), 1.01, 1), "p_sample=1.01");
		final ij.process.FloatProcessor nan = new ij.process.FloatProcessor(3, 3);
		nan.setf(0, Float.NaN);
		Expect.expect(() -> RandomSampling.apply(new ImagePlus("n", nan), 0.5, 1), "NaN");
	}
}
