package org.noisylabels.command;

import org.noisylabels.noise.Skeleton;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Skeleton (PCL): one-pixel-wide skeleton of every object, slice by slice. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Skeleton (PCL)",
	description = "Replaces every object of a binary mask by its one-pixel-wide skeleton (ImageJ skeletonize), slice by slice")
public class SkeletonCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Clean binary mask (0 = background, one foreground value)", persist = false)
	private ImagePlus label;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Override
	protected void execute() {
		noisy_label = Skeleton.apply(label, progress());
	}
}
