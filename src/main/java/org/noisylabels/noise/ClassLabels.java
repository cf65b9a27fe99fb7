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
 * <li><b>multi-class</b>: two or more different non-zero values, whole numbers >= 0. The classes are the
 * values present (C = their number, at most 65536), in increasing order: {0, 128, 255} are three classes
 * 0, 1, 2. Results hold the original values and keep the input's bit depth.</li>
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
	/** Multi-class labels: the value of each class, increasing; null for binary labels. */
	private final float[] classValues;

	private ClassLabels(final int width, final int height, final boolean binary, final int classes,
		final int[][] values, final int bitDepth, final float[] classValues)
	{
		this.classValues = classValues;
		this.width = width;
		this.height = height;
		this.binary = binary;
		this.classes = classes;
		this.values = values;
		this.bitDepth = bitDepth;
	}

	/**
	 * Reads and checks a label image (gray, no NaN; multi-class values must be whole numbers >= 0). The
	 * classes of a multi-class label are the values present in it, in increasing order: {0, 128, 255} are
	 * the classes 0, 1, 2, and results hold the original values again.
	 */
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
		final int[][] values = new int[st.getSize()][];
		if (binary) {
			for (int s = 1; s <= st.getSize(); s++) {
				final ImageProcessor ip = st.getProcessor(s);
				final int[] v = new int[n];
				for (int i = 0; i < n; i++) if (ip.getf(i) != 0) v[i] = 1;
				values[s - 1] = v;
			}
			return new ClassLabels(w, h, true, 2, values, imp.getBitDepth(), null);
		}
		// the distinct values, in increasing order, are the classes
		final java.util.TreeSet<Float> present = new java.util.TreeSet<>();
		for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			for (int i = 0; i < n; i++) {
				final float v = ip.getf(i);
				if (present.contains(v)) continue;
				if (v < 0 || v != Math.rint(v)) {
					throw new NoisyLabelsException(key + " has the value " + org.noisylabels.Check.fmt(v) +
						": class labels must be whole numbers 0, 1, 2, ... (0 = background)");
				}
				present.add(v);
				if (present.size() > MAX_CLASSES) throw new NoisyLabelsException(key + " has more than " + MAX_CLASSES +
					" different values: at most " + MAX_CLASSES + " classes are supported");
			}
		}
		final float[] classValues = new float[present.size()];
		int k = 0;
		for (final float v : present) classValues[k++] = v;
		final java.util.Map<Float, Integer> index = new java.util.HashMap<>();
		for (int c = 0; c < classValues.length; c++) index.put(classValues[c], c);
		for (int s = 1; s <= st.getSize(); s++) {
			final ImageProcessor ip = st.getProcessor(s);
			final int[] v = new int[n];
			float last = Float.NaN;
			int lastClass = 0;
			for (int i = 0; i < n; i++) {
				final float x = ip.getf(i);
				if (x != last) {
					last = x;
					lastClass = index.get(x);
				}
				v[i] = lastClass;
			}
			values[s - 1] = v;
		}
		return new ClassLabels(w, h, false, classValues.length, values, imp.getBitDepth(), classValues);
	}

	/** The label value of class {@code c} (0/255 for binary labels). */
	public float value(final int c) {
		return classValues == null ? (c == 0 ? 0 : Masks.FG) : classValues[c];
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
	 * values (the input's values) in the input's bit depth.
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
			for (int i = 0; i < n; i++) px[i] = (byte) (int) classValues[v[i]];
			return new ByteProcessor(width, height, px);
		}
		if (bitDepth == 16) {
			final short[] px = new short[n];
			for (int i = 0; i < n; i++) px[i] = (short) (int) classValues[v[i]];
			final ShortProcessor sp = new ShortProcessor(width, height, px, null);
			sp.resetMinAndMax();
			return sp;
		}
		final float[] px = new float[n];
		for (int i = 0; i < n; i++) px[i] = classValues[v[i]];
		final FloatProcessor fp = new FloatProcessor(width, height, px);
		fp.resetMinAndMax();
		return fp;
	}
}
