package org.noisylabels.train;

import java.util.Map;

/** The state of training around one step, for {@code NoisyLabelMethod.beforeStep/afterStep}. */
public final class StepContext {

	long step;
	int epoch;
	final long totalSteps;
	final int stepsPerEpoch;
	double learningRate;
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
