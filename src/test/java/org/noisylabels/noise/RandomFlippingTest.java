package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

public class RandomFlippingTest {

	@Test
	public void binaryFlipsExactly45PercentOfEachClass() {
		final ImagePlus gt = TestMasks.gt2d();
		final Calibration cal = gt.getCalibration();
		cal.pixelWidth = 0.25;
		cal.setUnit("mm");
		final int[] before = TestMasks.values(gt, 1);
		final int nFg = TestMasks.count(before, 255), nBg = before.length - nFg;
		assertTrue(nFg > 10000 && nBg > 10000);
		final ImagePlus out = RandomFlipping.apply(gt, 0.45, 42);
		final int[] after = TestMasks.values(out, 1);
		int fgToBg = 0, bgToFg = 0;
		for (int i = 0; i < before.length; i++) {
			assertTrue(after[i] == 0 || after[i] == 255);
			if (before[i] == 255 && after[i] == 0) fgToBg++;
			if (before[i] == 0 && after[i] == 255) bgToFg++;
		}
		assertEquals(Math.round(0.45 * nFg), fgToBg);
		assertEquals(Math.round(0.45 * nBg), bgToFg);
		assertEquals(0.45, fgToBg / (double) nFg, 0.005);
		assertEquals(0.45, bgToFg / (double) nBg, 0.005);
		assertEquals(8, out.getBitDepth());
		assertEquals(0.25, out.getCalibration().pixelWidth, 0);
		assertEquals("mm", out.getCalibration().getUnit());
		assertEquals("gt2d-flipped", out.getTitle());
	}

	@Test
	public void binaryWithOtherForegroundValueGives0And255() {
		// 16-bit mask with values 0/7
		final ShortProcessor sp = new ShortProcessor(10, 10);
		for (int i = 0; i < 30; i++) sp.set(i, 7);
		final ImagePlus out = RandomFlipping.apply(new ImagePlus("m", sp), 0.5, 1);
		final int[] v = TestMasks.values(out, 1);
		assertEquals(8, out.getBitDepth());
		int fgToBg = 0, bgToFg = 0;
		for (int i = 0; i < 100; i++) {
			assertTrue(v[i] == 0 || v[i] == 255);
			if (i < 30 && v[i] == 0) fgToBg++;
			if (i >= 30 && v[i] == 255) bgToFg++;
		}
		assertEquals(15, fgToBg);
		assertEquals(35, bgToFg);
	}

	@Test
	public void stackIsFlippedPerSlice() {
		final ImagePlus gt = TestMasks.gt3d();
		final ImagePlus out = RandomFlipping.apply(gt, 0.3, 5);
		for (int s = 1; s <= gt.getStackSize(); s++) {
			final int[] a = TestMasks.values(gt, s), b = TestMasks.values(out, s);
			final int nFg = TestMasks.count(a, 255);
			int fgToBg = 0, bgToFg = 0;
			for (int i = 0; i < a.length; i++) {
				if (a[i] == 255 && b[i] == 0) fgToBg++;
				if (a[i] == 0 && b[i] == 255) bgToFg++;
			}
			assertEquals("slice " + s, Math.round(0.3 * nFg), fgToBg);
			assertEquals("slice " + s, Math.round(0.3 * (a.length - nFg)), bgToFg);
		}
	}

	@Test
	public void multiClassMovesOnlyToOtherClassesUniformly() {
		// 4 classes in a 16-bit image: class = (x / 25) % 4 on 200×100
		final int w = 200, h = 100, C = 4;
		final ShortProcessor sp = new ShortProcessor(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) sp.set(x, y, (x / 25) % C);
		final ImagePlus label = new ImagePlus("classes", sp);
		final ImagePlus out = RandomFlipping.apply(label, 0.45, 3);
		assertEquals(16, out.getBitDepth());
		final int[] a = TestMasks.values(label, 1), b = TestMasks.values(out, 1);
		final int[][] moved = new int[C][C];
		for (int i = 0; i < a.length; i++) {
			assertTrue(b[i] >= 0 && b[i] < C);
			moved[a[i]][b[i]]++;
		}
		for (int c = 0; c < C; c++) {
			final int nc = TestMasks.count(a, c); // 5000
			int flipped = 0;
			for (int d = 0; d < C; d++) if (d != c) flipped += moved[c][d];
			assertEquals(Math.round(0.45 * nc), flipped);
			// each of the 3 other classes gets ~1/3 of the flipped pixels (binomial, 4 std)
			final double mean = flipped / 3.0, sd = Math.sqrt(flipped * (1 / 3.0) * (2 / 3.0));
			for (int d = 0; d < C; d++) {
				if (d == c) continue;
				assertEquals("class " + c + " -> " + d, mean, moved[c][d], 4 * sd);
			}
		}
	}

