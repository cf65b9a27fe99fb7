package org.noisylabels.method;


import org.noisylabels.loss.Losses;
import org.noisylabels.train.StepGraph;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * TriNet (Zhang et al., MICCAI 2020; PyMIC's {@code nll_trinet.py}): three networks trained together.
 * Each computes the per-pixel cross-entropy; mask_k = the pixels whose loss under network k is below the
 * q-quantile of that network's losses, q = 1 − (1 − {@code trinet_select_ratio})·r(t) with the linear ramp
 * r = t between {@code rampup_start} and {@code rampup_end}. Network 1 learns on mask2 ∧ mask3, network 2
 * on mask1 ∧ mask3, network 3 on mask1 ∧ mask2 (Σℓ·mask/Σmask); the step's loss is the mean of the three.
 * Guard: when two networks agree on no pixel, the third learns from every valid pixel of the batch (the
 * PyTorch code would divide by zero). Apply Model uses the mean of the three networks' logits or network 1
 * alone ({@code inference=first}).
 */
@Plugin(type = NoisyLabelMethod.class, name = TriNet.NAME, label = "TriNet")
public class TriNet extends SmallLossMethod {

	public static final String NAME = "trinet";

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Quantile of small losses each network keeps once the ramp is complete (PyMIC 0.9); linear ramp")
	public double trinet_select_ratio = 0.9;

	public TriNet() {
		super("trinet_select_ratio", 3, false);
	}

	/** A TriNet with select ratio {@code ratio} (a shortcut for tests and scripts). */
	public TriNet(final double ratio) {
		this();
		trinet_select_ratio = ratio;
	}

	@Override
	protected double selectRatio() {
		return trinet_select_ratio;
	}

	@Override
	public String methodName() {
		return NAME;
	}

	/** The quantile of small losses at iteration {@code it}: 1 − (1 − select_ratio)·t. */
	public double quantile(final long it) {
		return selection(it);
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		final Ops tf = g.tf();
		final Operand<TFloat32> l1 = Losses.pixelCE(tf, g.forward(0, 0).probabilities(0), g.target(0));
		final Operand<TFloat32> l2 = Losses.pixelCE(tf, g.forward(1, 0).probabilities(0), g.target(0));
		final Operand<TFloat32> l3 = Losses.pixelCE(tf, g.forward(2, 0).probabilities(0), g.target(0));
		return selection(tf, l1, l2, l3, g.weight(0), g.scalar(SELECT, 1f)).loss;
	}

	/** The three masks, the pair masks each network learns on, and the step loss. */
	public static final class Selection {

		/** mask_k: small loss under network k; [M] 0/1. */
		public final Operand<TFloat32>[] masks;
		/** What network k learns on: the agreement of the two others (or every valid pixel when they agree on none). */
		public final Operand<TFloat32>[] teaching;
		public final Operand<TFloat32> loss;

		Selection(final Operand<TFloat32>[] masks, final Operand<TFloat32>[] teaching, final Operand<TFloat32> loss) {
			this.masks = masks;
			this.teaching = teaching;
			this.loss = loss;
		}
	}

	/** TriNet's selection on three per-pixel loss maps with pixel weights (0 = ignored) and the quantile q. */
	@SuppressWarnings("unchecked")
	public static Selection selection(final Ops tf, final Operand<TFloat32> loss1, final Operand<TFloat32> loss2,
		final Operand<TFloat32> loss3, final Operand<TFloat32> weight, final Operand<TFloat32> q)
	{
		final Operand<TFloat32> w = SmallLoss.flat(tf, weight);
		final Operand<TFloat32> valid = SmallLoss.valid(tf, w);
		final Operand<TFloat32>[] l = new Operand[] { SmallLoss.flat(tf, loss1), SmallLoss.flat(tf, loss2), SmallLoss
			.flat(tf, loss3) };
		final Operand<TFloat32>[] m = new Operand[3], teach = new Operand[3];
		for (int k = 0; k < 3; k++) m[k] = SmallLoss.belowQuantile(tf, l[k], valid, q);
		Operand<TFloat32> total = null;
		for (int k = 0; k < 3; k++) {
			final Operand<TFloat32> pair = tf.math.mul(m[(k + 1) % 3], m[(k + 2) % 3]);
			final Operand<TFloat32> any = tf.reduceSum(pair, tf.constant(0));
			teach[k] = tf.stopGradient(tf.select(tf.math.greater(any, tf.constant(0f)), pair, valid));
			final Operand<TFloat32> lk = SmallLoss.selectedMean(tf, l[k], teach[k], w);
			total = total == null ? lk : tf.math.add(total, lk);
		}
		return new Selection(m, teach, tf.math.div(total, tf.constant(3f)));
	}
}
