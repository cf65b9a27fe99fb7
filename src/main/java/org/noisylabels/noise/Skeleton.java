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
 * are thinned as if the image continued with background). Returns a 0/255 mask.
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
			final BinaryProcessor bp = new BinaryProcessor((ByteProcessor) st.getProcessor(s));
			bp.skeletonize(Masks.FG);
			px[s - 1] = (byte[]) bp.getPixels();
		}
		progress.update("Skeleton done", 1);
		return NoiseImages.maskResult(label, px, NoiseImages.title(label, "-skeleton"));
	}
}
