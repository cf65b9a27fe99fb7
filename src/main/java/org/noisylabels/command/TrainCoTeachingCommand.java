package org.noisylabels.command;

import org.noisylabels.method.CoTeaching;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Co-Teaching (NeurIPS 2018): two U-Nets teach each other with their small-loss pixels. PyMIC's keys;
 * the data, network, optimiser and validation keys are those of every Train command.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>Co-Teaching")
public class TrainCoTeachingCommand extends TrainOptimizerCommand {

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Fraction of the batch's pixels each network keeps once the ramp is complete (PyMIC 0.8-0.85)", persist = false)
	private double co_teaching_select_ratio = 0.8;

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000",
		description = "Iteration at which the forget ratio starts rising (sigmoid ramp exp(-5(1-t)^2))", persist = false)
	private long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000",
		description = "Iteration at which the forget ratio reaches 1 - co_teaching_select_ratio", persist = false)
	private long rampup_end = 8000;

	@Parameter(label = "Inference", choices = { "mean", "first" },
		description = "Apply Model uses the mean of both networks' logits (PyMIC) or the first network", persist = false)
	private String inference = "mean";

	@Override
	protected void execute() {
		final CoTeaching.Params p = new CoTeaching.Params();
		p.selectRatio = co_teaching_select_ratio;
		p.rampupStart = rampup_start;
		p.rampupEnd = rampup_end;
		p.inference = inference;
		train(optimizerConfig(), new CoTeaching(p.validate()));
	}
}
