package org.noisylabels.command;

import org.noisylabels.method.CoTeaching;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Co-Teaching (NeurIPS 2018): two U-Nets teach each other with their small-loss pixels.
 * PyMIC's keys; the data, network, optimiser, validation and ramp-up keys are shared with the other
 * Train commands.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>Co-Teaching")
public class TrainCoTeachingCommand extends TrainSmallLossCommand {

	@Parameter(label = "Select ratio", min = "0.01", max = "1", stepSize = "0.01",
		description = "Fraction of the batch's pixels each network keeps once the ramp is complete (PyMIC 0.8-0.85); sigmoid ramp exp(-5(1-t)^2)", persist = false)
	private double co_teaching_select_ratio = 0.8;

	@Override
	protected void execute() {
		train(optimizerConfig(), new CoTeaching(params(new CoTeaching.Params(), co_teaching_select_ratio).validate()));
	}
}
