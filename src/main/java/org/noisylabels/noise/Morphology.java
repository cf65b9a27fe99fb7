package org.noisylabels.noise;

import org.noisylabels.Check;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;

/**
 * Binary dilation and erosion (PCL) with a 3×3 square (or, with {@code threeD}, a 3×3×3 cube), repeated
 * {@code iterations} times.
 * <p>
 * <b>Border convention:</b> everything outside the image counts as background, in x, y and (3D) z. So
 * dilation is not affected by the border, and erosion removes the object pixels on the image border (in 3D
 * also the whole first and last slice), as with scipy's default {@code border_value=0}. A single 2D image
 * has no z border: {@code threeD} then gives the 2D result.
 * <p>
 * ImageJ's own {@code ByteProcessor.erode/dilate} are not used because they pad with the edge pixels and
 * depend on global preferences (black background, binary count); this direct, separable implementation
 * gives exactly the square result. The cross-shaped (4-neighbour) variant serves the contour perturbation.
 * Pixels are 0 (background) or -1 (255, foreground) bytes.
 */
public final class Morphology {

	/** The largest number of iterations accepted. */
	public static final int MAX_ITERATIONS = 100;

	private Morphology() {}

	/** Dilates a binary label (0 + one value) with the 3×3 (×3) square; returns a 0/255 mask. */
	public static ImagePlus dilate(final ImagePlus label, final int iterations, final boolean threeD) {
		return apply(label, iterations, threeD, true, Progress.NONE);
	}

	/** Erodes a binary label (0 + one value) with the 3×3 (×3) square; returns a 0/255 mask. */
	public static ImagePlus erode(final ImagePlus label, final int iterations, final boolean threeD) {
		return apply(label, iterations, threeD, false, Progress.NONE);
	}

	/**
	 * Dilates ({@code dilate = true}) or erodes a binary label. The label must have some foreground; its
	 * calibration is kept.
	 */
	public static ImagePlus apply(final ImagePlus label, final int iterations, final boolean threeD,
		final boolean dilate, final Progress progress)
	{
		Check.range(iterations, 1, MAX_ITERATIONS, "iterations");
		final ImagePlus mask = Masks.binaryNonEmpty(label, "label");
		final int w = mask.getWidth(), h = mask.getHeight();
		byte[][] px = NoiseImages.pixels(mask);
		final String what = dilate ? "Dilation" : "Erosion";
		if (threeD && px.length > 1) {
			for (int it = 0; it < iterations; it++) {
				progress.checkCanceled();
				progress.update(what + " (3D): iteration " + (it + 1) + "/" + iterations, (double) it / iterations);
				px = square3D(px, w, h, dilate);
			}
		}
		else {
			final byte[] tmp = new byte[w * h];
			for (int s = 0; s < px.length; s++) {
				progress.checkCanceled();
				progress.update(what + ": slice " + (s + 1) + "/" + px.length, (double) s / px.length);
				for (int it = 0; it < iterations; it++) square2D(px[s], w, h, dilate, tmp);
			}
		}
		progress.update(what + " done", 1);
		return NoiseImages.maskResult(label, px, NoiseImages.title(label, dilate ? "-dilated" : "-eroded"));
	}

	/** One dilation or erosion of one slice with the 3×3 square, in place ({@code tmp}: w·h scratch bytes). */
	public static void square2D(final byte[] px, final int w, final int h, final boolean dilate,
		final byte[] tmp)
	{
		lines(px, tmp, w, h, dilate);
		columns(tmp, px, w, h, dilate);
	}

	/** One dilation or erosion of a stack with the 3×3×3 cube; returns new slices. */
	public static byte[][] square3D(final byte[][] px, final int w, final int h, final boolean dilate) {
		final int d = px.length, n = w * h;
		final byte[][] plane = new byte[d][];
		final byte[] tmp = new byte[n];
		for (int z = 0; z < d; z++) {
			plane[z] = new byte[n];
			lines(px[z], tmp, w, h, dilate);
			columns(tmp, plane[z], w, h, dilate);
		}
		final byte[][] out = new byte[d][];
		for (int z = 0; z < d; z++) {
			final byte[] o = new byte[n];
			if (dilate) {
				final byte[] a = plane[z], b = z > 0 ? plane[z - 1] : null, c = z < d - 1 ? plane[z + 1] : null;
				for (int i = 0; i < n; i++) o[i] = (byte) (a[i] | (b == null ? 0 : b[i]) | (c == null ? 0 : c[i]));
			}
			else if (z > 0 && z < d - 1) {
				final byte[] a = plane[z], b = plane[z - 1], c = plane[z + 1];
				for (int i = 0; i < n; i++) o[i] = (byte) (a[i] & b[i] & c[i]);
			}
			out[z] = o;
		}
		return out;
	}

