package org.noisylabels.method;


import org.noisylabels.loss.Losses;
import org.noisylabels.train.StepGraph;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Co-Teaching (Han et al., NeurIPS 2018; PyMIC's {@code nll_co_teaching.py}): two networks trained
 * together on one batch. Each computes the per-pixel cross-entropy (p clamped to 0.999p + 5e-4); network 1
 * learns from the n pixels with the smallest loss under network 2 and vice versa, n = ⌊(1 − forget)·M⌋
 * with forget = (1 − {@code co_teaching_select_ratio})·r(t) and the sigmoid ramp r = exp(−5(1 − t)²),
 * t = (clip(it, rampup_start, rampup_end) − rampup_start)/(rampup_end − rampup_start). The step's loss is
 * the sum of the two selected means. Apply Model uses the mean of both networks' logits (PyMIC's
 * inference) or network 1 alone ({@code inference=first}).
 */
@Plugin(type = NoisyLabelMethod.class, name = CoTeaching.NAME, label = "Co-Teaching")
public class CoTeaching extends SmallLossMethod {

	public static final String NAME = "co_teaching";

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Fraction of the batch's pixels each network keeps once the ramp is complete (PyMIC 0.8-0.85); sigmoid ramp exp(-5(1-t)^2)")
	public double co_teaching_select_ratio = 0.8;

	public CoTeaching() {
		super("co_teaching_select_ratio", 2, true);
	}

	/** A CoTeaching with select ratio {@code ratio} (a shortcut for tests and scripts). */
	public CoTeaching(final double ratio) {
		this();
		co_teaching_select_ratio = ratio;
	}

	@Override
	protected double selectRatio() {
		return co_teaching_select_ratio;
	}

	@Override
	public String methodName() {
		return NAME;
	}

	/** The fraction of pixels each network keeps at iteration {@code it}: 1 − (1 − select_ratio)·r(t). */
	public double keepRatio(final long it) {
		return selection(it);
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		final Ops tf = g.tf();
		final Operand<TFloat32> l1 = Losses.pixelCE(tf, g.forward(0, 0).probabilities(0), g.target(0));
		final Operand<TFloat32> l2 = Losses.pixelCE(tf, g.forward(1, 0).probabilities(0), g.target(0));
		return selection(tf, l1, l2, g.weight(0), g.scalar(SELECT, 1f)).loss;
	}

	/** The two selections and the step loss. */
	public static final class Selection {

		/** Pixels with a small loss under network 1 (they teach network 2), and vice versa; [M] 0/1. */
		public final Operand<TFloat32> smallUnder1, smallUnder2;
		/** mean(loss1 over smallUnder2) + mean(loss2 over smallUnder1). */
		public final Operand<TFloat32> loss;

		Selection(final Operand<TFloat32> s1, final Operand<TFloat32> s2, final Operand<TFloat32> loss) {
			smallUnder1 = s1;
			smallUnder2 = s2;
			this.loss = loss;
		}
	}

	/**
	 * Co-Teaching's exchange on per-pixel losses {@code loss1}, {@code loss2} ([N,H,W] or flat) with pixel
	 * weights (same number of pixels; 0 = ignored) and the kept fraction {@code keep} (a scalar).
	 */
	public static Selection selection(final Ops tf, final Operand<TFloat32> loss1, final Operand<TFloat32> loss2,
		final Operand<TFloat32> weight, final Operand<TFloat32> keep)
	{
		final Operand<TFloat32> a = SmallLoss.flat(tf, loss1), b = SmallLoss.flat(tf, loss2), w = SmallLoss.flat(tf,
			weight);
		final Operand<TFloat32> valid = SmallLoss.valid(tf, w);
		final Operand<TFloat32> s1 = SmallLoss.smallest(tf, a, valid, keep);
		final Operand<TFloat32> s2 = SmallLoss.smallest(tf, b, valid, keep);
		final Operand<TFloat32> loss = tf.math.add(SmallLoss.selectedMean(tf, a, s2, w), SmallLoss.selectedMean(tf, b,
			s1, w));
		return new Selection(s1, s2, loss);
	}
}
