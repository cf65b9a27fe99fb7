package org.noisylabels.command;

import java.io.File;

import org.noisylabels.Check;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.Predictor;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/**
 * Applies a trained model (a folder written by a Train command) to an image: probability map and mask.
 * The model stays loaded between calls with the same folder (Utilities > Release Models frees it).
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Apply Model")
public class ApplyModelCommand extends NoisyLabelsCommand {

	@Parameter(label = "Model folder", style = "directory", persist = false,
		description = "Folder (or .zip) written by a Noisy Labels training command")
	private File model;

	@Parameter(label = "Image", description = "2D image or stack to segment (one channel)", persist = false)
	private ImagePlus image;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05",
		description = "Foreground probability threshold of the mask (binary models); C-class models use the argmax", persist = false)
	private double threshold = 0.5;

	@Parameter(type = ItemIO.OUTPUT, label = "Probability")
	private ImagePlus probability;

	@Parameter(type = ItemIO.OUTPUT, label = "Mask")
	private ImagePlus mask;

	@Override
	protected void execute() {
		Check.present(model, "model");
		Check.present(image, "image");
		Check.probability(threshold, "threshold");
		final Predictor.Prediction p = ModelCache.withModel(model.toPath(), predictor -> predictor.predict(image,
			threshold, progress()));
		probability = p.probability;
		mask = p.mask;
	}
}
