package org.noisylabels.noise;

import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.BinaryProcessor;
import ij.process.ByteProcessor;

/**
 * Skeleton (PCL): the one-pixel-wide skeleton of every object, slice by slice, with ImageJ 1.x's
 * table-based thinning ({@link BinaryProcessor#skeletonize(int)} with foreground 255, so the result does not
 * depend on the "black background" preference or on the lookup table; objects touching the image border
 * are thinned as if the image continued with background). ImageJ's thinning can leave 2×2 blocks where
 * branches meet; these are thinned further by deleting one simple pixel of each block (a pixel whose removal
 * keeps the local topology: Yokoi connectivity number 1), so that the skeleton contains no 2×2 block.
 * Returns a 0/255 mask.
 */
public final class Skeleton {

	private Skeleton() {}

	public static ImagePlus apply(final ImagePlus label) {
		return apply(label, Progress.NONE);
	}

	public static ImagePlus apply(final ImagePlus label, final Progress progress) {
		final ImagePlus mask = Masks.binaryNonEmpty(label, "label");
		final ImageStack st = mask.getStack();
		final int slices = st.getSize();
		final byte[][] px = new byte[slices][];
		for (int s = 1; s <= slices; s++) {
			progress.checkCanceled();
			progress.update("Skeleton: slice " + s + "/" + slices, (double) (s - 1) / slices);
			px[s - 1] = thin((byte[]) st.getProcessor(s).getPixels(), mask.getWidth(), mask.getHeight());
			removeSquares(px[s - 1], mask.getWidth(), mask.getHeight());
		}
		progress.update("Skeleton done", 1);
		return NoiseImages.maskResult(label, px, NoiseImages.title(label, "-skeleton"));
	}

	/**
	 * ImageJ's thinning alone ({@link BinaryProcessor#skeletonize(int)} with foreground 255) of one slice
	 * (non-zero = object), as a new 0/255 array; the input is not changed. Unlike {@link #apply}, 2×2 blocks
	 * where branches meet are kept (iGTT's EMS skeleton).
	 */
	public static byte[] thin(final byte[] mask, final int width, final int height) {
		if (mask.length != width * height) {
			throw new IllegalArgumentException("array of " + mask.length + " pixels where " + width * height +
				" were expected");
		}
		final byte[] px = new byte[mask.length];
		for (int i = 0; i < mask.length; i++)
			if (mask[i] != 0) px[i] = (byte) Masks.FG;
		final BinaryProcessor bp = new BinaryProcessor(new ByteProcessor(width, height, px));
		bp.skeletonize(Masks.FG);
		final byte[] out = (byte[]) bp.getPixels();
		// 0/255, whatever array or values ImageJ returned
		final byte[] result = new byte[out.length];
		for (int i = 0; i < out.length; i++)
			if ((out[i] & 0xff) == Masks.FG) result[i] = (byte) Masks.FG;
		return result;
	}

	/**
	 * Deletes one pixel of every 2×2 foreground block, preferring pixels whose deletion keeps the topology
	 * (if no pixel of a block is simple, its top-left pixel is deleted). Deletions never create blocks, so one
	 * raster pass suffices. Returns the number of deleted pixels.
	 */
	static int removeSquares(final byte[] px, final int w, final int h) {
		int removed = 0;
		for (int y = 0; y < h - 1; y++) {
			for (int x = 0; x < w - 1; x++) {
				final int i = y * w + x;
				if (px[i] == 0 || px[i + 1] == 0 || px[i + w] == 0 || px[i + w + 1] == 0) continue;
				int victim = i;
				final int[] block = { i, i + 1, i + w, i + w + 1 };
				for (final int b : block) {
					if (simple(px, w, h, b % w, b / w)) {
						victim = b;
						break;
					}
				}
				px[victim] = 0;
				removed++;
			}
		}
		return removed;
	}

	/** Whether deleting the foreground pixel (x, y) keeps the (8, 4) topology: Yokoi's connectivity number is 1. */
	static boolean simple(final byte[] px, final int w, final int h, final int x, final int y) {
		// neighbours counter-clockwise from east: E, NE, N, NW, W, SW, S, SE
		final int[] dx = { 1, 1, 0, -1, -1, -1, 0, 1 }, dy = { 0, -1, -1, -1, 0, 1, 1, 1 };
		final int[] bg = new int[9];
		for (int k = 0; k < 8; k++) {
			final int xx = x + dx[k], yy = y + dy[k];
			bg[k] = xx < 0 || yy < 0 || xx >= w || yy >= h || px[yy * w + xx] == 0 ? 1 : 0;
		}
		bg[8] = bg[0];
		int n = 0;
		for (int k = 0; k < 8; k += 2) n += bg[k] - bg[k] * bg[k + 1] * bg[(k + 2) % 8];
		return n == 1;
	}
}
