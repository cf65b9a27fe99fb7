package org.noisylabels.loss;

import java.util.Arrays;
import java.util.Objects;

import org.noisylabels.NoisyLabelsException;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The losses of algorithms.md §2 as TensorFlow graph ops (graph mode, {@link Ops}).
 * <p>
 * All tensors are NHWC {@code float32}:
 * <ul>
 * <li>{@code prob}: class probabilities [N,H,W,C], C ≥ 2, C known statically (a 1-channel sigmoid
 * output p becomes [1−p, p] with {@link #twoClass});</li>
 * <li>{@code target}: one-hot or soft labels [N,H,W,C];</li>
 * <li>{@code weight}: per-pixel weights [N,H,W,1], 0 = ignored pixel (never null);</li>
 * <li>{@code flagged}: [N,H,W,1] 0/1 pixels whose label SLSR smooths (null = all pixels).</li>
 * </ul>
 * Conventions shared with {@link JavaLosses} (which computes the same values in double precision):
 * <ul>
 * <li>every log uses the clamped probability p' = 0.999·p + 5e-4 (CE, SLSR, {@link #pixelCE}), so
 * the loss and its gradient stay finite when p = 0;</li>
 * <li>a "weighted mean over pixels" is Σ w·ℓ / (Σ w + 1e-10) over all pixels of the batch;</li>
 * <li>GCE uses max(p, 1e-12)^q and NRDice (|p − y| + 1e-12)^γ so that their gradients are finite
 * everywhere (the changes are below float precision);</li>
 * <li>DMI and soft IoU use the foreground channel prob[..., 1], target[..., 1] and need C = 2.</li>
 * </ul>
 * Ignored pixels (weight 0) contribute neither to the value nor to the gradient of any loss. Only
 * ops with registered gradients are used (Mul, Add, Sub, Div, Log, Abs, Pow, Maximum, Sum, Mean,
 * Slice, Neg, Identity).
 */
public final class Losses {

	/** Clamp of probabilities inside every log: p' = CLAMP_SCALE·p + CLAMP_SHIFT. */
	public static final double CLAMP_SCALE = 0.999, CLAMP_SHIFT = 5e-4;
	/** Added to Σw in weighted means. */
	public static final double MEAN_EPS = 1e-10;
	/** Smoothing term of Dice and NRDice. */
	public static final double DICE_EPS = 1e-5;
	/** Added to |det U| inside DMI's log. */
	public static final double DMI_EPS = 1e-3;
	/** Added to the soft IoU denominator. */
	public static final double IOU_EPS = 1e-10;
	/** Lower bound of p in GCE's p^q. */
	public static final double GCE_FLOOR = 1e-12;
	/** Added to |p − y| in NRDice's |p − y|^γ. */
	public static final double NRDICE_EPS = 1e-12;

	private Losses() {}

	/**
	 * Builds a scalar loss.
	 *
	 * @param type which loss
	 * @param params hyper-parameters (null = defaults); validated
	 * @param prob class probabilities [N,H,W,C]
	 * @param target one-hot or soft labels [N,H,W,C]
	 * @param weight per-pixel weights [N,H,W,1] (0 = ignored), not null
	 * @param flagged [N,H,W,1] pixels where SLSR smooths the label; ignored by the other losses; null
	 *          = all pixels
	 * @return the scalar loss
	 * @throws NoisyLabelsException for DMI / soft IoU with C ≠ 2, or invalid params
	 */
	public static Operand<TFloat32> loss(final Ops tf, final LossType type, final LossParams params,
		final Operand<TFloat32> prob, final Operand<TFloat32> target, final Operand<TFloat32> weight,
		final Operand<TFloat32> flagged)
	{
		Objects.requireNonNull(type, "type");
		final LossParams lp = (params == null ? new LossParams() : params).validate();
		final int c = channels(prob, target, type);
		requireWeight(weight, "weight");
		final Operand<TFloat32> p = tf.identity(prob);
		final Operand<TFloat32> y = tf.identity(target);
		final Operand<TFloat32> w = tf.identity(weight);
		switch (type) {
			case DICE:
				return dice(tf, p, y, w);
			case NRDICE:
				return nrDice(tf, p, y, w, lp.gamma);
			case DMI:
				return dmi(tf, channel(tf, p, 1), channel(tf, y, 1), w);
			case SOFT_IOU:
				return softIoUOfChannel(tf, channel(tf, p, 1), channel(tf, y, 1), w, false);
			default:
				return weightedMean4(tf, pixelLoss4(tf, type, lp, p, y, flagged, c), w);
		}
	}

	/**
	 * Per-pixel loss map [N,H,W] of a pixel-wise loss (CE, GCE, MAE, SLSR, MSE; see
	 * {@link LossType#isPixelwise()}): {@link #loss} = {@link #weightedMean} of this map. Useful for
	 * small-loss selection with any pixel-wise loss.
	 *
	 * @throws IllegalArgumentException for Dice, NRDice, DMI, soft IoU (not pixel-wise)
	 */
	public static Operand<TFloat32> pixelLoss(final Ops tf, final LossType type, final LossParams params,
		final Operand<TFloat32> prob, final Operand<TFloat32> target, final Operand<TFloat32> flagged)
	{
		if (!type.isPixelwise()) throw new IllegalArgumentException(type + " is not a pixel-wise loss");
		final LossParams lp = (params == null ? new LossParams() : params).validate();
		final int c = channels(prob, target, type);
		return squeeze3(tf, pixelLoss4(tf, type, lp, tf.identity(prob), tf.identity(target), flagged, c));
	}

	/** Per-pixel cross-entropy [N,H,W]: −Σ_c y log(0.999 p + 5e-4). */
	public static Operand<TFloat32> pixelCE(final Ops tf, final Operand<TFloat32> prob,
		final Operand<TFloat32> target)
	{
		channels(prob, target, LossType.CE);
		return squeeze3(tf, ce4(tf, tf.identity(prob), tf.identity(target)));
	}

	/** Per-pixel squared error [N,H,W]: Σ_c (p − ŷ)². */
	public static Operand<TFloat32> pixelMSE(final Ops tf, final Operand<TFloat32> prob,
		final Operand<TFloat32> target)
	{
		channels(prob, target, LossType.MSE);
		return squeeze3(tf, mse4(tf, tf.identity(prob), tf.identity(target)));
	}

	/**
	 * Weighted mean over all pixels of the batch: Σ w·ℓ / (Σ w + 1e-10), a scalar.
	 *
	 * @param pixelMap [N,H,W]
	 * @param weight [N,H,W,1], or null for equal weights
	 */
	public static Operand<TFloat32> weightedMean(final Ops tf, final Operand<TFloat32> pixelMap,
		final Operand<TFloat32> weight)
	{
		final Operand<TFloat32> l = tf.expandDims(pixelMap, tf.constant(-1));
		return weightedMean4(tf, l, weight == null ? tf.onesLike(l) : weight);
	}

	/**
	 * Weighted mean per image: Σ_hw w·ℓ / (Σ_hw w + 1e-10), shape [N] (PINT's image-level losses).
	 *
	 * @param pixelMap [N,H,W]
	 * @param weight [N,H,W,1], or null for equal weights
	 */
	public static Operand<TFloat32> imageMean(final Ops tf, final Operand<TFloat32> pixelMap,
		final Operand<TFloat32> weight)
	{
		final Operand<TFloat32> l = tf.expandDims(pixelMap, tf.constant(-1));
		final Operand<TFloat32> w = weight == null ? tf.onesLike(l) : weight;
		final Operand<TInt32> ax = tf.constant(new int[] { 1, 2, 3 });
		return tf.math.div(tf.reduceSum(tf.math.mul(l, w), ax), tf.math.add(tf.reduceSum(w, ax), f(tf,
			MEAN_EPS)));
	}

	/** [1 − p, p] along the channel axis: [N,H,W,1] → [N,H,W,2]. */
	public static Operand<TFloat32> twoClass(final Ops tf, final Operand<TFloat32> p) {
		final Operand<TFloat32> q = tf.identity(p);
		return tf.concat(Arrays.asList(tf.math.sub(f(tf, 1), q), q), tf.constant(3));
	}

	/** Channel {@code c} of an NHWC tensor, keeping the axis: [N,H,W,1]. */
	public static Operand<TFloat32> channel(final Ops tf, final Operand<TFloat32> x, final int c) {
		return tf.slice(x, tf.constant(new int[] { 0, 0, 0, c }), tf.constant(new int[] { -1, -1, -1, 1 }));
	}

	/**
	 * SLSR's target: y' = (1 − ε)·y + ε·(1 − y)/(C − 1) on flagged pixels (= ε + (1 − 2ε)·y for C = 2),
	 * y elsewhere; flagged null = all pixels.
	 */
	public static Operand<TFloat32> smoothedTarget(final Ops tf, final Operand<TFloat32> target,
		final double epsilon, final Operand<TFloat32> flagged, final int classes)
	{
		final Operand<TFloat32> smooth = tf.math.add(tf.math.mul(target, f(tf, 1 - epsilon)), tf.math.mul(
			tf.math.sub(f(tf, 1), target), f(tf, epsilon / (classes - 1))));
		if (flagged == null) return smooth;
		return tf.math.add(target, tf.math.mul(flagged, tf.math.sub(smooth, target)));
	}

	// ---- the losses -------------------------------------------------------------------------------

	private static Operand<TFloat32> pixelLoss4(final Ops tf, final LossType type, final LossParams lp,
		final Operand<TFloat32> p, final Operand<TFloat32> y, final Operand<TFloat32> flagged, final int c)
	{
		switch (type) {
			case CE:
				return ce4(tf, p, y);
			case SLSR:
				return ce4(tf, p, smoothedTarget(tf, y, lp.epsilon, flagged == null ? null : tf.identity(
					flagged), c));
			case GCE: {
				final Operand<TFloat32> pq = tf.math.pow(tf.math.maximum(p, f(tf, GCE_FLOOR)), f(tf, lp.q));
				return tf.reduceSum(tf.math.mul(y, tf.math.div(tf.math.sub(f(tf, 1), pq), f(tf, lp.q))), tf
					.constant(3), ReduceSum.keepDims(true));
			}
			case MAE:
				return tf.math.mean(tf.math.abs(tf.math.sub(p, y)), tf.constant(3),
					org.tensorflow.op.math.Mean.keepDims(true));
			case MSE:
				return mse4(tf, p, y);
			default:
				throw new IllegalArgumentException(type + " is not a pixel-wise loss");
		}
	}

	/** −Σ_c y log(0.999 p + 5e-4), [N,H,W,1]. */
	private static Operand<TFloat32> ce4(final Ops tf, final Operand<TFloat32> p, final Operand<TFloat32> y) {
		final Operand<TFloat32> logp = tf.math.log(tf.math.add(tf.math.mul(p, f(tf, CLAMP_SCALE)), f(tf,
			CLAMP_SHIFT)));
		return tf.math.neg(tf.reduceSum(tf.math.mul(y, logp), tf.constant(3), ReduceSum.keepDims(true)));
	}

	/** Σ_c (p − y)², [N,H,W,1]. */
	private static Operand<TFloat32> mse4(final Ops tf, final Operand<TFloat32> p, final Operand<TFloat32> y) {
		final Operand<TFloat32> d = tf.math.sub(p, y);
		return tf.reduceSum(tf.math.mul(d, d), tf.constant(3), ReduceSum.keepDims(true));
	}

	/** 1 − mean_c (2Σwpy + 1e-5)/(Σwp + Σwy + 1e-5), sums over the batch. */
	private static Operand<TFloat32> dice(final Ops tf, final Operand<TFloat32> p, final Operand<TFloat32> y,
		final Operand<TFloat32> w)
	{
		final Operand<TInt32> ax = tf.constant(new int[] { 0, 1, 2 });
		final Operand<TFloat32> wp = tf.math.mul(p, w);
		final Operand<TFloat32> inter = tf.reduceSum(tf.math.mul(wp, y), ax);
		final Operand<TFloat32> sp = tf.reduceSum(wp, ax);
		final Operand<TFloat32> sy = tf.reduceSum(tf.math.mul(y, w), ax);
		final Operand<TFloat32> perClass = tf.math.div(tf.math.add(tf.math.mul(inter, f(tf, 2)), f(tf,
			DICE_EPS)), tf.math.add(tf.math.add(sp, sy), f(tf, DICE_EPS)));
		return tf.math.sub(f(tf, 1), tf.math.mean(perClass, tf.constant(0)));
	}

	/** mean_c Σw(|p − y| + 1e-12)^γ / (Σw(p + y) + 1e-5), sums over the batch. */
	private static Operand<TFloat32> nrDice(final Ops tf, final Operand<TFloat32> p, final Operand<TFloat32> y,
		final Operand<TFloat32> w, final double gamma)
	{
		final Operand<TInt32> ax = tf.constant(new int[] { 0, 1, 2 });
		final Operand<TFloat32> d = tf.math.add(tf.math.abs(tf.math.sub(p, y)), f(tf, NRDICE_EPS));
		final Operand<TFloat32> num = tf.reduceSum(tf.math.mul(tf.math.pow(d, f(tf, gamma)), w), ax);
		final Operand<TFloat32> den = tf.math.add(tf.reduceSum(tf.math.mul(tf.math.add(p, y), w), ax), f(tf,
			DICE_EPS));
		return tf.math.mean(tf.math.div(num, den), tf.constant(0));
	}

	/**
	 * DMI per image from the foreground maps pf, yf [N,H,W,1]: U = [p; 1−p]·[y; 1−y]ᵀ with weighted raw
	 * sums over the image, loss −log(|det U| + 0.001), mean over the batch.
	 */
	private static Operand<TFloat32> dmi(final Ops tf, final Operand<TFloat32> pf, final Operand<TFloat32> yf,
		final Operand<TFloat32> w)
	{
		final Operand<TInt32> ax = tf.constant(new int[] { 1, 2, 3 });
		final Operand<TFloat32> one = f(tf, 1);
		final Operand<TFloat32> wp = tf.math.mul(w, pf);
		final Operand<TFloat32> wq = tf.math.mul(w, tf.math.sub(one, pf));
		final Operand<TFloat32> ny = tf.math.sub(one, yf);
		final Operand<TFloat32> u00 = tf.reduceSum(tf.math.mul(wp, yf), ax);
		final Operand<TFloat32> u01 = tf.reduceSum(tf.math.mul(wp, ny), ax);
		final Operand<TFloat32> u10 = tf.reduceSum(tf.math.mul(wq, yf), ax);
		final Operand<TFloat32> u11 = tf.reduceSum(tf.math.mul(wq, ny), ax);
		final Operand<TFloat32> det = tf.math.sub(tf.math.mul(u00, u11), tf.math.mul(u01, u10));
		final Operand<TFloat32> perImage = tf.math.neg(tf.math.log(tf.math.add(tf.math.abs(det), f(tf,
			DMI_EPS))));
		return tf.math.mean(perImage, tf.constant(0));
	}

	/**
	 * The soft IoU loss of two-class probabilities (foreground = channel 1) in either of its two published
	 * forms: the reference code's (paperForm false; the same as {@link #loss} with
	 * {@link LossType#SOFT_IOU}), 1 − Σwpy / (Σw(p² + y) − Σwpy + 1e-10), or the iGTT paper's Eq. 6
	 * (true), 1 − Σwpy / (Σw(p + y − py) + 1e-10). They differ in how a prediction p away from the
	 * labels is penalised: p² hardly pushes small p down, p pushes every p down at the same rate.
	 *
	 * @throws NoisyLabelsException unless prob and target have 2 channels
	 */
	public static Operand<TFloat32> softIoU(final Ops tf, final Operand<TFloat32> prob,
		final Operand<TFloat32> target, final Operand<TFloat32> weight, final boolean paperForm)
	{
		channels(prob, target, LossType.SOFT_IOU);
		requireWeight(weight, "weight");
		return softIoUOfChannel(tf, channel(tf, prob, 1), channel(tf, target, 1), weight, paperForm);
	}

	/**
	 * Soft IoU per image: 1 − Σwpy / (Σw(p² + y) − Σwpy + 1e-10), or with p in place of p² (paperForm),
	 * mean over the batch.
	 */
	private static Operand<TFloat32> softIoUOfChannel(final Ops tf, final Operand<TFloat32> pf,
		final Operand<TFloat32> yf, final Operand<TFloat32> w, final boolean paperForm)
	{
		final Operand<TInt32> ax = tf.constant(new int[] { 1, 2, 3 });
		final Operand<TFloat32> inter = tf.reduceSum(tf.math.mul(tf.math.mul(pf, yf), w), ax);
		final Operand<TFloat32> total = tf.reduceSum(tf.math.mul(tf.math.add(paperForm ? pf : tf.math.mul(pf,
			pf), yf), w), ax);
		final Operand<TFloat32> iou = tf.math.div(inter, tf.math.add(tf.math.sub(total, inter), f(tf,
			IOU_EPS)));
		return tf.math.mean(tf.math.sub(f(tf, 1), iou), tf.constant(0));
	}

	// ---- helpers ----------------------------------------------------------------------------------

	private static Operand<TFloat32> weightedMean4(final Ops tf, final Operand<TFloat32> l,
		final Operand<TFloat32> w)
	{
		final Operand<TInt32> ax = tf.constant(new int[] { 0, 1, 2, 3 });
		return tf.math.div(tf.reduceSum(tf.math.mul(l, w), ax), tf.math.add(tf.reduceSum(w, ax), f(tf,
			MEAN_EPS)));
	}

	private static Operand<TFloat32> squeeze3(final Ops tf, final Operand<TFloat32> x) {
		return tf.squeeze(x, org.tensorflow.op.core.Squeeze.axis(3L));
	}

	private static Operand<TFloat32> f(final Ops tf, final double v) {
		return tf.constant((float) v);
	}

	/** The static channel count of prob, checked against target and the loss type. */
	private static int channels(final Operand<TFloat32> prob, final Operand<TFloat32> target,
		final LossType type)
	{
		Objects.requireNonNull(prob, "prob");
		Objects.requireNonNull(target, "target");
		final Shape s = prob.shape();
		if (s.isUnknown() || s.numDimensions() != 4) {
			throw new IllegalArgumentException("prob must be NHWC of rank 4, got shape " + s);
		}
		final long c = s.size(3);
		if (c == Shape.UNKNOWN_SIZE) {
			throw new IllegalArgumentException("prob needs a statically known number of channels, got " + s);
		}
		final Shape t = target.shape();
		if (!t.isUnknown() && (t.numDimensions() != 4 || (t.size(3) != Shape.UNKNOWN_SIZE && t.size(3) != c))) {
			throw new IllegalArgumentException("target shape " + t + " does not match prob shape " + s);
		}
		if (c < 2) {
			throw new IllegalArgumentException("prob needs C >= 2 channels (use Losses.twoClass for a sigmoid output), got " + s);
		}
		if (type.isBinaryOnly() && c != 2) {
			throw new NoisyLabelsException("the " + type.userName() +
				" loss is binary: it needs 2 classes (background, foreground) but the data has " + c +
				"; use CE, Dice, GCE, MAE, NRDice, SLSR or MSE for multi-class data");
		}
		return (int) c;
	}

	private static void requireWeight(final Operand<TFloat32> w, final String name) {
		Objects.requireNonNull(w, name + " (pass ones when no pixel is ignored)");
		final Shape s = w.shape();
		if (!s.isUnknown() && (s.numDimensions() != 4 || (s.size(3) != Shape.UNKNOWN_SIZE && s.size(3) != 1))) {
			throw new IllegalArgumentException(name + " must be [N,H,W,1], got shape " + s);
		}
	}
}
