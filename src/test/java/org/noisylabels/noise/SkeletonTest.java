package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayDeque;

import org.junit.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

public class SkeletonTest {

	/** 8-connected components of non-zero pixels: component index + 1 per pixel, 0 for background. */
	static int[] components(final int[] v, final int w, final int h, final int[] countOut) {
		final int[] comp = new int[v.length];
		int n = 0;
		final ArrayDeque<Integer> queue = new ArrayDeque<>();
		for (int i = 0; i < v.length; i++) {
			if (v[i] == 0 || comp[i] != 0) continue;
			comp[i] = ++n;
			queue.add(i);
			while (!queue.isEmpty()) {
				final int p = queue.poll(), x = p % w, y = p / w;
				for (int dy = -1; dy <= 1; dy++)
					for (int dx = -1; dx <= 1; dx++) {
						final int xx = x + dx, yy = y + dy;
						if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
						final int q = yy * w + xx;
						if (v[q] != 0 && comp[q] == 0) {
							comp[q] = n;
							queue.add(q);
						}
					}
			}
		}
		countOut[0] = n;
		return comp;
	}

	/** Checks: inside the object, no 2×2 foreground block, every object of >= 20 pixels keeps a skeleton. */
	private static void checkSkeleton(final int[] orig, final int[] skel, final int w, final int h) {
		for (int i = 0; i < orig.length; i++) {
			assertTrue(skel[i] == 0 || skel[i] == 255);
			if (skel[i] != 0) assertTrue("skeleton pixel outside the object at " + i, orig[i] != 0);
		}
		for (int y = 0; y < h - 1; y++)
			for (int x = 0; x < w - 1; x++) {
				final int i = y * w + x;
				assertFalse("2x2 block at " + x + "," + y, skel[i] != 0 && skel[i + 1] != 0 && skel[i + w] != 0 &&
					skel[i + w + 1] != 0);
			}
		final int[] nc = new int[1];
		final int[] comp = components(orig, w, h, nc);
		final int[] size = new int[nc[0] + 1], skelSize = new int[nc[0] + 1];
		for (int i = 0; i < orig.length; i++) {
			size[comp[i]]++;
			if (skel[i] != 0) skelSize[comp[i]]++;
		}
		int checked = 0;
		for (int c = 1; c <= nc[0]; c++) {
			if (size[c] < 20) continue;
			checked++;
			assertTrue("object " + c + " of " + size[c] + " pixels has no skeleton", skelSize[c] > 0);
			assertTrue("object " + c + ": skeleton not thinner", skelSize[c] < size[c]);
		}
		assertTrue(checked > 0);
	}

	@Test
	public void gt2dSkeletonIsThinInsideAndPerObject() {
		final ImagePlus gt = TestMasks.gt2d();
		final ImagePlus sk = Skeleton.apply(gt);
		final int[] orig = TestMasks.values(gt, 1), skel = TestMasks.values(sk, 1);
		checkSkeleton(orig, skel, 512, 512);
		// the skeleton is much smaller than the objects (nuclei are ~10-30 px wide)
		final int nOrig = TestMasks.count(orig, 255), nSkel = TestMasks.count(skel, 255);
		assertTrue(nSkel + " of " + nOrig, nSkel > 0 && nSkel < nOrig / 5);
		assertEquals("gt2d-skeleton", sk.getTitle());
	}

	@Test
	public void rectangleGivesItsMidline() {
		// a 21×7 rectangle (rows 3..9): the skeleton lies on the middle row y = 6 (ImageJ adds a short
		// diagonal spur at one end, one row off) and spans most of its length
		final ByteProcessor bp = new ByteProcessor(31, 13);
		for (int y = 3; y < 10; y++)
			for (int x = 5; x < 26; x++) bp.set(x, y, 255);
		final int[] skel = TestMasks.values(Skeleton.apply(new ImagePlus("r", bp)), 1);
		int n = 0;
		for (int i = 0; i < skel.length; i++) {
			if (skel[i] == 0) continue;
			n++;
			assertEquals("pixel " + (i % 31) + "," + (i / 31), 6, i / 31, 1);
		}
		assertTrue("skeleton length " + n, n >= 15 && n <= 21);
		int middle = 0;
		for (int x = 0; x < 31; x++) if (skel[6 * 31 + x] != 0) middle++;
		assertTrue("middle row " + middle, middle >= 13);
	}

	@Test
	public void objectsTouchingTheBorderAndStacks() {
		final ImagePlus discs = TestMasks.discs(64, 48, 4, 8, 21);
		final ImagePlus sk = Skeleton.apply(discs);
		assertEquals(4, sk.getStackSize());
		for (int s = 1; s <= 4; s++) {
			final int[] orig = TestMasks.values(discs, s), skel = TestMasks.values(sk, s);
			checkSkeleton(orig, skel, 64, 48);
			// slice by slice: equal to the skeleton of that slice alone
			final ImagePlus one = new ImagePlus("one", discs.getStack().getProcessor(s).duplicate());
			assertArrayEquals(TestMasks.values(Skeleton.apply(one), 1), skel);
		}
		// a full-width band touching left and right borders keeps a skeleton reaching both borders
		final ByteProcessor band = new ByteProcessor(20, 9);
		for (int y = 2; y < 7; y++)
			for (int x = 0; x < 20; x++) band.set(x, y, 255);
		final int[] skel = TestMasks.values(Skeleton.apply(new ImagePlus("b", band)), 1);
		int n = 0;
		for (final int v : skel) if (v != 0) n++;
		assertTrue("band skeleton " + n, n >= 16);
	}

	@Test
	public void gt3dStack() {
		final ImagePlus gt = TestMasks.gt3d();
		final ImagePlus sk = Skeleton.apply(gt);
		for (int s = 1; s <= gt.getStackSize(); s++) {
			final int[] orig = TestMasks.values(gt, s), skel = TestMasks.values(sk, s);
			for (int i = 0; i < orig.length; i++) if (skel[i] != 0) assertTrue(orig[i] != 0);
		}
		final ImageStack st = sk.getStack();
		assertEquals(gt.getStackSize(), st.getSize());
	}

	@Test
	public void squaresAreThinnedKeepingTopology() {
		// a 2×2 block with a branch to the right and one to the bottom-left
		final int w = 8, h = 6;
		final byte[] px = new byte[w * h];
		final int[][] fg = { { 2, 2 }, { 3, 2 }, { 2, 3 }, { 3, 3 }, { 4, 2 }, { 5, 2 }, { 6, 2 }, { 1, 4 }, { 0, 5 } };
		for (final int[] p : fg) px[p[1] * w + p[0]] = (byte) 255;
		assertEquals(1, Skeleton.removeSquares(px, w, h));
		int n = 0;
		for (final byte b : px) if (b != 0) n++;
		assertEquals(8, n);
		// still one 8-connected component
		final int[] v = new int[px.length];
		for (int i = 0; i < v.length; i++) v[i] = px[i] & 0xff;
		final int[] nc = new int[1];
		components(v, w, h, nc);
		assertEquals(1, nc[0]);
		// the top-left pixel (2,2) is simple here (its only other neighbours are block pixels)
		assertEquals(0, px[2 * w + 2]);
	}

	@Test
	public void badInput() {
		Expect.expect(() -> Skeleton.apply(new ImagePlus("e", new ByteProcessor(5, 5))),
			"label is empty");
		Expect.expect(() -> Skeleton.apply(TestMasks.open("mask2d.tif")), "not a binary mask");
	}
}
