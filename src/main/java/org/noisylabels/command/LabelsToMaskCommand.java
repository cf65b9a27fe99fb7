package org.noisylabels.command;

import org.noisylabels.io.Masks;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Converts an instance/class label image (0 = background) into a binary 0/255 mask. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Utilities>Labels to Mask")
public class LabelsToMaskCommand extends NoisyLabelsCommand {

	@Parameter(label = "Label image", description = "Label image: 0 = background, any other value = object", persist = false)
	private ImagePlus label;

	@Parameter(type = ItemIO.OUTPUT, label = "Mask")
	private ImagePlus mask;

	@Override
	protected void execute() {
		mask = Masks.fromLabels(label, "label");
	}
}
