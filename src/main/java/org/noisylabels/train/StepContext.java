package org.noisylabels.train;

import java.util.Map;

/** The state of training around one step, for {@code NoisyLabelMethod.beforeStep/afterStep}. */
public final class StepContext {

	long step;
	int epoch;
	final long totalSteps;
	final int stepsPerEpoch;
	double learningRate;
	boolean earlyStopping = true;
	final Map<String, Float> scalarValues;

	StepContext(final long totalSteps, final int stepsPerEpoch, final Map<String, Float> scalarValues) {
		this.totalSteps = totalSteps;
		this.stepsPerEpoch = stepsPerEpoch;
		this.scalarValues = scalarValues;
	}

	/** The step about to run (or just run), 0-based. */
	public long step() {
		return step;
	}

	/** The current epoch, 0-based. */
	public int epoch() {
		return epoch;
	}

	public long totalSteps() {
		return totalSteps;
	}

	public int stepsPerEpoch() {
		return stepsPerEpoch;
	}

	public double learningRate() {
		return learningRate;
	}

	/**
	 * Overrides the schedule's learning rate for this step (set it in {@code beforeStep}; methods with
	 * their own schedule, e.g. PINT's two phases).
	 */
	public void setLearningRate(final double lr) {
		if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
		learningRate = lr;
	}

	/**
	 * Whether validations without a better Dice count towards early stopping (default true; it keeps its
	 * value until set again). PINT counts them only in its last phase.
	 */
	public void setEarlyStopping(final boolean counts) {
		earlyStopping = counts;
	}

	public boolean earlyStopping() {
		return earlyStopping;
	}

	/** Sets a scalar declared with {@link StepGraph#scalar}; it keeps its value until set again. */
	public void setScalar(final String name, final double value) {
		if (!scalarValues.containsKey(name)) throw new IllegalArgumentException("scalar '" + name +
			"' was not declared with StepGraph.scalar");
		scalarValues.put(name, (float) value);
	}

	public float scalar(final String name) {
		final Float v = scalarValues.get(name);
		return v == null ? Float.NaN : v;
	}
}
