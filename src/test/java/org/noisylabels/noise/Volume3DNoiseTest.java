package org.noisylabels.noise;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ij.ImagePlus;

/**
 * The other generators on a volume (issue #26): random flipping and sampling work per voxel (their exact
 * counts are per slice, so over the volume they are within half a voxel per slice of p·N), and dilation and
 * erosion with three_d=true are the 3D cube operations (k times the 3×3×3 cube = once the (2k+1)³ cube).
 */
public class Volume3DNoiseTest {

	private static byte[][] slices(final ImagePlus imp) {
		final byte[][] v = new byte[imp.getStackSize()][];
		for (int z = 0; z < v.length; z++) v[z] = ((byte[]) imp.getStack().getProcessor(z + 1).convertToByte(false)
			.getPixels()).clone();
		return v;
	}

	@Test
	public void flippingAndSamplingRatesHoldOverTheVolume() {
		final ImagePlus gt = TestMasks.gt3d();
		final byte[][] in = slices(gt);
		final int d = in.length;
		long fg = 0, all = 0;
		for (final byte[] s : in) for (final byte b : s) {
			all++;
			if (b != 0) fg++;
		}
		final long bg = all - fg;
		final double p = 0.3;
		final byte[][] flipped = slices(RandomFlipping.apply(gt, p, 4));
		long fgToBg = 0, bgToFg = 0;
		for (int z = 0; z < d; z++)
			for (int i = 0; i < in[z].length; i++) {
				if (in[z][i] != 0 && flipped[z][i] == 0) fgToBg++;
				if (in[z][i] == 0 && flipped[z][i] != 0) bgToFg++;
			}
		// per slice round(p·n): at most 0.5 off per slice
		assertEquals(p * fg, fgToBg, d * 0.5);
		assertEquals(p * bg, bgToFg, d * 0.5);
		final RandomSampling.Result s = RandomSampling.apply(gt, p, 4);
		final byte[][] ignored = slices(s.ignoreMask), kept = slices(s.noisyLabel);
		long keptFg = 0, keptAll = 0;
		for (int z = 0; z < d; z++)
			for (int i = 0; i < in[z].length; i++) {
				if (ignored[z][i] != 0) continue;
				keptAll++;
				if (kept[z][i] != 0) {
					assertTrue(in[z][i] != 0);
					keptFg++;
				}
			}
		// per slice ceil(p·n): between p·N and p·N + 1 per slice, for each class
		assertTrue(keptFg >= p * fg && keptFg <= p * fg + d);
		assertTrue(keptAll >= p * all && keptAll <= p * all + 2 * d);
	}

	@Test
	public void threeDDilationAndErosionAreTheCubeOperations() {
		final ImagePlus gt = TestMasks.gt3d();
		final int w = gt.getWidth(), h = gt.getHeight();
		for (int k = 1; k <= 3; k++) {
			for (final boolean dilate : new boolean[] { true, false }) {
				final byte[][] iterated = slices(dilate ? Morphology.dilate(gt, k, true) : Morphology.erode(gt, k, true));
				final byte[][] cube = slices(gt);
				VolumeMorphology.cube(cube, w, h, 2 * k + 1, dilate);
				for (int z = 0; z < cube.length; z++) assertArrayEquals((dilate ? "dilation " : "erosion ") + k + " slice " +
					z, cube[z], iterated[z]);
			}
		}
	}
}
