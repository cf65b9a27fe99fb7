package org.noisylabels.command;

import org.noisylabels.method.TriNet;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * TriNet (MICCAI 2020): three U-Nets, each taught on the pixels the other two agree have a small loss.
 * PyMIC's keys; the data, network, optimiser and validation keys are those of every Train command.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>TriNet")
public class TrainTriNetCommand extends TrainOptimizerCommand {

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Quantile of each network's pixel losses below which a pixel counts as small-loss once the ramp is complete (PyMIC 0.9)", persist = false)
	private double trinet_select_ratio = 0.9;

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000",
		description = "Iteration at which the selection starts (linear ramp)", persist = false)
	private long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000",
		description = "Iteration at which the quantile reaches trinet_select_ratio", persist = false)
	private long rampup_end = 8000;

	@Parameter(label = "Inference", choices = { "mean", "first" },
		description = "Apply Model uses the mean of the three networks' logits (PyMIC) or the first network", persist = false)
	private String inference = "mean";

	@Override
	protected void execute() {
		final TriNet.Params p = new TriNet.Params();
		p.selectRatio = trinet_select_ratio;
		p.rampupStart = rampup_start;
		p.rampupEnd = rampup_end;
		p.inference = inference;
		train(optimizerConfig(), new TriNet(p.validate()));
	}
}
