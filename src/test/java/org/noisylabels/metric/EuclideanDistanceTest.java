package org.noisylabels.metric;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;

public class EuclideanDistanceTest {

	/** Brute-force squared distances to the nearest feature. */
	private static double[][] brute(final byte[][] f, final int w, final int h, final double sx, final double sy,
		final double sz)
	{
		final int d = f.length;
		final java.util.List<int[]> features = new java.util.ArrayList<>();
		for (int z = 0; z < d; z++)
			for (int j = 0; j < w * h; j++) if (f[z][j] != 0) features.add(new int[] { j % w, j / w, z });
		final double[][] out = new double[d][w * h];
		for (int z = 0; z < d; z++)
			for (int i = 0; i < w * h; i++) {
				double best = Double.POSITIVE_INFINITY;
				for (final int[] p : features) {
					final double dx = (i % w - p[0]) * sx, dy = (i / w - p[1]) * sy, dz = (z - p[2]) * sz;
					best = Math.min(best, dx * dx + dy * dy + dz * dz);
				}
				out[z][i] = best;
			}
		return out;
	}

	private static void compare(final byte[][] f, final int w, final int h, final double sx, final double sy,
		final double sz)
	{
		final float[][] fast = EuclideanDistance.squared(f, w, h, sx, sy, sz);
		final double[][] exact = brute(f, w, h, sx, sy, sz);
		for (int z = 0; z < f.length; z++)
			for (int i = 0; i < w * h; i++) {
				if (Double.isInfinite(exact[z][i])) assertTrue(Float.isInfinite(fast[z][i]));
				else assertEquals("z=" + z + " i=" + i, Math.sqrt(exact[z][i]), Math.sqrt(fast[z][i]), 1e-5);
			}
	}

	@Test
	public void exactOnRandom2DWithAnisotropicSpacing() {
		final SplittableRandom r = new SplittableRandom(3);
		for (int t = 0; t < 30; t++) {
			final int w = 5 + r.nextInt(40), h = 5 + r.nextInt(40);
			final double p = t % 3 == 0 ? 0.002 : t % 3 == 1 ? 0.02 : 0.3;
			final byte[] f = new byte[w * h];
			for (int i = 0; i < f.length; i++) if (r.nextDouble() < p) f[i] = 1;
			f[r.nextInt(f.length)] = 1;
			compare(new byte[][] { f }, w, h, t % 2 == 0 ? 1 : 0.37, t % 2 == 0 ? 1 : 2.5, 1);
		}
	}

	@Test
	public void exactOnCircleOutlinesWhereImageJsEdmIsApproximate() {
		// ij.plugin.filter.EDM is off by up to 0.07 px on such outlines; this transform must be exact
		final int w = 120, h = 90;
		final byte[] f = new byte[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				if (Math.abs(Math.hypot(x - 60.3, y - 44.8) - 37) < 0.6 || Math.abs(Math.hypot(x - 20, y - 70) - 12) < 0.6) {
					f[y * w + x] = 1;
				}
			}
		compare(new byte[][] { f }, w, h, 1, 1, 1);
	}

	@Test
	public void exactOnRandom3D() {
		final SplittableRandom r = new SplittableRandom(5);
		for (int t = 0; t < 6; t++) {
			final int w = 4 + r.nextInt(12), h = 4 + r.nextInt(12), d = 2 + r.nextInt(8);
			final byte[][] f = new byte[d][w * h];
			for (int z = 0; z < d; z++)
				for (int i = 0; i < w * h; i++) if (r.nextDouble() < 0.01) f[z][i] = 1;
			f[r.nextInt(d)][r.nextInt(w * h)] = 1;
			compare(f, w, h, 0.5, 0.7, t % 2 == 0 ? 3.0 : 1.0);
		}
	}

	/** Large enough for several parallel blocks of columns (256), rows (64) and z lines (4096). */
	@Test
	public void exactAcrossParallelBlocks() {
		final SplittableRandom r = new SplittableRandom(9);
		final int w = 600, h = 150;
		final byte[] f = new byte[w * h];
		for (int k = 0; k < 25; k++) f[r.nextInt(f.length)] = 1;
		compare(new byte[][] { f }, w, h, 1.3, 0.8, 1);
		final int w3 = 70, h3 = 65, d = 3;
		final byte[][] v = new byte[d][w3 * h3];
		for (int k = 0; k < 12; k++) v[r.nextInt(d)][r.nextInt(w3 * h3)] = 1;
		compare(v, w3, h3, 1, 1, 2.5);
	}

	@Test
	public void noFeatureGivesInfinity() {
		final float[][] d = EuclideanDistance.squared(new byte[2][12], 4, 3, 1, 1, 1);
		for (final float[] a : d)
			for (final float v : a) assertEquals(Float.POSITIVE_INFINITY, v, 0);
	}

	@Test
	public void singleFeatureGivesHandComputedDistances() {
		// feature at (1, 2) of a 5x4 image, spacing 2 x 3: pixel (4, 0) is at sqrt((3*2)^2 + (2*3)^2) = sqrt(72)
		final byte[] f = new byte[20];
		f[2 * 5 + 1] = 1;
		final float[][] d = EuclideanDistance.squared(new byte[][] { f }, 5, 4, 2, 3, 1);
		assertEquals(72, d[0][4], 1e-6);
		assertEquals(0, d[0][11], 0);
		assertEquals(4 + 9, d[0][3 * 5 + 2], 1e-6);
	}
}
