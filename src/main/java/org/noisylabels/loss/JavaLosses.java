package org.noisylabels.loss;

import java.util.Objects;

import org.noisylabels.NoisyLabelsException;

/**
 * The losses of {@link Losses} in plain Java, double precision, written independently of the graph
 * version (tests compare the two; iGTT evaluates DMI of threshold candidates with it).
 * <p>
 * <b>Layout.</b> Arrays are flattened NHWC: {@code prob[((n·P) + i)·C + c]} for image n, pixel
 * i = y·W + x (P = H·W pixels per image) and class c; {@code target} likewise. Per-pixel arrays
 * ({@code weight}, {@code flagged}, per-pixel loss maps) are {@code [(n·P) + i]}. A null
 * {@code weight} means all ones; a null {@code flagged} means all pixels flagged (SLSR).
 * <p>
 * The definitions and constants are those of {@link Losses}: clamped p' = 0.999p + 5e-4 in every
 * log, weighted means Σwℓ/(Σw + 1e-10), Dice/NRDice smoothing 1e-5, DMI −log(|det U| + 0.001), soft
 * IoU denominator + 1e-10, GCE max(p, 1e-12)^q, NRDice (|p − y| + 1e-12)^γ.
 */
public final class JavaLosses {

	private JavaLosses() {}

	// ---- dispatch ---------------------------------------------------------------------------------

	/**
	 * The scalar loss, as {@link Losses#loss}.
	 *
	 * @param n number of images (needed by the per-image DMI and soft IoU)
	 * @param channels C
	 */
	public static double loss(final LossType type, final LossParams params, final double[] prob,
		final double[] target, final double[] weight, final double[] flagged, final int n, final int channels)
	{
		Objects.requireNonNull(type, "type");
		final LossParams lp = (params == null ? new LossParams() : params).validate();
		check(prob, target, weight, n, channels, type);
		switch (type) {
			case CE:
				return ce(prob, target, weight, channels);
			case DICE:
				return dice(prob, target, weight, channels);
			case GCE:
				return gce(prob, target, weight, channels, lp.q);
			case MAE:
				return mae(prob, target, weight, channels);
			case NRDICE:
				return nrDice(prob, target, weight, channels, lp.gamma);
			case SLSR:
				return slsr(prob, target, weight, flagged, channels, lp.epsilon);
			case MSE:
				return mse(prob, target, weight, channels);
			case DMI:
				return dmi(prob, target, weight, n);
			case SOFT_IOU:
				return softIoU(prob, target, weight, n);
			default:
				throw new IllegalArgumentException("unknown loss " + type);
		}
	}

	/** {@link #loss(LossType, LossParams, double[], double[], double[], double[], int, int)} on floats. */
	public static double loss(final LossType type, final LossParams params, final float[] prob,
		final float[] target, final float[] weight, final float[] flagged, final int n, final int channels)
	{
		return loss(type, params, toDouble(prob), toDouble(target), toDouble(weight), toDouble(flagged), n,
			channels);
	}

	// ---- pixel-wise losses ------------------------------------------------------------------------

