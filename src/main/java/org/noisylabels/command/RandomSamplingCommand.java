package org.noisylabels.command;

import org.noisylabels.noise.RandomSampling;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Random sampling (RCL): keeps ceil(p·n) random pixels of each class, the rest are ignored. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Random Sampling (RCL)",
	description = "Keeps exactly ceil(p_sample*n) random pixels of each class per slice; the others are ignored (0 in noisy_label, 255 in ignore_mask)")
public class RandomSamplingCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Clean label: binary mask (0 + one value) or classes 0..C-1 (8/16-bit)", persist = false)
	private ImagePlus label;

	@Parameter(label = "Sampling probability", description = "Fraction of each class's pixels that is kept",
		min = "0", max = "1", stepSize = "0.01", persist = false)
	private double p_sample = 0.1;

	@Parameter(label = "Seed", description = "Random seed: the same seed gives the same result", persist = false)
	private long seed = 42;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Parameter(type = ItemIO.OUTPUT, label = "Ignore mask")
	private ImagePlus ignore_mask;

	@Override
	protected void execute() {
		final RandomSampling.Result r = RandomSampling.apply(label, p_sample, seed, progress());
		noisy_label = r.noisyLabel;
		ignore_mask = r.ignoreMask;
	}
}
