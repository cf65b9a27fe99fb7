package org.noisylabels.train;

import java.util.Arrays;
import java.util.Locale;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;

/**
 * Learning-rate schedules: constant, step (×gamma every {@code stepSize} iterations), multi-step
 * (×gamma at each milestone) and plateau (×gamma when the validation Dice has not improved by more than
 * 1e-4 for {@code patience} validations; the lr never falls below {@code minLr}).
 */
public final class Schedule {

	public enum Type {
		CONSTANT, STEP, MULTISTEP, PLATEAU;

		public static Type parse(final String s) {
			if (s != null) {
				final String k = s.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
				for (final Type t : values())
					if (t.name().equals(k)) return t;
			}
			throw new NoisyLabelsException("schedule=" + s + " is not known: use constant, step, multistep or plateau");
		}
	}

	private final Type type;
	private final double base;
	private final double gamma;
	private final int stepSize;
	private final int[] milestones;
	private final int patience;
	private final double minLr;
	private double plateauLr;
	private double best = Double.NEGATIVE_INFINITY;
	private int bad;

	public Schedule(final Type type, final double base, final double gamma, final int stepSize, final int[] milestones,
		final int patience, final double minLr)
	{
		Check.range(base, 1e-12, 10, "learning_rate");
		Check.range(gamma, 1e-6, 1, "lr_gamma");
		if (type == Type.STEP) Check.range(stepSize, 1, Integer.MAX_VALUE, "lr_step");
		if (type == Type.PLATEAU) Check.range(patience, 1, 1_000_000, "lr_patience");
		this.type = type;
		this.base = base;
		this.gamma = gamma;
		this.stepSize = stepSize;
		this.milestones = milestones == null ? new int[0] : milestones.clone();
		Arrays.sort(this.milestones);
		this.patience = patience;
		this.minLr = minLr;
		this.plateauLr = base;
	}

	public static Schedule constant(final double lr) {
		return new Schedule(Type.CONSTANT, lr, 1, 1, null, 1, 0);
	}

	/** Parses milestones such as "1000,2000". */
	public static int[] parseMilestones(final String s) {
		if (s == null || s.trim().isEmpty()) return new int[0];
		final String[] parts = s.split("[,; ]+");
		final int[] m = new int[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				m[i] = Integer.parseInt(parts[i].trim());
			}
			catch (final NumberFormatException e) {
				throw new NoisyLabelsException("lr_milestones=" + s + " must be whole numbers separated by commas, e.g. 1000,2000");
			}
		}
		return m;
	}

	/** The learning rate of iteration {@code it} (0-based). */
	public double lr(final int it) {
		switch (type) {
			case STEP:
				return base * Math.pow(gamma, it / stepSize);
			case MULTISTEP: {
				int n = 0;
				for (final int m : milestones)
					if (it >= m) n++;
				return base * Math.pow(gamma, n);
			}
			case PLATEAU:
				return plateauLr;
			default:
				return base;
		}
	}

	/** Reports a validation result (higher is better); only the plateau schedule uses it. */
	public void validated(final double metric) {
		if (type != Type.PLATEAU || Double.isNaN(metric)) return;
		if (metric > best + 1e-4) {
			best = metric;
			bad = 0;
		}
		else if (++bad >= patience) {
			plateauLr = Math.max(minLr, plateauLr * gamma);
			bad = 0;
		}
	}

	/** The state that {@link #validated} changes: {plateau lr, best metric, validations without gain}. */
	public double[] state() {
		return new double[] { plateauLr, best, bad };
	}

	/** Restores a {@link #state()} (resuming a run). */
	public void restore(final double[] state) {
		plateauLr = state[0];
		best = state[1];
		bad = (int) state[2];
	}

	public Type type() {
		return type;
	}

	@Override
	public String toString() {
		switch (type) {
			case STEP:
				return "step (lr " + Check.fmt(base) + ", ×" + Check.fmt(gamma) + " every " + stepSize + ")";
			case MULTISTEP:
				return "multistep (lr " + Check.fmt(base) + ", ×" + Check.fmt(gamma) + " at " + Arrays.toString(milestones) + ")";
			case PLATEAU:
				return "plateau (lr " + Check.fmt(base) + ", ×" + Check.fmt(gamma) + " after " + patience + " validations without gain)";
			default:
				return "constant (lr " + Check.fmt(base) + ")";
		}
	}
}