	/** Per-pixel CE: −Σ_c y log(0.999p + 5e-4), length N·P. */
	public static double[] pixelCE(final double[] prob, final double[] target, final int channels) {
		final int m = prob.length / channels;
		final double[] out = new double[m];
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int c = 0; c < channels; c++) {
				final int k = j * channels + c;
				if (target[k] != 0) s -= target[k] * Math.log(Losses.CLAMP_SCALE * prob[k] + Losses.CLAMP_SHIFT);
			}
			out[j] = s;
		}
		return out;
	}

	/** Per-pixel squared error Σ_c (p − ŷ)², length N·P. */
	public static double[] pixelMSE(final double[] prob, final double[] target, final int channels) {
		final int m = prob.length / channels;
		final double[] out = new double[m];
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int c = 0; c < channels; c++) {
				final double d = prob[j * channels + c] - target[j * channels + c];
				s += d * d;
			}
			out[j] = s;
		}
		return out;
	}

	/** Per-pixel GCE Σ_c y(1 − max(p, 1e-12)^q)/q, length N·P. */
	public static double[] pixelGCE(final double[] prob, final double[] target, final int channels,
		final double q)
	{
		final int m = prob.length / channels;
		final double[] out = new double[m];
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int c = 0; c < channels; c++) {
				final int k = j * channels + c;
				s += target[k] * (1 - Math.pow(Math.max(prob[k], Losses.GCE_FLOOR), q)) / q;
			}
			out[j] = s;
		}
		return out;
	}

	/** Per-pixel MAE (1/C)Σ_c |p − y|, length N·P. */
	public static double[] pixelMAE(final double[] prob, final double[] target, final int channels) {
		final int m = prob.length / channels;
		final double[] out = new double[m];
		for (int j = 0; j < m; j++) {
			double s = 0;
			for (int c = 0; c < channels; c++)
				s += Math.abs(prob[j * channels + c] - target[j * channels + c]);
			out[j] = s / channels;
		}
		return out;
	}

	/**
	 * SLSR's smoothed target: on flagged pixels y' = (1 − ε)y + ε(1 − y)/(C − 1) (= ε + (1 − 2ε)y for
	 * C = 2), elsewhere y; flagged null = all pixels, otherwise y + f·(y'_smooth − y).
	 */
	public static double[] smoothedTarget(final double[] target, final double[] flagged, final int channels,
		final double epsilon)
	{
		final double[] out = new double[target.length];
		for (int k = 0; k < target.length; k++) {
			final double y = target[k];
			final double s = (1 - epsilon) * y + epsilon * (1 - y) / (channels - 1);
			final double f = flagged == null ? 1 : flagged[k / channels];
			out[k] = y + f * (s - y);
		}
		return out;
	}

	/** Σ w·ℓ / (Σ w + 1e-10) over all entries; weight null = equal weights. */
	public static double weightedMean(final double[] pixelMap, final double[] weight) {
		double s = 0, sw = 0;
		for (int j = 0; j < pixelMap.length; j++) {
			final double w = weight == null ? 1 : weight[j];
			if (w != 0) s += w * pixelMap[j];
			sw += w;
		}
		return s / (sw + Losses.MEAN_EPS);
	}

	/** Per-image weighted mean Σ_i w·ℓ / (Σ_i w + 1e-10), length n. */
	public static double[] imageMean(final double[] pixelMap, final double[] weight, final int n) {
		if (n <= 0 || pixelMap.length % n != 0) {
			throw new IllegalArgumentException("pixel map length " + pixelMap.length + " is not a multiple of n=" + n);
		}
		final int pp = pixelMap.length / n;
		final double[] out = new double[n];
		for (int b = 0; b < n; b++) {
			double s = 0, sw = 0;
			for (int i = b * pp; i < (b + 1) * pp; i++) {
				final double w = weight == null ? 1 : weight[i];
				if (w != 0) s += w * pixelMap[i];
				sw += w;
			}
			out[b] = s / (sw + Losses.MEAN_EPS);
		}
		return out;
	}

	public static double ce(final double[] prob, final double[] target, final double[] weight,
		final int channels)
	{
		return weightedMean(pixelCE(prob, target, channels), weight);
	}

	public static double gce(final double[] prob, final double[] target, final double[] weight,
		final int channels, final double q)
	{
		return weightedMean(pixelGCE(prob, target, channels, q), weight);
	}

	public static double mae(final double[] prob, final double[] target, final double[] weight,
		final int channels)
	{
		return weightedMean(pixelMAE(prob, target, channels), weight);
	}

	public static double mse(final double[] prob, final double[] target, final double[] weight,
		final int channels)
	{
		return weightedMean(pixelMSE(prob, target, channels), weight);
	}

	public static double slsr(final double[] prob, final double[] target, final double[] weight,
		final double[] flagged, final int channels, final double epsilon)
	{
		return weightedMean(pixelCE(prob, smoothedTarget(target, flagged, channels, epsilon), channels),
			weight);
	}

	// ---- region losses ----------------------------------------------------------------------------

	/** 1 − mean_c (2Σwpy + 1e-5)/(Σwp + Σwy + 1e-5), sums over the whole batch, background included. */
	public static double dice(final double[] prob, final double[] target, final double[] weight,
		final int channels)
	{
		final double[] inter = new double[channels], sp = new double[channels], sy = new double[channels];
		for (int k = 0; k < prob.length; k++) {
			final double w = weight == null ? 1 : weight[k / channels];
			final int c = k % channels;
			inter[c] += w * prob[k] * target[k];
			sp[c] += w * prob[k];
			sy[c] += w * target[k];
		}
		double mean = 0;
		for (int c = 0; c < channels; c++)
			mean += (2 * inter[c] + Losses.DICE_EPS) / (sp[c] + sy[c] + Losses.DICE_EPS);
		return 1 - mean / channels;
	}

	/** mean_c Σw(|p − y| + 1e-12)^γ / (Σw(p + y) + 1e-5), sums over the whole batch. */
	public static double nrDice(final double[] prob, final double[] target, final double[] weight,
		final int channels, final double gamma)
	{
		final double[] num = new double[channels], den = new double[channels];
		for (int k = 0; k < prob.length; k++) {
			final double w = weight == null ? 1 : weight[k / channels];
			final int c = k % channels;
			num[c] += w * Math.pow(Math.abs(prob[k] - target[k]) + Losses.NRDICE_EPS, gamma);
			den[c] += w * (prob[k] + target[k]);
		}
		double mean = 0;
		for (int c = 0; c < channels; c++)
			mean += num[c] / (den[c] + Losses.DICE_EPS);
		return mean / channels;
	}

	/**
	 * DMI of a two-class batch (C = 2, foreground = channel 1): per image −log(|det U| + 0.001) with
	 * U = [p; 1−p]·[y; 1−y]ᵀ of weighted raw sums, mean over the n images.
	 */
	public static double dmi(final double[] prob, final double[] target, final double[] weight, final int n) {
		final int pp = pixelsPerImage(prob, n, 2);
		double total = 0;
		for (int b = 0; b < n; b++) {
			double u00 = 0, u01 = 0, u10 = 0, u11 = 0;
			for (int i = b * pp; i < (b + 1) * pp; i++) {
				final double w = weight == null ? 1 : weight[i];
				final double p = prob[2 * i + 1], y = target[2 * i + 1];
				u00 += w * p * y;
				u01 += w * p * (1 - y);
				u10 += w * (1 - p) * y;
				u11 += w * (1 - p) * (1 - y);
			}
			total += dmiFromU(u00, u01, u10, u11);
		}
		return total / n;
	}

	/**
	 * Soft IoU loss of a two-class batch (C = 2, foreground = channel 1): per image
	 * 1 − Σwpy / (Σw(p² + y) − Σwpy + 1e-10), mean over the n images.
	 */
	public static double softIoU(final double[] prob, final double[] target, final double[] weight,
		final int n)
	{
		return softIoU(prob, target, weight, n, false);
	}

	/**
	 * {@link #softIoU(double[], double[], double[], int)}, or with paperForm the iGTT paper's Eq. 6:
	 * p in place of p², i.e. 1 − Σwpy / (Σw(p + y − py) + 1e-10).
	 */
	public static double softIoU(final double[] prob, final double[] target, final double[] weight,
		final int n, final boolean paperForm)
	{
		final int pp = pixelsPerImage(prob, n, 2);
		double total = 0;
		for (int b = 0; b < n; b++) {
			double inter = 0, sum = 0;
			for (int i = b * pp; i < (b + 1) * pp; i++) {
				final double w = weight == null ? 1 : weight[i];
				final double p = prob[2 * i + 1], y = target[2 * i + 1];
				inter += w * p * y;
				sum += w * ((paperForm ? p : p * p) + y);
			}
			total += 1 - inter / (sum - inter + Losses.IOU_EPS);
		}
		return total / n;
	}

	// ---- one binary image -------------------------------------------------------------------------

	/** −log(|u00·u11 − u01·u10| + 0.001). */
	public static double dmiFromU(final double u00, final double u01, final double u10, final double u11) {
		return -Math.log(Math.abs(u00 * u11 - u01 * u10) + Losses.DMI_EPS);
	}

	/**
	 * DMI of one image: {@code p} = foreground probabilities (one per pixel), {@code y} = mask, any
	 * non-zero byte is foreground.
	 */
	public static double dmiBinary(final float[] p, final byte[] y) {
		return dmiBinary(p, y, null);
	}

	/** As {@link #dmiBinary(float[], byte[])} with per-pixel weights (null = ones). */
	public static double dmiBinary(final float[] p, final byte[] y, final float[] weight) {
		if (p.length != y.length || (weight != null && weight.length != p.length)) {
			throw new IllegalArgumentException("p, y and weight must have the same length");
		}
		double u00 = 0, u01 = 0, u10 = 0, u11 = 0;
		for (int i = 0; i < p.length; i++) {
			final double w = weight == null ? 1 : weight[i];
			final double wp = w * p[i], wq = w - wp;
			if (y[i] != 0) {
				u00 += wp;
				u10 += wq;
			}
			else {
				u01 += wp;
				u11 += wq;
			}
		}
		return dmiFromU(u00, u01, u10, u11);
	}

	/** DMI of one image against a boolean mask. */
	public static double dmiBinary(final float[] p, final boolean[] y) {
		if (p.length != y.length) throw new IllegalArgumentException("p and y must have the same length");
		double u00 = 0, u01 = 0, u10 = 0, u11 = 0;
		for (int i = 0; i < p.length; i++) {
			final double wp = p[i], wq = 1 - wp;
			if (y[i]) {
				u00 += wp;
				u10 += wq;
			}
			else {
				u01 += wp;
				u11 += wq;
			}
		}
		return dmiFromU(u00, u01, u10, u11);
	}

	/**
	 * DMI of one image against its own thresholded candidate mask {@code p > t} (iGTT's candidate
	 * choice), without building the mask.
	 */
	public static double dmiThreshold(final float[] p, final double t) {
		double u00 = 0, u01 = 0, u10 = 0, u11 = 0;
		for (int i = 0; i < p.length; i++) {
			final double wp = p[i], wq = 1 - wp;
			if (p[i] > t) {
				u00 += wp;
				u10 += wq;
			}
			else {
				u01 += wp;
				u11 += wq;
			}
		}
		return dmiFromU(u00, u01, u10, u11);
	}

	/** Soft IoU loss of one image: 1 − Σpy / (Σ(p² + y) − Σpy + 1e-10), y non-zero = foreground. */
	public static double softIoUBinary(final float[] p, final byte[] y) {
		return softIoUBinary(p, y, false);
	}

	/**
	 * {@link #softIoUBinary(float[], byte[])}, or with paperForm the iGTT paper's Eq. 6:
	 * 1 − Σpy / (Σ(p + y − py) + 1e-10).
	 */
	public static double softIoUBinary(final float[] p, final byte[] y, final boolean paperForm) {
		if (p.length != y.length) throw new IllegalArgumentException("p and y must have the same length");
		double inter = 0, sum = 0;
		for (int i = 0; i < p.length; i++) {
			final double pi = p[i];
			sum += paperForm ? pi : pi * pi;
			if (y[i] != 0) {
				inter += pi;
				sum += 1;
			}
		}
		return 1 - inter / (sum - inter + Losses.IOU_EPS);
	}

	// ---- helpers ----------------------------------------------------------------------------------

	/** A copy as double[] (null stays null). */
	public static double[] toDouble(final float[] a) {
		if (a == null) return null;
		final double[] d = new double[a.length];
		for (int i = 0; i < a.length; i++)
			d[i] = a[i];
		return d;
	}

	private static int pixelsPerImage(final double[] prob, final int n, final int channels) {
		if (n <= 0 || prob.length % (n * channels) != 0) {
			throw new IllegalArgumentException("prob length " + prob.length + " is not n·P·C with n=" + n +
				", C=" + channels);
		}
		return prob.length / (n * channels);
	}

	private static void check(final double[] prob, final double[] target, final double[] weight, final int n,
		final int channels, final LossType type)
	{
		Objects.requireNonNull(prob, "prob");
		Objects.requireNonNull(target, "target");
		if (channels < 2) throw new IllegalArgumentException("need C >= 2 channels, got " + channels);
		if (type.isBinaryOnly() && channels != 2) {
			throw new NoisyLabelsException("the " + type.userName() +
				" loss is binary: it needs 2 classes (background, foreground) but the data has " + channels +
				"; use CE, Dice, GCE, MAE, NRDice, SLSR or MSE for multi-class data");
		}
		pixelsPerImage(prob, n, channels);
		if (target.length != prob.length) {
			throw new IllegalArgumentException("target length " + target.length + " != prob length " + prob.length);
		}
		if (weight != null && weight.length != prob.length / channels) {
			throw new IllegalArgumentException("weight length " + weight.length + " != number of pixels " +
				prob.length / channels);
		}
	}
}
