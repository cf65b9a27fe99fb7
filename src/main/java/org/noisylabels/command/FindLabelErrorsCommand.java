package org.noisylabels.command;

import java.io.File;
import java.util.Locale;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.Masks;
import org.noisylabels.method.LabelErrors;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;
import org.noisylabels.train.TrainingData;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Audits labelled images with a trained model: confident learning (CLSLSR's stage 2, cleanlab's
 * prune_method 'both') flags the pixels whose label is probably wrong. Outputs the flagged-pixel maps, the
 * flagged pixels per image and class, and the estimated noise matrix.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Evaluate>Find Label Errors",
	description = "Flags the labelled pixels a trained model confidently disagrees with (confident learning, as CLSLSR's stage 2)")
public class FindLabelErrorsCommand extends NoisyLabelsCommand {

	@Parameter(label = "Model folder", style = "directory", persist = false,
		description = "Folder (or .zip) written by a Noisy Labels training command (ideally trained on these labels, e.g. with CE)")
	private File model;

	@Parameter(label = "Image", required = false, persist = false,
		description = "Title of an open image, a file path or none. Image (2D or stack: each slice one image); or give image_folder")
	@ImageKey(ImageKey.ACTIVE)
	private String image = NONE;

	@Parameter(label = "Label", required = false, persist = false,
		description = "Title of an open image, a file path or none. The labels to check: a binary mask (0/255) or classes 0..C-1 of the model")
	@ImageKey(ImageKey.OTHER)
	private String label = NONE;

	@Parameter(label = "Ignore mask", required = false, persist = false,
		description = "Title of an open image, a file path or none. Optional: non-zero pixels are not checked (e.g. unlabelled pixels)")
	@ImageKey
	private String ignore_mask = NONE;

	@Parameter(label = "Image folder", style = "directory", required = false, persist = false,
		description = "Instead of image/label: a folder of images (.tif/.png)")
	private File image_folder;

	@Parameter(label = "Label folder", style = "directory", required = false, persist = false,
		description = "With image_folder: a folder holding a label file with the same name for every image")
	private File label_folder;

	@Parameter(type = ItemIO.OUTPUT, label = "Flagged pixels",
		description = "8-bit, 255 = the label of this pixel is probably wrong; one slice per image")
	private ImagePlus flagged;

	@Parameter(type = ItemIO.OUTPUT, label = "Flagged per image",
		description = "Per image: pixels checked, flagged, their fraction, flagged per given class; and all images")
	private ResultsTable flagged_per_image;

	@Parameter(type = ItemIO.OUTPUT, label = "Noise matrix",
		description = "Per given class: pixels, threshold, flagged, estimated P(given | true class) and the calibrated confident joint")
	private ResultsTable noise_matrix;

	@Override
	protected void execute() {
		Check.present(model, "model");
		final ImagePlus img = image("image"), lab = image("label"), ign = image("ignore_mask");
		final boolean images = img != null || lab != null, folders = image_folder != null || label_folder != null;
		if (images && folders) throw new NoisyLabelsException(
			"give image and label, or image_folder and label_folder, not both");
		if (folders) {
			Check.present(image_folder, "image_folder");
			Check.present(label_folder, "label_folder");
			if (ign != null) throw new NoisyLabelsException(
				"ignore_mask works with image/label only: with folders, check the images one by one");
		}
		else {
			if (img == null && lab == null) throw new NoisyLabelsException(
				"no labelled images: give image and label (or image_folder and label_folder)");
			Check.present(img, "image");
			Check.present(lab, "label");
			Masks.requireSameSize(img, "image", lab, "label");
			if (ign != null) Masks.requireSameSize(img, "image", ign, "ignore_mask");
		}
		final LabelErrors.Outputs out = ModelCache.withModel(model.toPath(), predictor -> {
			final ModelInfo info = predictor.info();
			final TrainingData data = folders ? TrainingData.fromFolders(image_folder, label_folder, info
				.normalizationObject(), info.classes) : TrainingData.fromImages(img, lab, ign, null, info
					.normalizationObject(), info.classes, "image", "label");
			final String title = img != null ? Masks.stripExtension(img.getTitle()) + "-flagged" : "flagged";
			// a 3D model predicts each stack in 3D (once), a 2D model each image
			return LabelErrors.find(data.samples(), null, info.classes, new org.noisylabels.train.SamplePredictor(predictor,
				data.samples())::predict, title, progress());
		});
		flagged = out.flagged;
		if (img != null) flagged.setCalibration(img.getCalibration().copy());
		flagged_per_image = out.perImage;
		noise_matrix = out.noiseMatrix;
		if (log != null) log.info(String.format(Locale.ROOT,
			"Find Label Errors: %d of %d pixels flagged (%.2f %%; by class %d, by noise rate %d, both %d before the argmax check)",
			out.result.total, out.result.pixels(), 100.0 * out.result.total / Math.max(1, out.result.pixels()),
			out.result.byClass, out.result.byNoiseRate, out.result.both));
		show(flagged_per_image, "Flagged per image");
		show(noise_matrix, "Noise matrix");
	}
}
