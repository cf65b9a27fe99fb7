package org.noisylabels.command;

import org.noisylabels.io.Masks;
import org.noisylabels.method.CLSLSR;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * CLSLSR (MICCAI 2020): a CE baseline, confident learning on its predictions of the training images, then
 * a new network trained with SLSR smoothing only the flagged labels. The method's keys are {@link CLSLSR}'s
 * own ({@code @Parameter} fields); this command adds the flagged-pixel outputs. The data, network,
 * optimiser and validation keys are those of every Train command ({@code iterations} = stage 3).
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>CLSLSR")
public class TrainCLSLSRCommand extends TrainMethodCommand {

	@Override
	protected String boundMethod() {
		return CLSLSR.NAME;
	}

	@Parameter(type = ItemIO.OUTPUT, label = "Flagged pixels",
		description = "8-bit, 255 = the label of this pixel is probably wrong (stage 2); one slice per training image")
	private ImagePlus flagged;

	@Parameter(type = ItemIO.OUTPUT, label = "Flagged per image")
	private ResultsTable flagged_per_image;

	@Parameter(type = ItemIO.OUTPUT, label = "Noise matrix")
	private ResultsTable noise_matrix;

	@Parameter(type = ItemIO.OUTPUT, label = "Stage 1 curve", description = "The training curve of the CE baseline (stage 1)")
	private ResultsTable stage1_curve;

	@Override
	protected void execute() {
		final TrainingConfig cfg = optimizerConfig();
		final CLSLSR method = (CLSLSR) method(pluginService); // its keys: CLSLSR's @Parameter fields
		final Normalization n = normalizationObject();
		final TrainingData data = trainingData(n);
		final TrainingData val = validationData(n, data);
		final String title = img != null ? Masks.stripExtension(img.getTitle()) + "-flagged" : "flagged";
		final CLSLSR.Result r = method.train(cfg, data, val, title, progress(), trainingLog());
		curve = r.curve;
		validation = r.validation;
		flagged = r.labelErrors.flagged;
		if (img != null) flagged.setCalibration(img.getCalibration().copy());
		flagged_per_image = r.labelErrors.perImage;
		noise_matrix = r.labelErrors.noiseMatrix;
		stage1_curve = r.baselineCurve;
		showResults();
		show(flagged_per_image, "Flagged per image");
		show(noise_matrix, "Noise matrix");
	}
}
