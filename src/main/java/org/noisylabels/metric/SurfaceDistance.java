package org.noisylabels.metric;

import java.util.Arrays;

/**
 * Surface distances between a segmentation S and a ground truth G (2D images or 3D stacks).
 * <p>
 * The surface of an object is the object minus its erosion by a cross-shaped element (4 neighbours in
 * 2D, 6 in 3D), where everything outside the image counts as background; so the pixels on the image
 * border and, in 3D, on the first and last slice are surface pixels. Distances are exact Euclidean
 * distances between pixel centres in calibrated units ({@link EuclideanDistance}).
 * <ul>
 * <li>ASSD = (Σ over ∂G of d(g, ∂S) + Σ over ∂S of d(s, ∂G)) / (|∂S| + |∂G|)</li>
 * <li>ASD = mean over ∂S of d(s, ∂G) (from the prediction's surface to the ground truth's)</li>
 * <li>HD95 = max of the two directed 95th percentiles; a directed percentile is the element at index
 * ⌊0.95·n⌋ of the n distances sorted in ascending order (PyMIC's {@code binary_hausdorff95})</li>
 * </ul>
 * Both objects empty: all three are 0. Exactly one empty: all three are the <em>cap</em> given by the
 * caller (the suite uses the image diagonal in calibrated units, larger than any real distance).
 */
public final class SurfaceDistance {

	/** ASSD, ASD and HD95 of one pair. */
	public static final class Result {

		public final double assd, asd, hd95;

		Result(final double assd, final double asd, final double hd95) {
			this.assd = assd;
			this.asd = asd;
			this.hd95 = hd95;
		}
	}

	private SurfaceDistance() {}

	/**
	 * Distances between the surfaces of two masks (non-zero = object), one array of {@code w*h} per slice;
	 * one slice = 2D (4-neighbour surfaces), several = 3D (6-neighbour surfaces).
	 */
	public static Result compute(final byte[][] s, final byte[][] g, final int w, final int h, final double sx,
		final double sy, final double sz, final double cap)
	{
		final boolean sEmpty = isEmpty(s), gEmpty = isEmpty(g);
		if (sEmpty && gEmpty) return new Result(0, 0, 0);
		if (sEmpty || gEmpty) return new Result(cap, cap, cap);
		final byte[][] ds = surface(s, w, h), dg = surface(g, w, h);
		final float[][] toS = EuclideanDistance.squared(ds, w, h, sx, sy, sz);
		final double[] gToS = distancesAt(dg, toS);
		final float[][] toG = EuclideanDistance.squared(dg, w, h, sx, sy, sz);
		final double[] sToG = distancesAt(ds, toG);
		final double sumG = sum(gToS), sumS = sum(sToG);
		final double assd = (sumG + sumS) / (gToS.length + sToG.length);
		final double asd = sumS / sToG.length;
		final double hd95 = Math.max(percentile95(gToS), percentile95(sToG));
		return new Result(assd, asd, hd95);
	}

	/** The surface pixels (1) of a mask: object pixels with a background or out-of-image cross neighbour. */
	public static byte[][] surface(final byte[][] m, final int w, final int h) {
		final int d = m.length;
		final byte[][] out = new byte[d][w * h];
		for (int z = 0; z < d; z++) {
			final byte[] a = m[z], o = out[z];
			final byte[] below = d > 1 && z > 0 ? m[z - 1] : null;
			final byte[] above = d > 1 && z < d - 1 ? m[z + 1] : null;
			final boolean zBorder = d > 1 && (z == 0 || z == d - 1);
			for (int y = 0, i = 0; y < h; y++) {
				for (int x = 0; x < w; x++, i++) {
					if (a[i] == 0) continue;
					final boolean edge = zBorder || x == 0 || y == 0 || x == w - 1 || y == h - 1 || a[i - 1] == 0 ||
						a[i + 1] == 0 || a[i - w] == 0 || a[i + w] == 0 || below != null && below[i] == 0 ||
						above != null && above[i] == 0;
					if (edge) o[i] = 1;
				}
			}
		}
		return out;
	}

	private static double[] distancesAt(final byte[][] where, final float[][] squared) {
		int n = 0;
		for (final byte[] a : where)
			for (final byte b : a)
				if (b != 0) n++;
		final double[] out = new double[n];
		int k = 0;
		for (int z = 0; z < where.length; z++) {
			final byte[] a = where[z];
			final float[] d2 = squared[z];
			for (int i = 0; i < a.length; i++)
				if (a[i] != 0) out[k++] = Math.sqrt(d2[i]);
		}
		return out;
	}

	/** The element at index ⌊0.95·n⌋ of the sorted values (n ≥ 1). */
	static double percentile95(final double[] values) {
		final double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[(int) (sorted.length * 0.95)];
	}

	private static double sum(final double[] a) {
		double s = 0;
		for (final double v : a) s += v;
		return s;
	}

	static boolean isEmpty(final byte[][] m) {
		for (final byte[] a : m)
			for (final byte b : a)
				if (b != 0) return false;
		return true;
	}
}
