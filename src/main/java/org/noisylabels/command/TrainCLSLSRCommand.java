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
 * a new network trained with SLSR smoothing only the flagged labels. A thin copy of {@link CLSLSR}'s own
 * keys (to be replaced by the generic Train command); the data, network, optimiser and validation keys
 * are those of every Train command ({@code iterations} = stage 3).
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>CLSLSR")
public class TrainCLSLSRCommand extends TrainOptimizerCommand {

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", stepSize = "0.01", persist = false,
		description = "Label smoothing of the flagged pixels in stage 3: their one-hot label y becomes eps + (1 - 2 eps) y (binary; (1 - eps) y + eps (1 - y)/(C - 1) for C classes)")
	private double slsr_epsilon = new CLSLSR().slsr_epsilon;

	@Parameter(label = "Stage 1 iterations", min = "0", max = "10000000", persist = false,
		description = "Iterations of the CE baseline whose predictions find the wrong labels (stage 1); 0 = as many as iterations (stage 3)")
	private int stage1_iterations = new CLSLSR().stage1_iterations;

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
		final CLSLSR method = new CLSLSR();
		method.slsr_epsilon = slsr_epsilon;
		method.stage1_iterations = stage1_iterations;
		method.validate();
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
