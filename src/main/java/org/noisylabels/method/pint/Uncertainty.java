package org.noisylabels.method.pint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.noisylabels.train.StepGraph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** What the teacher's M passes give one step; every tensor is outside the gradient (stopGradient). */
public final class Uncertainty {

	/** Added to p̂ inside the entropy's log: u = −Σ_c p̂ log(p̂ + 1e-6). */
	public static final double ENTROPY_EPS = 1e-6;

	/** p̂ = mean of the M teacher probabilities, [N,H,W,C]. */
	public final Operand<TFloat32> meanProb;
	/** u = max(0, −Σ_c p̂ log(p̂ + 1e-6)) in nats, [N,H,W]; 0 (certain) .. ln C (uniform). */
	public final Operand<TFloat32> uncertainty;
	/** α = exp(−u), the weight of the noisy label's CE, [N,H,W]. */
	public final Operand<TFloat32> labelWeight;
	/** ŷ: p̂ (soft) or one-hot(argmax p̂) (hard; ties go to the lower class), [N,H,W,C]. */
	public final Operand<TFloat32> pseudoLabel;
	/** Whether {@link #pseudoLabel} is soft. */
	public final boolean soft;
	/** C. */
	public final int classes;

	Uncertainty(final Operand<TFloat32> meanProb, final Operand<TFloat32> uncertainty,
		final Operand<TFloat32> labelWeight, final Operand<TFloat32> pseudoLabel, final boolean soft,
		final int classes)
	{
		this.meanProb = meanProb;
		this.uncertainty = uncertainty;
		this.labelWeight = labelWeight;
		this.pseudoLabel = pseudoLabel;
		this.soft = soft;
		this.classes = classes;
	}

	/**
	 * p̂, u, exp(−u) and ŷ from the teacher's M probability maps (each [N,H,W,C], same static C ≥ 2). Each
	 * map is wrapped in {@code stopGradient}: no gradient reaches the teacher.
	 *
	 * @param soft ŷ = p̂ (true, the default) or one-hot(argmax p̂) (false)
	 */
	public static Uncertainty fromTeacher(final Ops tf, final List<? extends Operand<TFloat32>> teacherProbs,
		final boolean soft)
	{
		if (teacherProbs == null || teacherProbs.isEmpty()) {
			throw new IllegalArgumentException("uncertainty needs at least one teacher probability map");
		}
		final int c = classes(teacherProbs.get(0), "teacher probabilities");
		Operand<TFloat32> sum = null;
		for (final Operand<TFloat32> p : teacherProbs) {
			if (classes(p, "teacher probabilities") != c) {
				throw new IllegalArgumentException("teacher probability maps have different channel counts");
			}
			final Operand<TFloat32> s = tf.stopGradient(p);
			sum = sum == null ? s : tf.math.add(sum, s);
		}
		final Operand<TFloat32> pHat = teacherProbs.size() == 1 ? sum : tf.math.div(sum, f(tf, teacherProbs
			.size()));
		return fromMeanProb(tf, pHat, soft, c);
	}

	/**
	 * {@link #fromTeacher} from ONE teacher pass on {@link Perturbation#stackPerturbations}: {@code stackedProbs}
	 * [M·N,H,W,C] is split into M maps of N images along the batch axis.
	 */
	public static Uncertainty fromStacked(final Ops tf, final Operand<TFloat32> stackedProbs,
		final int m, final boolean soft)
	{
		if (m < 1) throw new IllegalArgumentException("m must be >= 1, got " + m);
		classes(stackedProbs, "teacher probabilities");
		if (m == 1) return fromTeacher(tf, Collections.singletonList(stackedProbs), soft);
		final List<Operand<TFloat32>> parts = new ArrayList<>(m);
		final org.tensorflow.op.core.Split<TFloat32> split = tf.split(tf.constant(0), tf.stopGradient(
			stackedProbs), (long) m);
		for (int k = 0; k < m; k++)
			parts.add(split.output().get(k));
		return fromTeacher(tf, parts, soft);
	}

	/** u, α and ŷ from a given p̂ [N,H,W,C] (wrapped in stopGradient). */
	public static Uncertainty fromMeanProb(final Ops tf, final Operand<TFloat32> meanProb, final boolean soft) {
		return fromMeanProb(tf, tf.stopGradient(meanProb), soft, classes(meanProb, "mean probabilities"));
	}

	private static Uncertainty fromMeanProb(final Ops tf, final Operand<TFloat32> pHat, final boolean soft,
		final int c)
	{
		final Operand<TFloat32> plogp = tf.math.mul(pHat, tf.math.log(tf.math.add(pHat, f(tf, ENTROPY_EPS))));
		// a certain p̂ = (1, 0) gives −log(1 + 1e-6) ≈ −1e-6: clamp, an entropy is never negative
		final Operand<TFloat32> u = tf.math.maximum(tf.math.neg(tf.reduceSum(plogp, tf.constant(3))), f(tf, 0));
		final Operand<TFloat32> alpha = tf.math.exp(tf.math.neg(u));
		final Operand<TFloat32> pseudo = soft ? pHat : tf.stopGradient(tf.oneHot(tf.math.argMax(pHat, tf
			.constant(3)), tf.constant(c), f(tf, 1), f(tf, 0)));
		return new Uncertainty(pHat, u, alpha, pseudo, soft, c);
	}

	/** u' = r·u and α = exp(−u'), the rest unchanged (the warm-up of PINT's warmup_iterations). */
	public static Uncertainty ramped(final Ops tf, final Uncertainty unc, final Operand<TFloat32> ramp) {
		final Operand<TFloat32> u = tf.math.mul(unc.uncertainty, tf.stopGradient(ramp));
		return new Uncertainty(unc.meanProb, u, tf.math.exp(tf.math.neg(u)), unc.pseudoLabel, unc.soft, unc.classes);
	}

	/**
	 * The same uncertainty with every tensor's volume patches as images ({@link StepGraph#volumeRows(Ops,
	 * Operand, int)}: [N·D,H,W,...] to [N,D·H,W,...]), for the image phase of a 3D network, whose "images"
	 * are the volume patches. D = 1 returns {@code unc}.
	 */
	public static Uncertainty volumeRows(final Ops tf, final Uncertainty unc, final int slices) {
		if (slices == 1) return unc;
		return new Uncertainty(StepGraph.volumeRows(tf, unc.meanProb, slices), StepGraph.volumeRows(tf, unc.uncertainty,
			slices), StepGraph.volumeRows(tf, unc.labelWeight, slices), StepGraph.volumeRows(tf, unc.pseudoLabel, slices),
			unc.soft, unc.classes);
	}

	/** The static channel count (≥ 2) of an NHWC probability tensor. */
	static int classes(final Operand<TFloat32> p, final String what) {
		Objects.requireNonNull(p, what);
		final Shape s = p.shape();
		if (s.isUnknown() || s.numDimensions() != 4 || s.size(3) == Shape.UNKNOWN_SIZE || s.size(3) < 2) {
			throw new IllegalArgumentException(what + " must be NHWC with a static channel count >= 2, got " + s);
		}
		return (int) s.size(3);
	}

	private static Operand<TFloat32> f(final Ops tf, final double v) {
		return tf.constant((float) v);
	}
}
