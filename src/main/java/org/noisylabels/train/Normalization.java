package org.noisylabels.train;

import java.util.Arrays;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;

import ij.process.ImageProcessor;

/**
 * Intensity normalisation of one image (slice), applied identically in training and in prediction and
 * recorded in the model: per-image z-score ((v − mean)/std) or percentile ((v − P_low)/(P_high − P_low)).
 */
public final class Normalization {

	public enum Type {
		ZSCORE, PERCENTILE, NONE
	}

	public final Type type;
	public final double low, high;

	public Normalization(final Type type, final double low, final double high) {
		this.type = type;
		this.low = low;
		this.high = high;
		if (type == Type.PERCENTILE && !(low >= 0 && low < high && high <= 100)) {
			throw new NoisyLabelsException("percentiles " + low + "/" + high + " are invalid: give 0 <= low < high <= 100");
		}
	}

	public static Normalization zscore() {
		return new Normalization(Type.ZSCORE, 0, 0);
	}

	public static Normalization percentile(final double low, final double high) {
		return new Normalization(Type.PERCENTILE, low, high);
	}

	/** Parses "zscore", "percentile" (1/99.8) or "none". */
	public static Normalization parse(final String s) {
		final String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
		if (k.equals("zscore")) return zscore();
		if (k.equals("percentile")) return percentile(1, 99.8);
		if (k.equals("none")) return new Normalization(Type.NONE, 0, 0);
		throw new NoisyLabelsException("normalization=" + s + " is not known: use zscore, percentile or none");
	}

	/** The affine map {scale, offset} (normalised = v·scale + offset) for one slice. */
	public float[] affine(final ImageProcessor ip) {
		final int n = ip.getPixelCount();
		switch (type) {
			case ZSCORE: {
				double sum = 0, sum2 = 0;
				for (int i = 0; i < n; i++) {
					final double v = ip.getf(i);
					sum += v;
					sum2 += v * v;
				}
				final double mean = sum / n;
				final double std = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
				final double s = 1 / Math.max(std, 1e-6);
				return new float[] { (float) s, (float) (-mean * s) };
			}
			case PERCENTILE: {
				final float[] v = new float[n];
				for (int i = 0; i < n; i++) v[i] = ip.getf(i);
				Arrays.sort(v);
				final double lo = v[(int) Math.min(n - 1, Math.floor(low / 100 * (n - 1)))];
				final double hi = v[(int) Math.min(n - 1, Math.ceil(high / 100 * (n - 1)))];
				final double s = 1 / Math.max(hi - lo, 1e-6);
				return new float[] { (float) s, (float) (-lo * s) };
			}
			default:
				return new float[] { 1, 0 };
		}
	}

	/** The normalised pixels of one slice. */
	public float[] apply(final ImageProcessor ip) {
		final float[] a = affine(ip);
		final int n = ip.getPixelCount();
		final float[] out = new float[n];
		for (int i = 0; i < n; i++) out[i] = ip.getf(i) * a[0] + a[1];
		return out;
	}

	public String name() {
		return type.name().toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return type == Type.PERCENTILE ? "percentile " + low + "–" + high : name();
	}
}
