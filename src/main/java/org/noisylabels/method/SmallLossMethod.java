package org.noisylabels.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.train.PredictionGraph;
import org.noisylabels.train.StepContext;
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

	/** Parameters with PyMIC's key names. */
	public static class Params {

		public double selectRatio;
		public long rampupStart = 1000, rampupEnd = 8000;
		/** "mean" (PyMIC) or "first". */
		public String inference = "mean";

		protected Params(final double selectRatio) {
			this.selectRatio = selectRatio;
		}

		void validate(final String selectKey) {
			Check.range(selectRatio, 0.01, 1, selectKey);
			if (rampupStart < 0) throw new NoisyLabelsException("rampup_start=" + rampupStart + " must be at least 0");
			if (rampupEnd < rampupStart) throw new NoisyLabelsException("rampup_end=" + rampupEnd +
				" must be at least rampup_start (" + rampupStart + ")");
			inference = Check.choice(inference, "inference", "mean", "first");
		}
	}

	private final Params params;
	private final String selectKey;
	private final int networks;
	private final boolean sigmoidRamp;

	protected SmallLossMethod(final Params params, final String selectKey, final int networks,
		final boolean sigmoidRamp)
	{
		this.params = params;
		this.selectKey = selectKey;
		this.networks = networks;
		this.sigmoidRamp = sigmoidRamp;
	}

	@Override
	public int networks() {
		return networks;
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> m = super.parameters();
		m.put(selectKey, params.selectRatio);
		m.put("rampup_start", params.rampupStart);
		m.put("rampup_end", params.rampupEnd);
		m.put("inference", params.inference);
		return m;
	}

	@Override
	public void validate() {
		params.validate(selectKey);
	}

	/** The fed scalar at iteration {@code it}: 1 − (1 − select_ratio)·r(t). */
	public double selection(final long it) {
		return 1 - (1 - params.selectRatio) * SmallLoss.rampUp(it, params.rampupStart, params.rampupEnd, sigmoidRamp);
	}

	@Override
	public void beforeStep(final StepContext context) {
		context.setScalar(SELECT, selection(context.step()));
	}

	@Override
	public Operand<TFloat32> prediction(final PredictionGraph g) {
		if (params.inference.equals("first")) return g.forward(0).probabilities(0);
		final List<Operand<TFloat32>> logits = new ArrayList<>();
		for (int i = 0; i < networks; i++) logits.add(g.forward(i).logits(0));
		return SmallLoss.meanOfLogits(g.tf(), logits);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s (%s %s, ramp-up %d-%d, inference %s)", methodName(), selectKey, Check.fmt(
			params.selectRatio), params.rampupStart, params.rampupEnd, params.inference);
	}
}
