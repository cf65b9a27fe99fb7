package org.noisylabels.train;

import java.util.HashMap;
import java.util.Map;

/** The state of training around one step, for {@code TrainingMethod.beforeStep/afterStep}. */
public final class StepContext {

	long step;
	int epoch;
	final long totalSteps;
	final int stepsPerEpoch;
	double learningRate;
	boolean earlyStopping = true;
	final Map<String, Float> scalarValues;
	/** Current values of the inputs declared with {@link StepGraph#feed}, and their shapes. */
	final Map<String, float[]> feedValues = new HashMap<>();
	final Map<String, long[]> feedShapes = new HashMap<>();
	/** Values fetched by the last step ({@link StepGraph#fetch}). */
	final Map<String, float[]> fetchedValues = new HashMap<>();

	StepContext(final long totalSteps, final int stepsPerEpoch, final Map<String, Float> scalarValues) {
		this.totalSteps = totalSteps;
		this.stepsPerEpoch = stepsPerEpoch;
		this.scalarValues = scalarValues;
	}

	/** For the trainer: the fed inputs of {@code g} with their initial values. */
	StepContext withFeeds(final StepGraph g) {
		for (final Map.Entry<String, float[]> e : g.feedDefaults.entrySet()) feedValues.put(e.getKey(), e.getValue()
			.clone());
		feedShapes.putAll(g.feedShapes);
		return this;
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

	/**
	 * Sets an input declared with {@link StepGraph#feed} (row-major, as many values as its shape has
	 * elements); it is fed from the next step on and keeps its value until set again. The array is copied.
	 */
	public void feed(final String name, final float[] values) {
		final long[] shape = feedShapes.get(name);
		if (shape == null) throw new IllegalArgumentException("feed '" + name + "' was not declared with StepGraph.feed");
		long n = 1;
		for (final long d : shape) n *= d;
		if (values.length != n) throw new IllegalArgumentException("feed '" + name + "' takes " + n + " values, got " +
			values.length);
		feedValues.put(name, values.clone());
	}

	/**
	 * The value of a tensor registered with {@link StepGraph#fetch}, as computed by the step that just ran
	 * (row-major); valid in {@code afterStep} (and until the next step).
	 *
	 * @throws IllegalArgumentException if no such tensor was registered, or no step has run yet
	 */
	public float[] fetched(final String name) {
		final float[] v = fetchedValues.get(name);
		if (v == null) throw new IllegalArgumentException("nothing fetched as '" + name +
			"': register it with StepGraph.fetch (values exist after a step)");
		return v;
	}
}
