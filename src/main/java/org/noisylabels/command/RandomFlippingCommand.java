package org.noisylabels.command;

import org.noisylabels.noise.RandomFlipping;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Random flipping (RCL): a fraction p_flip of each class's pixels gets another class. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Random Flipping (RCL)",
	description = "Gives exactly round(p_flip*n) random pixels of each class per slice another class (binary: foreground <-> background)")
public class RandomFlippingCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Clean label: binary mask (0 + one value) or classes 0..C-1 (8/16-bit)", persist = false)
	private ImagePlus label;

	@Parameter(label = "Flipping probability", description = "Fraction of each class's pixels that is flipped",
		min = "0", max = "1", stepSize = "0.01", persist = false)
	private double p_flip = 0.45;

	@Parameter(label = "Seed", description = "Random seed: the same seed gives the same result", persist = false)
	private long seed = 42;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Override
	protected void execute() {
		noisy_label = RandomFlipping.apply(label, p_flip, seed, progress());
	}
}
