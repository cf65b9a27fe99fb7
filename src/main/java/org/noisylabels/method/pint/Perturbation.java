package org.noisylabels.method.pint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;

/**
 * PINT's input perturbations for the teacher's M passes: x + clamp(N(0, σ²), −c, c), drawn anew at every
 * session run.
 */
public final class Perturbation {

	/** seed2 of perturbation draw k is SEED2 + k (apart from the U-Net's weight and dropout seeds). */
	public static final long SEED2 = 2_000_000L;

	private Perturbation() {}

	/**
	 * One perturbed copy x + clamp(σ·z, −clip, clip), z ~ N(0, 1) per element, drawn anew at every session
	 * run (a stateful random op with seeds (seed, {@link #SEED2} + draw): reproducible for a fresh
	 * graph and session, different for different draws).
	 *
	 * @param x input [N,H,W,Cin] (any static or dynamic shape)
	 */
	public static Operand<TFloat32> perturb(final Ops tf, final Operand<TFloat32> x, final double std,
		final double clip, final long seed, final int draw)
	{
		Objects.requireNonNull(x, "x");
		final Operand<TFloat32> z = tf.random.randomStandardNormal(tf.shape(x), TFloat32.class,
			RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(SEED2 + draw));
		final Operand<TFloat32> noise = tf.clipByValue(tf.math.mul(z, f(tf, std)), f(tf, -clip), f(tf, clip));
		return tf.math.add(x, noise);
	}

	/** M independent perturbed copies of x (draws 0..M−1 of {@link #perturb}). */
	public static List<Operand<TFloat32>> perturbations(final Ops tf, final Operand<TFloat32> x, final int m,
		final double std, final double clip, final long seed)
	{
		if (m < 1) throw new IllegalArgumentException("m must be >= 1, got " + m);
		final List<Operand<TFloat32>> out = new ArrayList<>(m);
		for (int k = 0; k < m; k++)
			out.add(perturb(tf, x, std, clip, seed, k));
		return out;
	}

	/**
	 * The M perturbed copies concatenated along the batch axis, [M·N,H,W,Cin] (copy k = rows k·N..(k+1)·N−1),
	 * for ONE teacher forward pass; split its probabilities with {@link Uncertainty#fromStacked}.
	 */
	public static Operand<TFloat32> stackPerturbations(final Ops tf, final Operand<TFloat32> x, final int m,
		final double std, final double clip, final long seed)
	{
		final List<Operand<TFloat32>> xs = perturbations(tf, x, m, std, clip, seed);
		return m == 1 ? xs.get(0) : tf.concat(xs, tf.constant(0));
	}

	private static Operand<TFloat32> f(final Ops tf, final double v) {
		return tf.constant((float) v);
	}
}
