package org.noisylabels.method.pint;

import java.util.Objects;

import org.noisylabels.loss.Losses;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * PINT's two noise-tolerant losses (algorithms.md §3) on the student's probabilities f, the noisy labels y
 * and the teacher's {@link Uncertainty}: PNT, the pixel-wise exp(−u)·CE(f, y) + (1 − exp(−u))·MSE(f, ŷ),
 * and INT, the same blend per image with the image's mean uncertainty U_i. NHWC float32: probabilities and
 * labels [N,H,W,C], pixel weights [N,H,W,1] with 0 = ignored pixel, per-pixel maps [N,H,W], per-image
 * values [N].
 */
public final class NoiseTolerantLoss {

	private NoiseTolerantLoss() {}

	// ---- PNT: pixel-wise noise-tolerant loss ------------------------------------------------------

	/**
	 * Per-pixel PNT loss [N,H,W]: exp(−u)·CE(f, y) + (1 − exp(−u))·MSE(f, ŷ).
	 *
	 * @param studentProb f, the student's probabilities [N,H,W,C]
	 * @param target y, the (noisy) one-hot or soft labels [N,H,W,C]
	 */
	public static Operand<TFloat32> pntPixelLoss(final Ops tf, final Operand<TFloat32> studentProb,
		final Operand<TFloat32> target, final Uncertainty unc)
	{
		checkStudent(studentProb, unc);
		final Operand<TFloat32> ce = Losses.pixelCE(tf, studentProb, target);
		final Operand<TFloat32> mse = Losses.pixelMSE(tf, studentProb, unc.pseudoLabel);
		return blend(tf, unc.labelWeight, ce, mse);
	}

	/**
	 * The PNT loss, a scalar: Σ w·ℓ / (Σ w + 1e-10) over all pixels of the batch of
	 * ℓ = {@link #pntPixelLoss}; ignored pixels (w = 0) contribute nothing.
	 *
	 * @param weight pixel weights [N,H,W,1], 0 = ignored; null = all pixels count equally
	 */
	public static Operand<TFloat32> pntLoss(final Ops tf, final Operand<TFloat32> studentProb,
		final Operand<TFloat32> target, final Operand<TFloat32> weight, final Uncertainty unc)
	{
		return Losses.weightedMean(tf, pntPixelLoss(tf, studentProb, target, unc), weight);
	}

	// ---- INT: image-level noise-tolerant loss -----------------------------------------------------

	/**
	 * U_i: mean pixel uncertainty of each image over its non-ignored pixels (w > 0, unweighted), [N]; 0
	 * for an image without any.
	 *
	 * @param u pixel uncertainty [N,H,W]
	 * @param weight [N,H,W,1] or null (all pixels)
	 */
	public static Operand<TFloat32> imageUncertainty(final Ops tf, final Operand<TFloat32> u,
		final Operand<TFloat32> weight)
	{
		return Losses.imageMean(tf, u, weight == null ? null : mask(tf, weight));
	}

	/**
	 * Per-image INT loss [N]: exp(−U_i)·CE_i + (1 − exp(−U_i))·MSE_i with CE_i, MSE_i the image's weighted
	 * mean losses Σ w·ℓ / (Σ w + 1e-10) and U_i = {@link #imageUncertainty}.
	 */
	public static Operand<TFloat32> intImageLoss(final Ops tf, final Operand<TFloat32> studentProb,
		final Operand<TFloat32> target, final Operand<TFloat32> weight, final Uncertainty unc)
	{
		checkStudent(studentProb, unc);
		final Operand<TFloat32> ceI = Losses.imageMean(tf, Losses.pixelCE(tf, studentProb, target), weight);
		final Operand<TFloat32> mseI = Losses.imageMean(tf, Losses.pixelMSE(tf, studentProb, unc.pseudoLabel),
			weight);
		final Operand<TFloat32> alphaI = tf.math.exp(tf.math.neg(imageUncertainty(tf, unc.uncertainty,
			weight)));
		return blend(tf, alphaI, ceI, mseI);
	}

	/**
	 * The INT loss, a scalar: mean of {@link #intImageLoss} over the images of the batch that have at
	 * least one non-ignored pixel (all images when weight is null).
	 */
	public static Operand<TFloat32> intLoss(final Ops tf, final Operand<TFloat32> studentProb,
		final Operand<TFloat32> target, final Operand<TFloat32> weight, final Uncertainty unc)
	{
		final Operand<TFloat32> perImage = intImageLoss(tf, studentProb, target, weight, unc);
		if (weight == null) return tf.math.mean(perImage, tf.constant(0));
		final Operand<TFloat32> has = tf.dtypes.cast(tf.math.greater(tf.reduceSum(weight, tf.constant(
			new int[] { 1, 2, 3 })), f(tf, 0)), TFloat32.class);
		return tf.math.div(tf.reduceSum(tf.math.mul(perImage, has), tf.constant(0)), tf.math.add(tf.reduceSum(
			has, tf.constant(0)), f(tf, Losses.MEAN_EPS)));
	}

	/**
	 * Both phases in one graph: pnt + s·(int − pnt) with the scalar {@code imagePhase} s fed as 0 (PNT
	 * steps) or 1 (INT steps), so one optimiser and one graph serve the whole PINT run.
	 */
	public static Operand<TFloat32> phaseLoss(final Ops tf, final Operand<TFloat32> pnt,
		final Operand<TFloat32> intL, final Operand<TFloat32> imagePhase)
	{
		return tf.math.add(pnt, tf.math.mul(imagePhase, tf.math.sub(intL, pnt)));
	}

	/** α·a + (1 − α)·b = b + α·(a − b), element-wise. */
	private static Operand<TFloat32> blend(final Ops tf, final Operand<TFloat32> alpha,
		final Operand<TFloat32> a, final Operand<TFloat32> b)
	{
		return tf.math.add(tf.math.mul(alpha, a), tf.math.mul(tf.math.sub(f(tf, 1), alpha), b));
	}

	/** 1 where weight &gt; 0, else 0 (no gradient needed: weights are data). */
	private static Operand<TFloat32> mask(final Ops tf, final Operand<TFloat32> weight) {
		return tf.dtypes.cast(tf.math.greater(tf.stopGradient(weight), f(tf, 0)), TFloat32.class);
	}

	private static void checkStudent(final Operand<TFloat32> studentProb, final Uncertainty unc) {
		Objects.requireNonNull(unc, "uncertainty");
		final int c = Uncertainty.classes(studentProb, "student probabilities");
		if (c != unc.classes) {
			throw new IllegalArgumentException("student has " + c + " classes but the teacher has " + unc.classes);
		}
	}

	private static Operand<TFloat32> f(final Ops tf, final double v) {
		return tf.constant((float) v);
	}
}
