package org.noisylabels.method;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Small-loss pixel selections of the multi-network methods (Co-Teaching, TriNet), as graph ops on flat
 * per-pixel losses [M]. Every selection is a 0/1 mask outside the gradient: the losses that are selected
 * get gradients, the selection itself does not. Pixels with weight 0 (ignored, padding) are never
 * selected and do not count.
 */
public final class SmallLoss {

	/** Larger than any loss: ignored pixels sort last. */
	private static final float BIG = 3.0e38f;

	private SmallLoss() {}

	/** [N,H,W] or [N,H,W,1] → [M]. */
	public static Operand<TFloat32> flat(final Ops tf, final Operand<TFloat32> x) {
		return tf.reshape(x, tf.constant(new int[] { -1 }));
	}

	/** 1 where the weight is positive, else 0. */
	public static Operand<TFloat32> valid(final Ops tf, final Operand<TFloat32> weight) {
		return tf.dtypes.cast(tf.math.greater(weight, tf.constant(0f)), TFloat32.class);
	}

	/**
	 * The n pixels with the smallest loss among the valid ones, n = max(1, ⌊keep·M_valid⌋) as PyMIC's
	 * {@code int(remb_ratio * len(loss))} (ties broken by TensorFlow's sort: exactly n pixels are kept).
	 *
	 * @param loss [M]
	 * @param valid [M] 0/1
	 * @param keep scalar in [0, 1]
	 * @return [M] 0/1 mask
	 */
	public static Operand<TFloat32> smallest(final Ops tf, final Operand<TFloat32> loss, final Operand<TFloat32> valid,
		final Operand<TFloat32> keep)
	{
		final Operand<TFloat32> l = tf.stopGradient(loss);
		final Operand<TBool> ok = tf.math.greater(valid, tf.constant(0f));
		final Operand<TFloat32> key = tf.select(ok, l, tf.fill(tf.shape(l), tf.constant(BIG)));
		final Operand<TFloat32> mValid = tf.reduceSum(tf.stopGradient(valid), tf.constant(0));
		final Operand<TInt32> n = tf.math.maximum(tf.constant(1), tf.dtypes.cast(tf.math.floor(tf.math.mul(tf
			.stopGradient(keep), mValid)), TInt32.class));
		final TopK<TFloat32, TInt32> top = tf.nn.topK(tf.math.neg(key), n, TInt32.class, TopK.sorted(false));
		final Operand<TFloat32> mask = tf.scatterNd(tf.expandDims(top.indices(), tf.constant(-1)), tf.onesLike(top
			.values()), tf.shape(l));
		return tf.stopGradient(tf.math.mul(mask, tf.stopGradient(valid)));
	}

	/**
	 * The valid pixels whose loss is below the q-quantile of the valid pixels' losses (strictly, as PyMIC's
	 * TriNet: {@code loss < torch.quantile(loss, q)}, linear interpolation between order statistics).
	 *
	 * @param loss [M]
	 * @param valid [M] 0/1
	 * @param q scalar in [0, 1]
	 * @return [M] 0/1 mask
	 */
	public static Operand<TFloat32> belowQuantile(final Ops tf, final Operand<TFloat32> loss,
		final Operand<TFloat32> valid, final Operand<TFloat32> q)
	{
		final Operand<TFloat32> l = tf.stopGradient(loss);
		final Operand<TBool> ok = tf.math.greater(valid, tf.constant(0f));
		final Operand<TFloat32> key = tf.select(ok, l, tf.fill(tf.shape(l), tf.constant(BIG)));
		final Operand<TFloat32> t = quantile(tf, key, tf.reduceSum(tf.stopGradient(valid), tf.constant(0)), q);
		return tf.stopGradient(tf.math.mul(tf.dtypes.cast(tf.math.less(l, t), TFloat32.class), tf.stopGradient(
			valid)));
	}

	/**
	 * The q-quantile (linear interpolation, numpy's/torch's default) of the {@code count} smallest values of
	 * {@code key} [M]; the other values must be larger than them.
	 */
	static Operand<TFloat32> quantile(final Ops tf, final Operand<TFloat32> key, final Operand<TFloat32> count,
		final Operand<TFloat32> q)
	{
		final TopK<TFloat32, TInt32> all = tf.nn.topK(tf.math.neg(key), tf.size(key), TInt32.class, TopK.sorted(true));
		final Operand<TFloat32> ascending = tf.math.neg(all.values());
		final Operand<TFloat32> last = tf.math.maximum(tf.math.sub(count, tf.constant(1f)), tf.constant(0f));
		final Operand<TFloat32> pos = tf.math.mul(tf.stopGradient(q), last);
		final Operand<TFloat32> loF = tf.math.floor(pos);
		final Operand<TInt32> lo = tf.dtypes.cast(loF, TInt32.class);
		final Operand<TInt32> hi = tf.math.minimum(tf.math.add(lo, tf.constant(1)), tf.dtypes.cast(last, TInt32.class));
		final Operand<TFloat32> a = tf.gather(ascending, lo, tf.constant(0));
		final Operand<TFloat32> b = tf.gather(ascending, hi, tf.constant(0));
		return tf.math.add(a, tf.math.mul(tf.math.sub(pos, loF), tf.math.sub(b, a)));
	}

	/** Σ loss·mask·w / (Σ mask·w + 1e-10): the mean loss over a selection (a scalar). */
	public static Operand<TFloat32> selectedMean(final Ops tf, final Operand<TFloat32> loss, final Operand<TFloat32> mask,
		final Operand<TFloat32> weight)
	{
		final Operand<TFloat32> mw = tf.math.mul(mask, weight);
		return tf.math.div(tf.reduceSum(tf.math.mul(loss, mw), tf.constant(0)), tf.math.add(tf.reduceSum(mw, tf
			.constant(0)), tf.constant(1e-10f)));
	}

	/** Mean of the networks' logits as class probabilities [N,H,W,C'] (C' ≥ 2), as PyMIC's multi-network inference. */
	public static Operand<TFloat32> meanOfLogits(final Ops tf, final java.util.List<Operand<TFloat32>> logits) {
		Operand<TFloat32> sum = logits.get(0);
		for (int i = 1; i < logits.size(); i++) sum = tf.math.add(sum, logits.get(i));
		final Operand<TFloat32> mean = tf.math.div(sum, tf.constant((float) logits.size()));
		final Shape s = mean.shape();
		if (s.numDimensions() == 4 && s.size(3) == 1) {
			return org.noisylabels.loss.Losses.twoClass(tf, tf.math.sigmoid(mean));
		}
		return tf.nn.softmax(mean);
	}

	/** PyMIC's ramp-up: t = (clip(it, start, end) − start)/(end − start); linear t or sigmoid exp(−5(1 − t)²). */
	public static double rampUp(final long iteration, final long start, final long end, final boolean sigmoid) {
		final double t = end <= start ? (iteration >= start ? 1 : 0) : (Math.min(Math.max(iteration, start), end) -
			start) / (double) (end - start);
		return sigmoid ? Math.exp(-5 * (1 - t) * (1 - t)) : t;
	}
}
