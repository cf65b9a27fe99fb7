package org.noisylabels.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training image (a 2D slice): normalised pixels, class labels (0..C−1), pixel weights (0 =
 * ignored) and optional extra per-pixel channels a method asks for (e.g. CLSLSR's "flagged" map). A
 * method may replace labels, weights and extras between epochs (labels that change during training).
 */
public final class Sample {

	public final String name;
	public final int width, height;
	/** Normalised intensities, row-major. */
	public final float[] image;
	private byte[] labels;
	private float[] weights;
	private final Map<String, float[]> extras = new LinkedHashMap<>();

	public Sample(final String name, final int width, final int height, final float[] image, final byte[] labels,
		final float[] weights)
	{
		if (image.length != width * height || labels.length != width * height || weights != null && weights.length !=
			width * height) throw new IllegalArgumentException("sample arrays do not match " + width + "x" + height);
		this.name = name;
		this.width = width;
		this.height = height;
		this.image = image;
		this.labels = labels;
		this.weights = weights;
	}

	/** Class labels (unsigned bytes). */
	public synchronized byte[] labels() {
		return labels;
	}

	/** Label of pixel i as 0..255. */
	public int label(final int i) {
		return labels[i] & 0xff;
	}

	/** Pixel weights, or null when every pixel counts with weight 1. */
	public synchronized float[] weights() {
		return weights;
	}

	public float weight(final int i) {
		return weights == null ? 1f : weights[i];
	}

	/** Replaces the labels (same size; values 0..C−1). */
	public synchronized void setLabels(final byte[] newLabels) {
		if (newLabels.length != width * height) throw new IllegalArgumentException("labels must have " + width * height +
			" pixels");
		labels = newLabels;
	}

	/** Replaces the weights (null = all 1). */
	public synchronized void setWeights(final float[] newWeights) {
		if (newWeights != null && newWeights.length != width * height) throw new IllegalArgumentException(
			"weights must have " + width * height + " pixels");
		weights = newWeights;
	}

	/** An extra per-pixel channel, or null. */
	public synchronized float[] extra(final String key) {
		return extras.get(key);
	}

	public synchronized void setExtra(final String key, final float[] values) {
		if (values.length != width * height) throw new IllegalArgumentException(key + " must have " + width * height +
			" pixels");
		extras.put(key, values);
	}

	/** Number of pixels with a non-zero weight. */
	public long usedPixels() {
		final float[] w = weights;
		if (w == null) return (long) width * height;
		long n = 0;
		for (final float v : w)
			if (v > 0) n++;
		return n;
	}

	/** A copy of the rectangle [x0, x0+w) × [y0, y0+h) (labels, weights and extras included). */
	public Sample crop(final String cropName, final int x0, final int y0, final int w, final int h) {
		final float[] im = new float[w * h];
		final byte[] lb = new byte[w * h];
		final float[] wt = weights == null ? null : new float[w * h];
		for (int y = 0; y < h; y++) {
			System.arraycopy(image, (y0 + y) * width + x0, im, y * w, w);
			System.arraycopy(labels, (y0 + y) * width + x0, lb, y * w, w);
			if (wt != null) System.arraycopy(weights, (y0 + y) * width + x0, wt, y * w, w);
		}
		final Sample s = new Sample(cropName, w, h, im, lb, wt);
		for (final Map.Entry<String, float[]> e : extras.entrySet()) {
			final float[] c = new float[w * h];
			for (int y = 0; y < h; y++) System.arraycopy(e.getValue(), (y0 + y) * width + x0, c, y * w, w);
			s.setExtra(e.getKey(), c);
		}
		return s;
	}
}
