package org.noisylabels.command;

import org.noisylabels.noise.Morphology;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Erosion (PCL) with a 3x3 square (3x3x3 cube in 3D), repeated; outside the image is background. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Erosion (PCL)",
	description = "Erodes a binary mask with a 3x3 square (3x3x3 cube with three_d) 'iterations' times; outside the image counts as background")
public class ErosionCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Clean binary mask (0 = background, one foreground value)", persist = false)
	private ImagePlus label;

	@Parameter(label = "Iterations", description = "How many times the 3x3 (x3) element is applied", min = "1",
		max = "100", persist = false)
	private int iterations = 1;

	@Parameter(label = "3D", description = "Use a 3x3x3 cube across slices instead of slice-by-slice 3x3 squares", persist = false)
	private boolean three_d = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Override
	protected void execute() {
		noisy_label = Morphology.apply(label, iterations, three_d, false, progress());
	}
}
