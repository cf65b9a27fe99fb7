package org.noisylabels.command;

import org.noisylabels.noise.RandomLabels;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Random labels (RL): every pixel is foreground with probability p_generate. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Random Labels (RL)",
	description = "A 0/255 mask of the label's size where every pixel is foreground independently with probability p_generate")
public class RandomLabelsCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Any gray image: only its size and calibration are used", persist = false)
	private ImagePlus label;

	@Parameter(label = "Foreground probability", description = "Probability that a pixel is foreground",
		min = "0", max = "1", stepSize = "0.01", persist = false)
	private double p_generate = 0.1;

	@Parameter(label = "Seed", description = "Random seed: the same seed gives the same result", persist = false)
	private long seed = 42;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Override
	protected void execute() {
		noisy_label = RandomLabels.apply(label, p_generate, seed, progress());
	}
}