	/**
	 * {@code r} dilations or erosions of one slice with the cross (4-neighbour) element, in place. Repeating the
	 * cross r times gives the diamond |dx| + |dy| <= r, so this is computed in O(w·h) for any r from the exact
	 * city-block distance transform (two raster passes): dilation keeps the pixels within distance r of the
	 * object, erosion the object pixels farther than r from the background (outside the image counts as
	 * background at distance 1 from the border pixels).
	 */
	public static void cross(final byte[] px, final int w, final int h, final int r, final boolean dilate) {
		if (r <= 0) return;
		final int n = w * h, far = Integer.MAX_VALUE / 2;
		final int[] d = new int[n];
		// distance to the nearest "source" pixel: object pixels for dilation, background pixels for erosion
		for (int i = 0; i < n; i++) d[i] = (px[i] != 0) == dilate ? 0 : far;
		final int edge = dilate ? far : 0; // the value of the outside
		for (int y = 0; y < h; y++) {
			final int row = y * w;
			for (int x = 0; x < w; x++) {
				final int i = row + x;
				int v = d[i];
				final int left = x > 0 ? d[i - 1] : edge, up = y > 0 ? d[i - w] : edge;
				if (left + 1 < v) v = left + 1;
				if (up + 1 < v) v = up + 1;
				d[i] = v;
			}
		}
		for (int y = h - 1; y >= 0; y--) {
			final int row = y * w;
			for (int x = w - 1; x >= 0; x--) {
				final int i = row + x;
				int v = d[i];
				final int right = x < w - 1 ? d[i + 1] : edge, down = y < h - 1 ? d[i + w] : edge;
				if (right + 1 < v) v = right + 1;
				if (down + 1 < v) v = down + 1;
				d[i] = v;
			}
		}
		for (int i = 0; i < n; i++) px[i] = (dilate ? d[i] <= r : d[i] > r) ? (byte) -1 : 0;
	}

	/** Horizontal 1×3 pass from {@code in} to {@code out}; outside = background. */
	private static void lines(final byte[] in, final byte[] out, final int w, final int h, final boolean dilate) {
		for (int y = 0; y < h; y++) {
			final int row = y * w;
			if (w == 1) {
				out[row] = dilate ? in[row] : 0;
				continue;
			}
			if (dilate) {
				out[row] = (byte) (in[row] | in[row + 1]);
				for (int x = 1; x < w - 1; x++) out[row + x] = (byte) (in[row + x - 1] | in[row + x] | in[row + x + 1]);
				out[row + w - 1] = (byte) (in[row + w - 2] | in[row + w - 1]);
			}
			else {
				out[row] = 0;
				for (int x = 1; x < w - 1; x++) out[row + x] = (byte) (in[row + x - 1] & in[row + x] & in[row + x + 1]);
				out[row + w - 1] = 0;
			}
		}
	}

	/** Vertical 3×1 pass from {@code in} to {@code out}; outside = background. */
	private static void columns(final byte[] in, final byte[] out, final int w, final int h,
		final boolean dilate)
	{
		for (int y = 0; y < h; y++) {
			final int row = y * w;
			final boolean top = y == 0, bottom = y == h - 1;
			if (dilate) {
				for (int x = 0; x < w; x++) {
					final int i = row + x;
					out[i] = (byte) (in[i] | (top ? 0 : in[i - w]) | (bottom ? 0 : in[i + w]));
				}
			}
			else if (top || bottom) {
				java.util.Arrays.fill(out, row, row + w, (byte) 0);
			}
			else {
				for (int x = 0; x < w; x++) {
					final int i = row + x;
					out[i] = (byte) (in[i - w] & in[i] & in[i + w]);
				}
			}
		}
	}
}
