package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

public class RandomLabelsTest {

	@Test
	public void fractionWithinFourBinomialStd() {
		final ImagePlus gt = TestMasks.gt2d();
		for (final double p : new double[] { 0.1, 0.5, 0.03 }) {
			final ImagePlus out = RandomLabels.apply(gt, p, 42);
			final int[] v = TestMasks.values(out, 1);
			final int n = v.length, fg = TestMasks.count(v, 255);
			assertEquals(n, fg + TestMasks.count(v, 0));
			final double sd = Math.sqrt(n * p * (1 - p));
			assertEquals("p=" + p, n * p, fg, 4 * sd);
		}
	}

	@Test
	public void independentOfTheMaskAndPerSlice() {
		// foreground fraction inside and outside the objects are both ~p
		final ImagePlus gt = TestMasks.gt2d();
		final int[] mask = TestMasks.values(gt, 1), out = TestMasks.values(RandomLabels.apply(gt, 0.2, 3), 1);
		int in = 0, inFg = 0, outside = 0, outFg = 0;
		for (int i = 0; i < mask.length; i++) {
			if (mask[i] != 0) {
				in++;
				if (out[i] != 0) inFg++;
			}
			else {
				outside++;
				if (out[i] != 0) outFg++;
			}
		}
		assertEquals(0.2 * in, inFg, 4 * Math.sqrt(in * 0.2 * 0.8));
		assertEquals(0.2 * outside, outFg, 4 * Math.sqrt(outside * 0.2 * 0.8));
		final ImagePlus gt3 = TestMasks.gt3d();
		final ImagePlus r3 = RandomLabels.apply(gt3, 0.5, 1);
		assertEquals(31, r3.getStackSize());
		int total = 0;
		for (int s = 1; s <= 31; s++) total += TestMasks.count(TestMasks.values(r3, s), 255);
		final int n = 57 * 61 * 31;
		assertEquals(0.5 * n, total, 4 * Math.sqrt(n * 0.25));
		assertFalse(TestMasks.sameImage(new ImagePlus("1", r3.getStack().getProcessor(1)), new ImagePlus("2", r3
			.getStack().getProcessor(2))));
	}

	@Test
	public void extremesSeedsAndAnyGrayInput() {
		final ImagePlus img = TestMasks.open("img2d.tif"); // 16-bit intensities: only the size is used
		assertEquals(0, TestMasks.count(TestMasks.values(RandomLabels.apply(img, 0, 1), 1), 255));
		assertEquals(512 * 512, TestMasks.count(TestMasks.values(RandomLabels.apply(img, 1, 1), 1), 255));
		final ImagePlus a = RandomLabels.apply(img, 0.1, 5), b = RandomLabels.apply(img, 0.1, 5), c = RandomLabels
			.apply(img, 0.1, 6);
		TestMasks.assertSameImage(a, b);
		assertFalse(TestMasks.sameImage(a, c));
		assertEquals("img2d-random", a.getTitle());
		assertEquals(8, a.getBitDepth());
		// an empty label is fine
		assertTrue(TestMasks.count(TestMasks.values(RandomLabels.apply(new ImagePlus("e", new ShortProcessor(30,
			30)), 0.5, 1), 1), 255) > 0);
	}

	@Test
	public void badInput() {
		Expect.expect(() -> RandomLabels.apply(new ImagePlus("e", new ByteProcessor(3, 3)), 2, 1),
			"p_generate=2 is out of range");
		Expect.expect(() -> RandomLabels.apply(new ImagePlus("c", new ij.process.ColorProcessor(3,
			3)), 0.1, 1), "color");
	}
}
