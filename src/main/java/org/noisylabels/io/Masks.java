package org.noisylabels.io;

import java.util.TreeSet;

import org.noisylabels.NoisyLabelsException;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * Input checks and conversions for label images. Binary masks are represented as 8-bit images with
 * 0 = background and 255 = foreground, one {@link ByteProcessor} per slice.
 */
public final class Masks {

	/** The foreground value of binary masks produced by the suite. */
	public static final int FG = 255;

	private Masks() {}

	/**
	 * Checks that {@code imp} is a binary mask (0 = background, one other value = foreground, in any bit
	 * depth) and returns it as a new 0/255 8-bit image with the same calibration.
	 */
	public static ImagePlus binary(final ImagePlus imp, final String key) {
		requireGray(imp, key);
		final ImageStack in = imp.getStack();
		final int w = imp.getWidth(), h = imp.getHeight(), n = w * h;
		// find the foreground value and check there is only one
		double fgValue = Double.NaN;
		for (int s = 1; s <= in.getSize(); s++) {
			final ImageProcessor ip = in.getProcessor(s);
			for (int i = 0; i < n; i++) {
				final float v = ip.getf(i);
				if (Float.isNaN(v)) throw nan(key, s, i % w, i / w);
				if (v == 0) continue;
				if (Double.isNaN(fgValue)) fgValue = v;
				else if (v != fgValue) throw notBinary(imp, key);
			}
		}
		final ImageStack out = new ImageStack(w, h);
		for (int s = 1; s <= in.getSize(); s++) {
			final ImageProcessor ip = in.getProcessor(s);
			final byte[] px = new byte[n];
			for (int i = 0; i < n; i++)
				if (ip.getf(i) != 0) px[i] = (byte) FG;
			out.addSlice(in.getSliceLabel(s), new ByteProcessor(w, h, px));
		}
		final ImagePlus result = new ImagePlus(imp.getTitle(), out);
		result.setCalibration(imp.getCalibration().copy());
		return result;
	}

	/** Any label image (instances or classes, 0 = background) as a 0/255 mask of its non-zero pixels. */
	public static ImagePlus fromLabels(final ImagePlus imp, final String key) {
		requireNoNaN(imp, key);
		final ImageStack in = imp.getStack();
		final ImageStack out = new ImageStack(imp.getWidth(), imp.getHeight());
		for (int s = 1; s <= in.getSize(); s++) {
			final ImageProcessor ip = in.getProcessor(s);
			final byte[] px = new byte[ip.getPixelCount()];
			for (int i = 0; i < px.length; i++)
				if (ip.getf(i) != 0) px[i] = (byte) FG;
			out.addSlice(in.getSliceLabel(s), new ByteProcessor(imp.getWidth(), imp.getHeight(), px));
		}
		final ImagePlus result = new ImagePlus(stripExtension(imp.getTitle()) + "-mask", out);
		result.setCalibration(imp.getCalibration().copy());
		return result;
	}

	/** A title without its file extension. */
	public static String stripExtension(final String title) {
		if (title == null) return "image";
		final int dot = title.lastIndexOf('.');
		return dot > 0 ? title.substring(0, dot) : title;
	}

	/** Like {@link #binary} but also rejects masks without any foreground pixel. */
	public static ImagePlus binaryNonEmpty(final ImagePlus imp, final String key) {
		final ImagePlus mask = binary(imp, key);
		if (isEmpty(mask)) {
			throw new NoisyLabelsException(key + " is empty (no foreground pixel): give a mask with at least one object");
		}
		return mask;
	}

	/** Whether a 0/255 mask has no foreground pixel. */
	public static boolean isEmpty(final ImagePlus mask) {
		final ImageStack st = mask.getStack();
		for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++)
				if (ip.get(i) != 0) return false;
		}
		return true;
	}

	/**
	 * Checks that {@code imp} holds integer class labels 0..C-1 (8 or 16 bit, or integer-valued float) and
	 * returns the number of classes C = max + 1 (at least 2).
	 */
	public static int classCount(final ImagePlus imp, final String key) {
		requireGray(imp, key);
		final ImageStack st = imp.getStack();
		int max = 0;
		for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++) {
				final float v = ip.getf(i);
				if (Float.isNaN(v)) throw nan(key, s, i % ip.getWidth(), i / ip.getWidth());
				if (v < 0 || v != Math.rint(v)) {
					throw new NoisyLabelsException(key + " has the value " + v +
						": class labels must be whole numbers 0, 1, 2, ...");
				}
				if (v > max) max = (int) v;
			}
		}
		return Math.max(2, max + 1);
	}

	/** Rejects RGB/color images and images with NaN pixels. */
	public static void requireGray(final ImagePlus imp, final String key) {
		if (imp == null) throw new NoisyLabelsException("missing input '" + key + "': give " + key + "=...");
		if (imp.getType() == ImagePlus.COLOR_RGB || imp.getType() == ImagePlus.COLOR_256) {
			throw new NoisyLabelsException(key + " is a color image: convert it to 8-bit, 16-bit or 32-bit grayscale");
		}
	}

	/** Rejects images containing NaN pixels (only 32-bit images can). */
	public static void requireNoNaN(final ImagePlus imp, final String key) {
		requireGray(imp, key);
		if (imp.getBitDepth() != 32) return;
		final ImageStack st = imp.getStack();
		for (int s = 1; s <= st.getSize(); s++) {
			final float[] px = (float[]) st.getProcessor(s).getPixels();
			for (int i = 0; i < px.length; i++)
				if (Float.isNaN(px[i])) throw nan(key, s, i % imp.getWidth(), i / imp.getWidth());
		}
	}

	/** Requires the same width, height and number of slices. */
	public static void requireSameSize(final ImagePlus a, final String aKey, final ImagePlus b, final String bKey) {
		if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight() || a.getStackSize() != b.getStackSize()) {
			throw new NoisyLabelsException(aKey + " is " + ImageFiles.dims(a) + " but " + bKey + " is " +
				ImageFiles.dims(b) + ": give images of the same size");
		}
	}

	private static NoisyLabelsException nan(final String key, final int slice, final int x, final int y) {
		return new NoisyLabelsException(key + " has NaN pixels (first at x=" + x + ", y=" + y + ", slice " + slice +
			"): replace them (e.g. Process > Math > Remove NaNs) first");
	}

	private static NoisyLabelsException notBinary(final ImagePlus imp, final String key) {
		final TreeSet<Float> values = new TreeSet<>();
		final ImageStack st = imp.getStack();
		outer: for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++) {
				values.add(ip.getf(i));
				if (values.size() > 4) break outer;
			}
		}
		final StringBuilder sb = new StringBuilder();
		for (final Float v : values) sb.append(sb.length() == 0 ? "" : ", ").append(org.noisylabels.Check.fmt(v));
		return new NoisyLabelsException(key + " is not a binary mask (values " + sb + (values.size() > 4 ? ", ..." : "") +
			"): give 0 = background and one foreground value, or convert instance labels with 'Labels to Mask'");
	}
}
