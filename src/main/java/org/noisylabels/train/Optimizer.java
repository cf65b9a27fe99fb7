package org.noisylabels.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * SGD with momentum and Adam, applied with TensorFlow's raw training ops ({@code ApplyMomentum},
 * {@code ApplyAdam}) to the gradients of a CHOSEN list of variables only (never every variable of the
 * graph: teachers and other networks are left alone). Weight decay is added to the gradient (L2, as in
 * PyTorch). The learning rate is fed through a placeholder at every step, so any schedule can drive it.
 */
public final class Optimizer {

	public enum Type {
		ADAM, SGD;

		public static Type parse(final String s) {
			if (s == null) throw new NoisyLabelsException("optimizer is missing: use Adam or SGD");
			switch (s.trim().toUpperCase(Locale.ROOT)) {
				case "ADAM":
					return ADAM;
				case "SGD":
					return SGD;
				default:
					throw new NoisyLabelsException("optimizer=" + s + " is not known: use Adam or SGD");
			}
		}
	}

	/** Optimiser settings (PyTorch's defaults for Adam's betas and epsilon). */
	public static final class Config {

		public Type type = Type.ADAM;
		public double momentum = 0.9;
		public double weightDecay = 1e-5;
		public double beta1 = 0.9;
		public double beta2 = 0.999;
		public double epsilon = 1e-8;
		/**
		 * Clip the gradients by their global norm at this value (all variables of an optimiser group
		 * together; one group unless the method declares several, see {@link Group}); 0 = no clipping.
		 * The norm is computed before weight decay is added.
		 */
		public double clipNorm = 0;

		public void validate() {
			Check.range(clipNorm, 0, 1e12, "clip_norm");
			Check.range(momentum, 0, 0.9999, "momentum");
			Check.range(weightDecay, 0, 1, "weight_decay");
			Check.range(beta1, 0, 0.9999, "beta1");
			Check.range(beta2, 0, 0.999999, "beta2");
		}

		@Override
		public String toString() {
			return type == Type.ADAM ? String.format(Locale.ROOT, "Adam (betas %s/%s, weight decay %s)", Check.fmt(beta1),
				Check.fmt(beta2), Check.fmt(weightDecay)) : String.format(Locale.ROOT,
					"SGD (momentum %s, weight decay %s)", Check.fmt(momentum), Check.fmt(weightDecay)) + (clipNorm > 0 ?
						", gradient norm clipped at " + Check.fmt(clipNorm) : "");
		}
	}

	private final Config config;
	private final Op trainOp;
	private final Placeholder<TFloat32> lr;
	private final Placeholder<TFloat32> beta1Power, beta2Power;
	private final Operand<TFloat32> gradientNorm;
	private final List<Variable<TFloat32>> slots = new ArrayList<>();

	/**
	 * A group of variables with its own gradient clipping and learning rate, as a separate optimiser over
	 * them would have (PyTorch's parameter groups; PyMIC gives each network of Co-Teaching its own
	 * optimiser). Adam's and SGD's updates are per variable, so groups differ from one optimiser over all
	 * variables only in the clipping norm (per group) and the learning-rate factor.
	 */
	public static final class Group {

		public final List<Variable<TFloat32>> variables;
		/** The schedule's learning rate is multiplied by this for the group (1 = as scheduled). */
		public final double learningRateFactor;

		public Group(final List<Variable<TFloat32>> variables, final double learningRateFactor) {
			if (variables.isEmpty()) throw new IllegalArgumentException("an optimiser group without variables");
			if (!(learningRateFactor > 0) || Double.isInfinite(learningRateFactor)) throw new IllegalArgumentException(
				"learning-rate factor " + learningRateFactor + " of an optimiser group: must be positive");
			this.variables = variables;
			this.learningRateFactor = learningRateFactor;
		}

		public Group(final List<Variable<TFloat32>> variables) {
			this(variables, 1);
		}
	}

	/**
	 * Builds the update of {@code variables} that lowers {@code loss} (one group).
	 *
	 * @param extra ops to run with every step (e.g. batch-norm moving averages); may be empty
	 */
	public Optimizer(final Ops tf, final Operand<TFloat32> loss, final List<Variable<TFloat32>> variables,
		final Config config, final List<Op> extra)
	{
		this(tf, loss, config, extra, java.util.Collections.singletonList(new Group(variables)));
	}

	/**
	 * Builds the update of every group's variables that lowers {@code loss}: each group is clipped by its
	 * own gradient norm and learns at its own learning-rate factor; one train op runs them all.
	 *
	 * @param extra ops to run with every step (e.g. batch-norm moving averages); may be empty
	 */
	public static Optimizer ofGroups(final Ops tf, final Operand<TFloat32> loss, final List<Group> groups,
		final Config config, final List<Op> extra)
	{
		return new Optimizer(tf, loss, config, extra, groups);
	}

