package org.noisylabels.command;

import org.noisylabels.method.TriNet;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * TriNet (MICCAI 2020): three U-Nets, each taught on the pixels the other two agree have a small loss.
 * PyMIC's keys; the data, network, optimiser, validation and ramp-up keys are shared with the other
 * Train commands.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>TriNet")
public class TrainTriNetCommand extends TrainSmallLossCommand {

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Quantile of each network's pixel losses below which a pixel counts as small-loss once the (linear) ramp is complete (PyMIC 0.9)", persist = false)
	private double trinet_select_ratio = 0.9;

	@Override
	protected void execute() {
		train(optimizerConfig(), new TriNet(params(new TriNet.Params(), trinet_select_ratio).validate()));
	}
}
