package org.noisylabels.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The exponential moving average of a network's variables, the EMA teacher of a method whose
 * {@code emaTeacher()} is true: θ̃ ← γθ̃ + (1 − γ)θ for every (student, teacher) pair of variables, γ fed at
 * every run. The trainer builds it once over ALL teacher variables (weights and batch-norm moving
 * statistics), makes the teacher a copy of the student before training (γ = 0) and updates it after every
 * optimiser step with the method's {@code emaDecay(step)}.
 */
public final class Ema {

	/** Scalar γ fed at every {@link #update} run. */
	public final Placeholder<TFloat32> decay;
	/** θ̃ ← γθ̃ + (1 − γ)θ for every (student, teacher) pair. */
	public final Op update;

	private Ema(final Placeholder<TFloat32> decay, final Op update) {
		this.decay = decay;
		this.update = update;
	}

	/**
	 * Builds the update for pairs (student.get(k), teacher.get(k)) of identical static shapes: a scalar
	 * placeholder {@code decay} and a no-op {@code update} depending on every assignment (named in the scope
	 * of {@code tf}).
	 */
	public static Ema build(final Ops tf, final List<? extends Operand<TFloat32>> student,
		final List<Variable<TFloat32>> teacher)
	{
		checkPairs(student, teacher);
		final Placeholder<TFloat32> decay = tf.withName("decay").placeholder(TFloat32.class, Placeholder.shape(Shape
			.scalar()));
		final List<Op> assigns = new ArrayList<>(teacher.size());
		for (int k = 0; k < teacher.size(); k++) {
			final Variable<TFloat32> t = teacher.get(k);
			assigns.add(tf.assign(t, tf.math.add(tf.math.mul(tf.identity(t), decay), tf.math.mul(tf.identity(student
				.get(k)), tf.math.sub(tf.constant(1f), decay)))));
		}
		return new Ema(decay, tf.withControlDependencies(assigns).withName("update").noOp());
	}

	/** Runs the update with decay γ (creates and closes the fed tensor). */
	public void update(final Session session, final double gamma) {
		try (TFloat32 g = TFloat32.scalarOf((float) gamma)) {
			session.runner().feed(decay, g).addTarget(update).run().close();
		}
	}

	/** θ̃ ← θ: the update with γ = 0, 0·θ̃ + 1·θ, exact for finite values. */
	public void copy(final Session session) {
		update(session, 0);
	}

	/**
	 * The mean-teacher decay at step {@code step} (0-based): min(1 − 1/(step + 1), γ), so 0 at step 0
	 * (teacher = student), 0.5 at step 1, ..., γ from step 1/(1 − γ) − 1 on.
	 */
	public static double warmUpDecay(final long step, final double gamma) {
		if (step < 0) throw new IllegalArgumentException("step must be >= 0, got " + step);
		return Math.min(1 - 1.0 / (step + 1), gamma);
	}

	private static void checkPairs(final List<? extends Operand<TFloat32>> student,
		final List<Variable<TFloat32>> teacher)
	{
		Objects.requireNonNull(student, "student");
		Objects.requireNonNull(teacher, "teacher");
		if (student.size() != teacher.size()) {
			throw new IllegalArgumentException("student has " + student.size() + " variables, teacher " + teacher
				.size());
		}
		for (int k = 0; k < student.size(); k++) {
			final Shape a = student.get(k).shape(), b = teacher.get(k).shape();
			if (!a.equals(b)) {
				throw new IllegalArgumentException(String.format(Locale.ROOT,
					"variable %d: student shape %s differs from teacher shape %s", k, a, b));
			}
		}
	}
}