	private Optimizer(final Ops tf, final Operand<TFloat32> loss, final Config config, final List<Op> extra,
		final List<Group> groups)
	{
		config.validate();
		if (groups.isEmpty()) throw new IllegalArgumentException("no variables to train");
		final java.util.Set<Variable<TFloat32>> seen = new java.util.HashSet<>();
		final List<Variable<TFloat32>> variables = new ArrayList<>();
		for (final Group gr : groups)
			for (final Variable<TFloat32> v : gr.variables) {
				if (!seen.add(v)) throw new IllegalArgumentException("variable " + v.op().name() +
					" is in two optimiser groups");
				variables.add(v);
			}
		this.config = config;
		final Ops o = tf.withSubScope("optimizer");
		lr = o.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
		final Gradients grads = o.gradients(loss, variables);
		// gradient norm sqrt(sum g^2) per group (for its clipping) and over all variables (reported)
		final List<Operand<TFloat32>> groupNorms = new ArrayList<>();
		Operand<TFloat32> total = null;
		int at = 0;
		for (final Group gr : groups) {
			Operand<TFloat32> sumSq = null;
			for (int j = 0; j < gr.variables.size(); j++) {
				final Operand<TFloat32> g = grads.dy(at + j);
				final Operand<TFloat32> sq = o.reduceSum(o.math.mul(g, g), allAxes(o, gr.variables.get(j)));
				sumSq = sumSq == null ? sq : o.math.add(sumSq, sq);
			}
			at += gr.variables.size();
			groupNorms.add(o.math.sqrt(sumSq));
			total = total == null ? sumSq : o.math.add(total, sumSq);
		}
		gradientNorm = o.withName("gradient_norm").math.sqrt(total);
		final List<Op> updates = new ArrayList<>();
		if (config.type == Type.ADAM) {
			beta1Power = o.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
			beta2Power = o.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
		}
		else {
			beta1Power = beta2Power = null;
		}
		int i = 0;
		for (int gi = 0; gi < groups.size(); gi++) {
			final Group gr = groups.get(gi);
			final Operand<TFloat32> norm = groupNorms.get(gi);
			// clipping: g * clip / max(norm, clip)
			final Operand<TFloat32> clipScale = config.clipNorm > 0 ? o.math.div(o.constant((float) config.clipNorm), o.math
				.maximum(norm, o.constant((float) config.clipNorm))) : null;
			final Operand<TFloat32> groupLr = gr.learningRateFactor == 1 ? lr : o.math.mul(lr, o.constant(
				(float) gr.learningRateFactor));
			for (final Variable<TFloat32> v : gr.variables) {
				Operand<TFloat32> g = grads.dy(i);
				if (clipScale != null) g = o.math.mul(g, clipScale);
				if (config.weightDecay > 0) g = o.math.add(g, o.math.mul(o.identity(v), o.constant((float) config.weightDecay)));
				final Ops s = o.withSubScope("slot" + i);
				// every update waits for every gradient (through the global norm, which needs them all): the
				// backward pass reads the weights, and an update applied in place before a gradient that still reads
				// the old weights would make the step depend on TensorFlow's op order (runs were not repeatable)
				final Ops a = s.withControlDependencies(java.util.Collections.<Op>singletonList((Op) gradientNorm));
				if (config.type == Type.ADAM) {
					final Variable<TFloat32> m = s.withName("m").variable(zeros(s, v));
					final Variable<TFloat32> vv = s.withName("v").variable(zeros(s, v));
					slots.add(m);
					slots.add(vv);
					updates.add(a.train.applyAdam(v, m, vv, beta1Power, beta2Power, groupLr, s.constant((float) config.beta1), s
						.constant((float) config.beta2), s.constant((float) config.epsilon), g));
				}
				else {
					final Variable<TFloat32> acc = s.withName("momentum").variable(zeros(s, v));
					slots.add(acc);
					updates.add(a.train.applyMomentum(v, acc, groupLr, g, s.constant((float) config.momentum)));
				}
				i++;
			}
		}
		updates.addAll(extra);
		trainOp = o.withControlDependencies(updates).withName("train").noOp();
		this.groups = groups.size();
	}

	private final int groups;

	/** Number of optimiser groups. */
	public int groups() {
		return groups;
	}

	/** All axes of a variable (for a full reduction). */
	private static Operand<org.tensorflow.types.TInt32> allAxes(final Ops s, final Variable<TFloat32> v) {
		final int[] axes = new int[v.shape().numDimensions()];
		for (int i = 0; i < axes.length; i++) axes[i] = i;
		return s.constant(axes);
	}

	/** The global norm of the gradients of the trained variables (before clipping and weight decay). */
	public Operand<TFloat32> gradientNorm() {
		return gradientNorm;
	}

	/** Zeros of a variable's static shape (no dependency on the variable's own initialisation). */
	private static Operand<TFloat32> zeros(final Ops s, final Variable<TFloat32> v) {
		final long[] dims = v.shape().asArray();
		final int[] d = new int[dims.length];
		for (int i = 0; i < d.length; i++) d[i] = (int) dims[i];
		return s.fill(s.constant(d), s.constant(0f));
	}

	/** The op that applies one update (and the extra ops). */
	public Op trainOp() {
		return trainOp;
	}

	/** Slot variables (Adam moments or momentum accumulators). */
	public List<Variable<TFloat32>> slots() {
		return slots;
	}

	public Config config() {
		return config;
	}

	/** Adds the feeds for step {@code step} (0-based) at learning rate {@code learningRate}; closes nothing. */
	public void feed(final Session.Runner runner, final List<AutoCloseable> toClose, final long step,
		final double learningRate)
	{
		final TFloat32 l = TFloat32.scalarOf((float) learningRate);
		toClose.add(l);
		runner.feed(lr, l);
		if (config.type == Type.ADAM) {
			final TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(config.beta1, step + 1));
			final TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(config.beta2, step + 1));
			toClose.add(b1);
			toClose.add(b2);
			runner.feed(beta1Power, b1);
			runner.feed(beta2Power, b2);
		}
	}
}
