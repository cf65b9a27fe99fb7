package org.noisylabels.noise;

/**
 * One dilation or erosion of a binary volume (slices of 0 / -1 bytes, all w·h) with a large 3D element, as
 * PINT's 3D contour perturbation needs: an r×r×r cube or a ball of diameter r, both in voxels (the voxel
 * size is not used). Outside the volume counts as background, in x, y and z (as in {@link Morphology}).
 * <ul>
 * <li><b>Cube</b> of side r: the offsets d with −⌊r/2⌋ ≤ d ≤ ⌊(r−1)/2⌋ on every axis (centred for odd r; for
 * even r the extra voxel is on the low side). Dilation is the Minkowski sum (a cube object of side L becomes
 * one of side L + r − 1), erosion keeps the voxels whose whole shifted cube lies in the object (side
 * L − r + 1). Both are separable and computed with running counts along x, y and z, so the cost does not
 * depend on r.</li>
 * <li><b>Ball</b> of diameter r: the offsets with |d| ≤ (r−1)/2 (r = 1: one voxel; r = 3: the centre and its 6
 * neighbours). Dilation adds the voxels within that distance of the object; erosion removes the object
 * voxels within it of the background (outside the volume included). Computed by stamping the ball on the
 * 6-connected boundary voxels, whose balls cover every voxel within reach (the nearest object voxel of any
 * outside voxel lies on that boundary).</li>
 * </ul>
 */
public final class VolumeMorphology {

	private VolumeMorphology() {}

	/** Dilates ({@code dilate}) or erodes {@code px} (d slices of w·h) once with the r×r×r cube; in place. */
	public static void cube(final byte[][] px, final int w, final int h, final int r, final boolean dilate) {
		if (r <= 1) return;
		final int lo = r / 2, hi = (r - 1) / 2;
		final int d = px.length;
		// lines along x
		final int[] count = new int[Math.max(w, Math.max(h, d)) + 1];
		final byte[] line = new byte[count.length];
		for (int z = 0; z < d; z++) {
			final byte[] s = px[z];
			for (int y = 0; y < h; y++) pass(s, y * w, 1, w, lo, hi, dilate, count, line);
		}
		// lines along y
		for (int z = 0; z < d; z++) {
			final byte[] s = px[z];
			for (int x = 0; x < w; x++) pass(s, x, w, h, lo, hi, dilate, count, line);
		}
		// lines along z
		final int n = w * h;
		for (int i = 0; i < n; i++) {
			for (int z = 0; z < d; z++) line[z] = px[z][i];
			passLine(line, d, lo, hi, dilate, count);
			for (int z = 0; z < d; z++) px[z][i] = line[z];
		}
	}

	/** One 1D pass over the line start, start + step, ... (len values) of {@code a}. */
	private static void pass(final byte[] a, final int start, final int step, final int len, final int lo,
		final int hi, final boolean dilate, final int[] count, final byte[] line)
	{
		for (int k = 0, i = start; k < len; k++, i += step) line[k] = a[i];
		passLine(line, len, lo, hi, dilate, count);
		for (int k = 0, i = start; k < len; k++, i += step) a[i] = line[k];
	}

	/**
	 * 1D dilation (any object value in [x − hi, x + lo]) or erosion (all of [x − lo, x + hi] inside the line and
	 * object) of line[0..len), in place, with prefix counts.
	 */
	private static void passLine(final byte[] line, final int len, final int lo, final int hi,
		final boolean dilate, final int[] count)
	{
		count[0] = 0;
		for (int k = 0; k < len; k++) count[k + 1] = count[k] + (line[k] != 0 ? 1 : 0);
		for (int x = 0; x < len; x++) {
			if (dilate) {
				final int a = Math.max(0, x - hi), b = Math.min(len - 1, x + lo);
				line[x] = count[b + 1] - count[a] > 0 ? (byte) -1 : 0;
			}
			else {
				final int a = x - lo, b = x + hi;
				line[x] = a >= 0 && b < len && count[b + 1] - count[a] == b - a + 1 ? (byte) -1 : 0;
			}
		}
	}

	/** Dilates or erodes {@code px} once with the ball of diameter r (radius (r − 1)/2 voxels); in place. */
	public static void ball(final byte[][] px, final int w, final int h, final int r, final boolean dilate) {
		if (r <= 1) return;
		final double rho = (r - 1) / 2.0;
		final int k = (int) Math.floor(rho);
		final double rho2 = rho * rho;
		// the ball's offsets as (dz, dy, x-run) rows: for each (dz, dy) the half width in x
		final int d = px.length, n = w * h;
		final int[] half = new int[(2 * k + 1) * (2 * k + 1)];
		for (int dz = -k; dz <= k; dz++)
			for (int dy = -k; dy <= k; dy++) {
				final double rest = rho2 - dz * dz - dy * dy;
				half[(dz + k) * (2 * k + 1) + dy + k] = rest < 0 ? -1 : (int) Math.floor(Math.sqrt(rest) + 1e-9);
			}
		// sources: dilation stamps from object voxels with a background 6-neighbour (inside the volume); erosion
		// from background voxels with an object 6-neighbour
		final byte src = dilate ? (byte) -1 : 0;
		final byte[][] out = new byte[d][];
		for (int z = 0; z < d; z++) out[z] = px[z].clone();
		final byte value = dilate ? (byte) -1 : 0;
		for (int z = 0; z < d; z++) {
			final byte[] s = px[z];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					final int i = y * w + x;
					if (s[i] != src) continue;
					final boolean edge = x > 0 && s[i - 1] != src || x < w - 1 && s[i + 1] != src || y > 0 && s[i - w] != src ||
						y < h - 1 && s[i + w] != src || z > 0 && px[z - 1][i] != src || z < d - 1 && px[z + 1][i] != src;
					if (!edge) continue;
					for (int dz = -k; dz <= k; dz++) {
						final int zz = z + dz;
						if (zz < 0 || zz >= d) continue;
						final byte[] o = out[zz];
						for (int dy = -k; dy <= k; dy++) {
							final int yy = y + dy, hx = half[(dz + k) * (2 * k + 1) + dy + k];
							if (yy < 0 || yy >= h || hx < 0) continue;
							final int x0 = Math.max(0, x - hx), x1 = Math.min(w - 1, x + hx);
							java.util.Arrays.fill(o, yy * w + x0, yy * w + x1 + 1, value);
						}
					}
				}
			}
		}
		if (!dilate) {
			// the outside is background too: the nearest outside voxel is straight along one axis
			for (int z = 0; z < d; z++) {
				final int dzEdge = Math.min(z + 1, d - z);
				for (int y = 0; y < h; y++) {
					final int dyEdge = Math.min(y + 1, h - y);
					for (int x = 0; x < w; x++) {
						final int m = Math.min(dzEdge, Math.min(dyEdge, Math.min(x + 1, w - x)));
						if (m <= rho) out[z][y * w + x] = 0;
					}
				}
			}
		}
		for (int z = 0; z < d; z++) System.arraycopy(out[z], 0, px[z], 0, n);
	}
}
