package org.noisylabels.method.pint;

import org.noisylabels.loss.JavaLosses;
import org.noisylabels.loss.Losses;

/**
 * The same computations in plain Java, double precision, on flattened NHWC arrays as in
 * {@link JavaLosses}: {@code prob[((n·P) + i)·C + c]}, per-pixel arrays {@code [(n·P) + i]}, weight
 * null = all ones: the tests' oracle for PINT's graph ops ({@link Uncertainty}, {@link NoiseTolerantLoss}) and
 * for the EMA teacher ({@link org.noisylabels.train.Ema}).
 */
public final class Plain {

	private Plain() {}

	/** x + clamp(σ·z, −clip, clip) for one standard normal z. */
	public static double perturb(final double x, final double z, final double std, final double clip) {
		return x + Math.max(-clip, Math.min(clip, std * z));
	}

	/** p̂ = element-wise mean of the M probability arrays. */
	public static double[] meanProb(final double[]... probs) {
		final double[] out = new double[probs[0].length];
		for (final double[] p : probs) {
			if (p.length != out.length) throw new IllegalArgumentException("probability arrays differ in length");
			for (int k = 0; k < out.length; k++)
				out[k] += p[k];
		}
		for (int k = 0; k < out.length; k++)
			out[k] /= probs.length;
		return out;
	}

	/** u = max(0, −Σ_c p̂ log(p̂ + 1e-6)) per pixel. */
	public static double[] entropy(final double[] pHat, final int channels) {
		final double[] u = new double[pHat.length / channels];
		for (int j = 0; j < u.length; j++) {
			double s = 0;
			for (int c = 0; c < channels; c++) {
				final double p = pHat[j * channels + c];
				s -= p * Math.log(p + Uncertainty.ENTROPY_EPS);
			}
			u[j] = Math.max(0, s); // as in the graph: never negative
		}
		return u;
	}

	/** exp(−u) per entry. */
	public static double[] labelWeight(final double[] u) {
		final double[] a = new double[u.length];
		for (int j = 0; j < u.length; j++)
			a[j] = Math.exp(-u[j]);
		return a;
	}

	/** one-hot(argmax p̂), ties to the lower class. */
	public static double[] hardLabel(final double[] pHat, final int channels) {
		final double[] y = new double[pHat.length];
		for (int j = 0; j < pHat.length / channels; j++) {
			int best = 0;
			for (int c = 1; c < channels; c++)
				if (pHat[j * channels + c] > pHat[j * channels + best]) best = c;
			y[j * channels + best] = 1;
		}
		return y;
	}

	/** exp(−u)·CE(f, y) + (1 − exp(−u))·MSE(f, ŷ) per pixel. */
	public static double[] pntPixelLoss(final double[] prob, final double[] target, final double[] pseudo,
		final double[] u, final int channels)
	{
		final double[] ce = JavaLosses.pixelCE(prob, target, channels);
		final double[] mse = JavaLosses.pixelMSE(prob, pseudo, channels);
		final double[] out = new double[ce.length];
		for (int j = 0; j < out.length; j++) {
			final double a = Math.exp(-u[j]);
			out[j] = a * ce[j] + (1 - a) * mse[j];
		}
		return out;
	}

	/** The PNT loss: weighted mean of {@link #pntPixelLoss}. */
	public static double pntLoss(final double[] prob, final double[] target, final double[] weight,
		final double[] pseudo, final double[] u, final int channels)
	{
		return JavaLosses.weightedMean(pntPixelLoss(prob, target, pseudo, u, channels), weight);
	}

	/** U_i over the non-ignored pixels of each of the n images (0 when none). */
	public static double[] imageUncertainty(final double[] u, final double[] weight, final int n) {
		if (weight == null) return JavaLosses.imageMean(u, null, n);
		final double[] mask = new double[weight.length];
		for (int j = 0; j < mask.length; j++)
			mask[j] = weight[j] > 0 ? 1 : 0;
		return JavaLosses.imageMean(u, mask, n);
	}

	/** Per-image INT loss exp(−U_i)·CE_i + (1 − exp(−U_i))·MSE_i. */
	public static double[] intImageLoss(final double[] prob, final double[] target, final double[] weight,
		final double[] pseudo, final double[] u, final int n, final int channels)
	{
		final double[] ce = JavaLosses.imageMean(JavaLosses.pixelCE(prob, target, channels), weight, n);
		final double[] mse = JavaLosses.imageMean(JavaLosses.pixelMSE(prob, pseudo, channels), weight, n);
		final double[] uI = imageUncertainty(u, weight, n);
		final double[] out = new double[n];
		for (int i = 0; i < n; i++) {
			final double a = Math.exp(-uI[i]);
			out[i] = a * ce[i] + (1 - a) * mse[i];
		}
		return out;
	}

	/** The INT loss: mean of {@link #intImageLoss} over the images with some non-ignored pixel. */
	public static double intLoss(final double[] prob, final double[] target, final double[] weight,
		final double[] pseudo, final double[] u, final int n, final int channels)
	{
		final double[] li = intImageLoss(prob, target, weight, pseudo, u, n, channels);
		final int p = u.length / n;
		double s = 0;
		int count = 0;
		for (int i = 0; i < n; i++) {
			double sw = 0;
			for (int j = i * p; j < (i + 1) * p; j++)
				sw += weight == null ? 1 : weight[j];
			if (sw > 0) {
				s += li[i];
				count++;
			}
		}
		return s / (count + Losses.MEAN_EPS);
	}

	/** θ̃ ← γθ̃ + (1 − γ)θ in place on {@code teacher}. */
	public static void emaUpdate(final double[] teacher, final double[] student, final double gamma) {
		if (teacher.length != student.length) throw new IllegalArgumentException("teacher and student differ in size");
		for (int k = 0; k < teacher.length; k++)
			teacher[k] = gamma * teacher[k] + (1 - gamma) * student[k];
	}
}
