package org.noisylabels.command;

import org.noisylabels.method.SmallLossMethod;
import org.scijava.plugin.Parameter;

/**
 * The keys Co-Teaching and TriNet share (PyMIC's names): the ramp-up of the selection and the inference
 * of the trained networks. Each command adds its own select ratio.
 */
public abstract class TrainSmallLossCommand extends TrainOptimizerCommand {

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000",
		description = "Iteration at which the selection starts tightening (PyMIC 1000)", persist = false)
	protected long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000",
		description = "Iteration at which the selection reaches the select ratio (PyMIC 8000; about half of iterations for short runs)", persist = false)
	protected long rampup_end = 8000;

	@Parameter(label = "Inference", choices = { "mean", "first" },
		description = "Apply Model uses the mean of the networks' logits (PyMIC) or the first network", persist = false)
	protected String inference = "mean";

	/** Sets the shared keys of {@code p}, and its select ratio. */
	protected <P extends SmallLossMethod.Params> P params(final P p, final double selectRatio) {
		p.selectRatio = selectRatio;
		p.rampupStart = rampup_start;
		p.rampupEnd = rampup_end;
		p.inference = inference;
		return p;
	}
}