	/** Values 0/128/255 are three classes (not 256): every pixel keeps one of the three values. */
	@Test
	public void classesAreTheValuesPresent() {
		final int w = 150, h = 100;
		final int[] value = { 0, 128, 255 };
		final ij.process.ByteProcessor bp = new ij.process.ByteProcessor(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) bp.set(x, y, value[x / 50]);
		final ImagePlus label = new ImagePlus("classes", bp);
		final ImagePlus out = RandomFlipping.apply(label, 0.3, 7);
		assertEquals(8, out.getBitDepth());
		final int[] a = TestMasks.values(label, 1), b = TestMasks.values(out, 1);
		final java.util.Map<Integer, Integer> flippedFrom = new java.util.TreeMap<>();
		final java.util.Set<Integer> seen = new java.util.TreeSet<>();
		for (int i = 0; i < a.length; i++) {
			seen.add(b[i]);
			if (a[i] != b[i]) flippedFrom.merge(a[i], 1, Integer::sum);
		}
		assertEquals(new java.util.TreeSet<>(java.util.Arrays.asList(0, 128, 255)), seen);
		for (final int v : value) assertEquals("class " + v, Math.round(0.3 * 5000), (long) flippedFrom.get(v));
	}

	@Test
	public void sameSeedSameResultDifferentSeedDifferent() {
		final ImagePlus gt = TestMasks.gt2d();
		final ImagePlus a = RandomFlipping.apply(gt, 0.45, 11), b = RandomFlipping.apply(gt, 0.45, 11), c =
			RandomFlipping.apply(gt, 0.45, 12);
		TestMasks.assertSameImage(a, b);
		assertFalse(TestMasks.sameImage(a, c));
	}

	@Test
	public void extremesAndEmptyMask() {
		final ImagePlus gt = TestMasks.gt2d();
		TestMasks.assertSameImage(gt, RandomFlipping.apply(gt, 0, 1));
		final int[] inv = TestMasks.values(RandomFlipping.apply(gt, 1, 1), 1), orig = TestMasks.values(gt, 1);
		for (int i = 0; i < inv.length; i++) assertEquals(255 - orig[i], inv[i]);
		// an empty mask is accepted: round(0.1 * 100) background pixels become foreground
		final ImagePlus empty = new ImagePlus("e", new ShortProcessor(10, 10));
		assertEquals(10, TestMasks.count(TestMasks.values(RandomFlipping.apply(empty, 0.1, 1), 1), 255));
	}

	@Test
	public void badInputIsRejected() {
		final ImagePlus gt = TestMasks.gt2d();
		Expect.expect(() -> RandomFlipping.apply(gt, 1.5, 1), "p_flip=1.5 is out of range");
		Expect.expect(() -> RandomFlipping.apply(gt, -0.1, 1), "p_flip=-0.1 is out of range");
		final FloatProcessor nan = new FloatProcessor(4, 4);
		nan.setf(2, 2, Float.NaN);
		Expect.expect(() -> RandomFlipping.apply(new ImagePlus("n", nan), 0.1, 1), "NaN");
		final FloatProcessor frac = new FloatProcessor(4, 4);
		frac.setf(1, 1, 1);
		frac.setf(2, 2, 2.5f);
		Expect.expect(() -> RandomFlipping.apply(new ImagePlus("f", frac), 0.1, 1), "whole numbers");
		Expect.expect(() -> RandomFlipping.apply(new ImagePlus("rgb", new ij.process.ColorProcessor(4, 4)), 0.1, 1),
			"color");
	}
}
