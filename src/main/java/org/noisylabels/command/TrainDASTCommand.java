package org.noisylabels.command;

import java.io.File;
import java.util.Arrays;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.method.DAST;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/**
 * DAST (JBHI 2022): one U-Net with a clean and a noisy head, trained on a small set with clean labels
 * (clean_image + clean_label, or clean_image_folder + clean_label_folder) and the usual training data
 * with noisy labels (image + label, or image_folder + label_folder). PyMIC's keys; the method's keys are
 * declared on {@link DAST} and repeated here until a generic Train command exposes them.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>DAST")
public class TrainDASTCommand extends TrainOptimizerCommand {

	@Parameter(label = "Clean image", required = false, persist = false,
		description = "Title of an open image, a file path or none. The small set with CLEAN labels (2D or stack); or give clean_image_folder. The image/label keys are the set with noisy labels")
	@ImageKey
	protected String clean_image = NONE;

	@Parameter(label = "Clean label", required = false, persist = false,
		description = "Title of an open image, a file path or none. The clean labels of clean_image (same classes as label)")
	@ImageKey
	protected String clean_label = NONE;

	@Parameter(label = "Clean image folder", style = "directory", required = false, persist = false,
		description = "Instead of clean_image/clean_label: a folder of images with clean labels")
	protected File clean_image_folder;

	@Parameter(label = "Clean label folder", style = "directory", required = false, persist = false,
		description = "With clean_image_folder: a folder holding a clean label file with the same name for every image")
	protected File clean_label_folder;

	@Parameter(label = "Clean batch size", min = "1", max = "1024", persist = false,
		description = "Patches of the clean set per step (PyMIC's train_batch_size; the noisy set takes batch_size)")
	private int dast_clean_batch_size = 4;

	@Parameter(label = "Rank length", min = "2", max = "100000", persist = false,
		description = "Length L of the FIFO queues of the two scores (PyMIC 20)")
	private int dast_rank_length = 20;

	@Parameter(label = "Select ratio", min = "0", max = "1", stepSize = "0.01", persist = false,
		description = "Divergence term when the clean score ranks >= L(1 - ratio), self-training when the noisy score ranks <= L*ratio (PyMIC 0.2)")
	private double dast_select_ratio = 0.2;

	@Parameter(label = "Divergence weight", min = "0", max = "100", stepSize = "0.01", persist = false,
		description = "Weight of the divergence-boundary term, times the ramp (PyMIC 0.1)")
	private double dast_dbc_w = 0.1;

	@Parameter(label = "Self-training weight", min = "0", max = "100", stepSize = "0.01", persist = false,
		description = "Weight of the self-training term, times the ramp (PyMIC 0.1)")
	private double dast_st_w = 0.1;

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000", persist = false,
		description = "Iteration where the ramp exp(-5(1-t)^2) of both terms starts rising (PyMIC's example 1000)")
	private long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000", persist = false,
		description = "Iteration where the ramp reaches 1 (PyMIC's example 8000; about half of iterations for short runs)")
	private long rampup_end = 8000;

	@Override
	protected void execute() {
		final TrainingConfig cfg = optimizerConfig();
		final DAST method = new DAST();
		method.dast_clean_batch_size = dast_clean_batch_size;
		method.dast_rank_length = dast_rank_length;
		method.dast_select_ratio = dast_select_ratio;
		method.dast_dbc_w = dast_dbc_w;
		method.dast_st_w = dast_st_w;
		method.rampup_start = rampup_start;
		method.rampup_end = rampup_end;
		method.validate();
		final ImagePlus cimg = image("clean_image"), clab = image("clean_label");
		final boolean images = cimg != null || clab != null, folders = clean_image_folder != null ||
			clean_label_folder != null;
		if (!images && !folders) throw new NoisyLabelsException(
			"DAST needs a set with clean labels: give clean_image and clean_label (or clean_image_folder and clean_label_folder)");
		if (images && folders) throw new NoisyLabelsException(
			"give clean_image and clean_label, or clean_image_folder and clean_label_folder, not both");
		final Normalization n = normalizationObject();
		final TrainingData noisy = trainingData(n);
		final TrainingData clean;
		if (folders) {
			Check.present(clean_image_folder, "clean_image_folder");
			Check.present(clean_label_folder, "clean_label_folder");
			if (!clean_image_folder.isDirectory()) throw new NoisyLabelsException("clean_image_folder " + clean_image_folder +
				" is not a folder: give the folder of images with clean labels");
			if (!clean_label_folder.isDirectory()) throw new NoisyLabelsException("clean_label_folder " + clean_label_folder +
				" is not a folder: give the folder of clean label images");
			try {
				clean = TrainingData.fromFolders(clean_image_folder, clean_label_folder, n, noisy.classes());
			}
			catch (final NoisyLabelsException e) {
				throw new NoisyLabelsException("clean set (clean_image_folder, clean_label_folder): " + e.getMessage());
			}
		}
		else {
			Check.present(cimg, "clean_image");
			Check.present(clab, "clean_label");
			clean = TrainingData.fromImages(cimg, clab, null, null, n, noisy.classes(), "clean_image", "clean_label");
		}
		final TrainingData val = validationData(n, noisy);
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Arrays.asList(noisy, clean), val, progress(),
			trainingLog()))
		{
			curve = out.curve;
			validation = out.validation;
		}
		trainingLog().accept("DAST: " + method.stats());
		showResults();
	}
}
