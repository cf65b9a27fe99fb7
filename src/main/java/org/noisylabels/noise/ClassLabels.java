package org.noisylabels.noise;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

/**
 * A label image read as per-slice class indices, for the generators that accept both binary masks and
 * multi-class labels (random sampling and random flipping).
 * <ul>
 * <li><b>binary</b>: 0 and at most one other value (in any bit depth). Classes 0 = background, 1 =
 * foreground; results are 8-bit 0/255 masks.</li>
 * <li><b>multi-class</b>: two or more different non-zero values; they must be whole numbers 0..C-1 (C =
 * largest value + 1, at most 65536). Results keep the class values and the input's bit depth.</li>
 * </ul>
 */
public final class ClassLabels {

	/** The largest number of classes of a multi-class label. */
	public static final int MAX_CLASSES = 65536;

	public final int width, height;
	/** Whether the label is binary (classes 0/1, written as 0/255). */
	public final boolean binary;
	/** The number of classes C (2 for binary). */
	public final int classes;
	/** Per slice, the class index of every pixel. */
	public final int[][] values;

	private final int bitDepth;

	private ClassLabels(final int width, final int height, final boolean binary, final int classes,
		final int[][] values, final int bitDepth)
	{
		this.width = width;
		this.height = height;
		this.binary = binary;
		this.classes = classes;
		this.values = values;
		this.bitDepth = bitDepth;
	}

	/** Reads and checks a label image (gray, no NaN; multi-class values must be whole numbers). */
	public static ClassLabels read(final ImagePlus imp, final String key) {
		Masks.requireNoNaN(imp, key);
		final ImageStack st = imp.getStack();
		final int w = imp.getWidth(), h = imp.getHeight(), n = w * h;
		boolean binary = true;
		float fg = Float.NaN;
		scan: for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			for (int i = 0; i < n; i++) {
				final float v = ip.getf(i);
				if (v == 0) continue;
				if (Float.isNaN(fg)) fg = v;
				else if (v != fg) {
					binary = false;
					break scan;
				}
			}
		}
		final int classes = binary ? 2 : Masks.classCount(imp, key);
		if (classes > MAX_CLASSES) {
			throw new NoisyLabelsException(key + " has class values up to " + (classes - 1) +
				": at most " + MAX_CLASSES + " classes (0.." + (MAX_CLASSES - 1) + ") are supported");
		}
		final int[][] values = new int[st.getSize()][];
		for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			final int[] v = new int[n];
			if (binary) {
				for (int i = 0; i < n; i++) if (ip.getf(i) != 0) v[i] = 1;
			}
			else {
				for (int i = 0; i < n; i++) v[i] = (int) ip.getf(i);
			}
			values[s - 1] = v;
		}
		return new ClassLabels(w, h, binary, classes, values, imp.getBitDepth());
	}

	/** Per-slice pixel counts of every class. */
	public int[] counts(final int slice) {
		final int[] c = new int[classes];
		for (final int v : values[slice]) c[v]++;
		return c;
	}

	/**
	 * Pixel indices of one slice grouped by class: {@code order[start[c] .. start[c + 1])} are the pixels of class
	 * c, in increasing order. {@code start} must have length {@code classes + 1}.
	 */
	public int[] groupByClass(final int slice, final int[] start) {
		final int[] v = values[slice];
		final int[] counts = counts(slice);
		start[0] = 0;
		for (int c = 0; c < classes; c++) start[c + 1] = start[c] + counts[c];
		final int[] next = new int[classes];
		System.arraycopy(start, 0, next, 0, classes);
		final int[] order = new int[v.length];
		for (int i = 0; i < v.length; i++) order[next[v[i]]++] = i;
		return order;
	}

	/**
	 * A processor holding class indices as pixel values: 0/255 bytes for binary labels, otherwise the class
	 * values in the input's bit depth.
	 */
	public ImageProcessor toProcessor(final int[] v) {
		final int n = width * height;
		if (binary) {
			final byte[] px = new byte[n];
			for (int i = 0; i < n; i++) if (v[i] != 0) px[i] = (byte) Masks.FG;
			return new ByteProcessor(width, height, px);
		}
		if (bitDepth == 8) {
			final byte[] px = new byte[n];
			for (int i = 0; i < n; i++) px[i] = (byte) v[i];
			return new ByteProcessor(width, height, px);
		}
		if (bitDepth == 16) {
			final short[] px = new short[n];
			for (int i = 0; i < n; i++) px[i] = (short) v[i];
			final ShortProcessor sp = new ShortProcessor(width, height, px, null);
			sp.resetMinAndMax();
			return sp;
		}
		final float[] px = new float[n];
		for (int i = 0; i < n; i++) px[i] = v[i];
		final FloatProcessor fp = new FloatProcessor(width, height, px);
		fp.resetMinAndMax();
		return fp;
	}
}
