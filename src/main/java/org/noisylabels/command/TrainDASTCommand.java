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
 * with noisy labels (image + label, or image_folder + label_folder). PyMIC's keys, declared once on
 * {@link DAST}; this command adds only the clean set.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>DAST")
public class TrainDASTCommand extends TrainMethodCommand {

	@Override
	protected String boundMethod() {
		return DAST.NAME;
	}


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

	@Parameter(label = "Clean pairs (CSV)", required = false, persist = false,
		description = "Instead of the clean images or folders: a CSV file of image,label pairs with clean labels (PyMIC's train_csv for DAST; relative paths start at root_dir or the CSV's folder)")
	protected File clean_csv;

	@Override
	protected void execute() {
		final TrainingConfig cfg = optimizerConfig();
		final DAST method = (DAST) method(pluginService); // its keys: DAST's @Parameter fields
		final ImagePlus cimg = image("clean_image"), clab = image("clean_label");
		final boolean images = cimg != null || clab != null, folders = clean_image_folder != null ||
			clean_label_folder != null;
		if (clean_csv != null && (images || folders)) throw new NoisyLabelsException(
			"give clean_csv, or clean_image and clean_label, or clean_image_folder and clean_label_folder: one of them");
		if (!images && !folders && clean_csv == null) throw new NoisyLabelsException(
			"DAST needs a set with clean labels: give clean_image and clean_label (or clean_image_folder and clean_label_folder)");
		if (images && folders) throw new NoisyLabelsException(
			"give clean_image and clean_label, or clean_image_folder and clean_label_folder, not both");
		final Normalization n = normalizationObject();
		final TrainingData noisy = trainingData(n);
		final TrainingData clean;
		if (clean_csv != null) {
			final org.noisylabels.io.PairList pairs = org.noisylabels.io.PairList.read(clean_csv, root_dir, "clean_csv", true);
			clean = TrainingData.fromFiles(pairs.images, pairs.labels, n, noisy.classes(), "clean_csv", "clean_csv");
		}
		else if (folders) {
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
		try (Trainer.Outcome out = Trainer.run(cfg, method, Arrays.asList(noisy, clean), val, progress(),
			trainingLog()))
		{
			curve = out.curve;
			validation = out.validation;
		}
		trainingLog().accept("DAST: " + method.stats());
		showResults();
	}
}
