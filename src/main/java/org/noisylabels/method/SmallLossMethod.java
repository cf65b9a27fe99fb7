package org.noisylabels.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.train.PredictionGraph;
import org.noisylabels.train.StepContext;
import org.scijava.plugin.Parameter;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * What Co-Teaching and TriNet share: several networks, a select ratio reached through PyMIC's ramp-up
 * between {@code rampup_start} and {@code rampup_end}, one scalar fed at every step (the kept fraction or
 * the quantile), and inference with the mean of the networks' logits or the first network. A subclass
 * builds its selection loss from the scalar {@link #SELECT}.
 */
public abstract class SmallLossMethod extends AbstractNoisyLabelMethod {

	/** The fed scalar: 1 − (1 − select_ratio)·ramp at the current step. */
	static final String SELECT = "select";

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000",
		description = "Iteration at which the selection starts tightening (PyMIC 1000)")
	public long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000",
		description = "Iteration at which the selection reaches the select ratio (PyMIC 8000; about half of iterations for short runs)")
	public long rampup_end = 8000;

	@Parameter(label = "Inference", choices = { "mean", "first" },
		description = "Apply Model uses the mean of the networks' logits (PyMIC) or the first network")
	public String inference = "mean";

	private final String selectKey;
	private final int networks;
	private final boolean sigmoidRamp;

	protected SmallLossMethod(final String selectKey, final int networks, final boolean sigmoidRamp) {
		this.selectKey = selectKey;
		this.networks = networks;
		this.sigmoidRamp = sigmoidRamp;
	}

	/** The select ratio reached at the end of the ramp (the subclass's own key). */
	protected abstract double selectRatio();

	/** Sets the ramp (a shortcut for tests and scripts). */
	public SmallLossMethod ramp(final long start, final long end) {
		rampup_start = start;
		rampup_end = end;
		return this;
	}

	@Override
	public int networks() {
		return networks;
	}

	@Override
	public void validate() {
		super.validate();
		if (rampup_end < rampup_start) throw new NoisyLabelsException("rampup_end=" + rampup_end +
			" must be at least rampup_start (" + rampup_start + ")");
	}

	/** The fed scalar at iteration {@code it}: 1 − (1 − select_ratio)·r(t). */
	public double selection(final long it) {
		return 1 - (1 - selectRatio()) * SmallLoss.rampUp(it, rampup_start, rampup_end, sigmoidRamp);
	}

	@Override
	public void beforeStep(final StepContext context) {
		context.setScalar(SELECT, selection(context.step()));
	}

	@Override
	public Operand<TFloat32> prediction(final PredictionGraph g) {
		if (inference.equalsIgnoreCase("first")) return g.forward(0).probabilities(0);
		final List<Operand<TFloat32>> logits = new ArrayList<>();
		for (int i = 0; i < networks; i++) logits.add(g.forward(i).logits(0));
		return SmallLoss.meanOfLogits(g.tf(), logits);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s (%s %s, ramp-up %d-%d, inference %s)", methodName(), selectKey, Check.fmt(
			selectRatio()), rampup_start, rampup_end, inference);
	}
}
