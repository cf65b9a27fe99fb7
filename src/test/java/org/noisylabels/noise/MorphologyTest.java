package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import org.junit.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

public class MorphologyTest {

	/**
	 * Straightforward reference: one step with the (2r+1)-wide square/cube of radius 1; a pixel of the
	 * dilation is set if any pixel of its window is set, a pixel of the erosion if every pixel of its window
	 * is inside the image and set.
	 */
	static boolean[][] reference(final boolean[][] in, final int w, final int h, final boolean dilate,
		final boolean threeD)
	{
		final int d = in.length, dz = threeD ? 1 : 0;
		final boolean[][] out = new boolean[d][w * h];
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					boolean any = false, all = true;
					for (int k = -dz; k <= dz; k++)
						for (int j = -1; j <= 1; j++)
							for (int i = -1; i <= 1; i++) {
								final int xx = x + i, yy = y + j, zz = z + k;
								final boolean v = xx >= 0 && xx < w && yy >= 0 && yy < h && zz >= 0 && zz < d && in[zz][yy * w +
									xx];
								any |= v;
								all &= v;
							}
					out[z][y * w + x] = dilate ? any : all;
				}
		return out;
	}

	static boolean[][] bools(final ImagePlus imp) {
		final boolean[][] b = new boolean[imp.getStackSize()][];
		for (int s = 1; s <= b.length; s++) {
			final int[] v = TestMasks.values(imp, s);
			b[s - 1] = new boolean[v.length];
			for (int i = 0; i < v.length; i++) b[s - 1][i] = v[i] != 0;
		}
		return b;
	}

	private static void compare(final ImagePlus label, final boolean dilate, final int iterations,
		final boolean threeD)
	{
		final ImagePlus out = dilate ? Morphology.dilate(label, iterations, threeD) : Morphology.erode(label,
			iterations, threeD);
		boolean[][] ref = bools(label);
		final boolean really3D = threeD && label.getStackSize() > 1;
		for (int it = 0; it < iterations; it++) ref = reference(ref, label.getWidth(), label.getHeight(), dilate,
			really3D);
		final boolean[][] got = bools(out);
		for (int s = 0; s < ref.length; s++) assertArrayEquals((dilate ? "dilation" : "erosion") + " x" + iterations +
			(threeD ? " 3D" : "") + " slice " + (s + 1), ref[s], got[s]);
		for (int s = 1; s <= out.getStackSize(); s++)
			for (final int v : TestMasks.values(out, s)) assertEquals(true, v == 0 || v == 255);
	}

	@Test
	public void equalsReference2D() {
		final ImagePlus gt = TestMasks.gt2d();
		for (final boolean dilate : new boolean[] { true, false })
			for (final int it : new int[] { 1, 2 }) compare(gt, dilate, it, false);
		final ImagePlus discs = TestMasks.discs(67, 45, 1, 12, 5);
		for (final boolean dilate : new boolean[] { true, false })
			for (final int it : new int[] { 1, 2, 5 }) compare(discs, dilate, it, false);
	}

	@Test
	public void equalsReferenceSliceBySliceAnd3D() {
		final ImagePlus gt = TestMasks.gt3d();
		for (final boolean dilate : new boolean[] { true, false })
			for (final int it : new int[] { 1, 2 })
				for (final boolean threeD : new boolean[] { false, true }) compare(gt, dilate, it, threeD);
		// objects touching every border of a small stack
		final ImagePlus discs = TestMasks.discs(23, 17, 6, 6, 8);
		for (final boolean dilate : new boolean[] { true, false }) compare(discs, dilate, 2, true);
	}

	@Test
	public void crossEqualsDiamondReference() {
		// discs touching the borders; r dilations/erosions with the cross = the diamond |dx| + |dy| <= r
		final ImagePlus discs = TestMasks.discs(53, 41, 3, 9, 13);
		for (int s = 1; s <= 3; s++) {
			final int[] in = TestMasks.values(discs, s);
			for (final boolean dilate : new boolean[] { true, false })
				for (int r = 1; r <= 6; r++) {
					final byte[] px = ((byte[]) discs.getStack().getPixels(s)).clone();
					Morphology.cross(px, 53, 41, r, dilate);
					final int[] got = new int[px.length];
					for (int i = 0; i < px.length; i++) got[i] = px[i] & 0xff;
					assertArrayEquals("slice " + s + " r=" + r + (dilate ? " dilate" : " erode"), ContourPerturbationTest
						.diamond(in, 53, 41, r, dilate), got);
				}
		}
		// hand-computed: one pixel dilated by the cross twice = 13 pixels; a full 7×5 image eroded once = 5×3
		final byte[] one = new byte[11 * 11];
		one[5 * 11 + 5] = -1;
		Morphology.cross(one, 11, 11, 2, true);
		assertEquals(13, NoiseImages.count(one));
		final byte[] full = new byte[7 * 5];
		java.util.Arrays.fill(full, (byte) -1);
		Morphology.cross(full, 7, 5, 1, false);
		assertEquals(15, NoiseImages.count(full));
	}

	@Test
	public void handComputedCounts() {
		// single pixel in the middle: 3×3 = 9 after one dilation, 5×5 = 25 after two
		final ByteProcessor bp = new ByteProcessor(11, 11);
		bp.set(5, 5, 255);
		final ImagePlus one = new ImagePlus("p", bp);
		assertEquals(9, TestMasks.count(TestMasks.values(Morphology.dilate(one, 1, false), 1), 255));
		assertEquals(25, TestMasks.count(TestMasks.values(Morphology.dilate(one, 2, false), 1), 255));
		// a pixel in the corner: 2×2 = 4
		final ByteProcessor corner = new ByteProcessor(11, 11);
		corner.set(0, 0, 255);
		assertEquals(4, TestMasks.count(TestMasks.values(Morphology.dilate(new ImagePlus("c", corner), 1, false), 1),
			255));
		// a full 7×5 image eroded once: outside counts as background, 5×3 = 15 remain; twice: 3×1
		final ByteProcessor full = new ByteProcessor(7, 5);
		full.setValue(255);
		full.fill();
		assertEquals(15, TestMasks.count(TestMasks.values(Morphology.erode(new ImagePlus("f", full), 1, false), 1),
			255));
		assertEquals(3, TestMasks.count(TestMasks.values(Morphology.erode(new ImagePlus("f", full), 2, false), 1),
			255));
		// 3D: one voxel in the middle of a 5×5×5 stack -> 27 voxels; a full 5×5×5 stack eroded in 3D -> 27
		final ImageStack st = new ImageStack(5, 5), fullSt = new ImageStack(5, 5);
		for (int z = 0; z < 5; z++) {
			final ByteProcessor p = new ByteProcessor(5, 5);
			if (z == 2) p.set(2, 2, 255);
			st.addSlice(p);
			final ByteProcessor f = new ByteProcessor(5, 5);
			f.setValue(255);
			f.fill();
			fullSt.addSlice(f);
		}
		int n = 0;
		final ImagePlus d3 = Morphology.dilate(new ImagePlus("v", st), 1, true);
		for (int s = 1; s <= 5; s++) n += TestMasks.count(TestMasks.values(d3, s), 255);
		assertEquals(27, n);
		n = 0;
		final ImagePlus e3 = Morphology.erode(new ImagePlus("f", fullSt), 1, true);
		for (int s = 1; s <= 5; s++) n += TestMasks.count(TestMasks.values(e3, s), 255);
		assertEquals(27, n);
		// slice by slice instead: 5 × 9
		n = 0;
		final ImagePlus e2 = Morphology.erode(new ImagePlus("f", fullSt), 1, false);
		for (int s = 1; s <= 5; s++) n += TestMasks.count(TestMasks.values(e2, s), 255);
		assertEquals(45, n);
	}

	@Test
	public void keepsCalibrationAndAcceptsOtherForegroundValues() {
		final ShortProcessor sp = new ShortProcessor(9, 9);
		sp.set(4, 4, 3);
		final ImagePlus imp = new ImagePlus("m.tif", sp);
		final Calibration cal = imp.getCalibration();
		cal.pixelWidth = 0.5;
		cal.pixelHeight = 0.7;
		final ImagePlus out = Morphology.dilate(imp, 1, false);
		assertEquals(8, out.getBitDepth());
		assertEquals(0.5, out.getCalibration().pixelWidth, 0);
		assertEquals(0.7, out.getCalibration().pixelHeight, 0);
		assertEquals("m-dilated", out.getTitle());
		assertEquals("m-eroded", Morphology.erode(imp, 1, false).getTitle());
		assertEquals(255, out.getProcessor().get(3, 3));
	}

	@Test
	public void badInput() {
		final ImagePlus gt = TestMasks.gt2d();
		Expect.expect(() -> Morphology.dilate(gt, 0, false), "iterations=0 is out of range");
		Expect.expect(() -> Morphology.erode(gt, 101, false), "iterations=101 is out of range");
		Expect.expect(() -> Morphology.dilate(new ImagePlus("e", new ByteProcessor(5, 5)), 1, false),
			"label is empty");
		Expect.expect(() -> Morphology.dilate(TestMasks.open("mask2d.tif"), 1, false),
			"not a binary mask");
	}
}
