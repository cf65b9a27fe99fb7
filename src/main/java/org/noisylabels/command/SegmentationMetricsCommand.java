package org.noisylabels.command;

import java.io.File;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.ImageFolders;
import org.noisylabels.io.Tables;
import org.noisylabels.metric.FolderMetrics;
import org.noisylabels.metric.SegmentationMetrics;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.measure.ResultsTable;

/** Dice, IoU, accuracy, ASSD, ASD, HD95 and AUC of a prediction against a ground truth. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Evaluate>Segmentation Metrics",
	description = "Dice, IoU, pixel accuracy, ASSD, ASD, HD95 (calibrated units) and AUC, per slice, their mean, and in 3D for stacks")
public class SegmentationMetricsCommand extends NoisyLabelsCommand {

	// image keys, not ImagePlus inputs: Fiji's dialog starts every ImagePlus input of a command with two at the
	// first open image, whatever the command sets; a choice of titles starts at the active image and at another
	@Parameter(label = "Prediction", required = false,
		description = "Title of an open image or a file path. Binary mask (0 = background, one other value = object) or 32-bit probability map with values in [0, 1]", persist = false)
	@ImageKey(ImageKey.ACTIVE)
	private String prediction = NONE;

	@Parameter(label = "Ground truth", required = false, description = "Title of an open image or a file path. Binary mask (0 = background, one other value = object)", persist = false)
	@ImageKey(ImageKey.OTHER)
	private String ground_truth = NONE;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05",
		description = "A probability map is an object where p > threshold (ignored for masks)", persist = false)
	private double threshold = 0.5;

	@Parameter(label = "Multi-class labels", required = false,
		description = "Both images hold classes 0..C-1: score every class >= 1 one-vs-rest, plus their mean", persist = false)
	private boolean multi_class = false;

	@Parameter(label = "Prediction folder", style = "directory", required = false, persist = false,
		description = "Instead of prediction and ground_truth (macros, headless and command line): the predictions, paired with ground_truth_folder by relative path (extension aside)")
	private File prediction_folder;

	@Parameter(label = "Ground truth folder", style = "directory", required = false, persist = false,
		description = "The ground truths of prediction_folder: one row per ground truth (subfolders included), then the mean")
	private File ground_truth_folder;

	@Parameter(label = "Shard (i/n)", required = false, persist = false,
		description = "Folder mode: only the pairs of share i of n (as Batch Apply Model's shard), for cluster array tasks; 0/1 = every pair")
	private String shard = "0/1";

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics")
	private ResultsTable metrics;

	@Override
	java.util.List<String> folderKeys() {
		return java.util.Arrays.asList("prediction_folder", "ground_truth_folder");
	}

	@Override
	protected boolean executeOnFolders() {
		final boolean pf = given(prediction_folder), gf = given(ground_truth_folder);
		final boolean p = !isNone(prediction), g = !isNone(ground_truth);
		if (!pf && !gf) {
			if (!p || !g) throw new NoisyLabelsException("missing key '" + (!p ? "prediction" : "ground_truth") +
				"' for \"Segmentation Metrics\": give prediction=PATH ground_truth=PATH (or prediction_folder=FOLDER ground_truth_folder=FOLDER)");
			final ImageFolders.Shard s = ImageFolders.shard(shard, "shard");
			if (!s.isAll()) throw new NoisyLabelsException("shard=" + shard +
				" needs prediction_folder and ground_truth_folder (a single pair has no shares)");
			return false;
		}
		if (!pf || !gf) throw new NoisyLabelsException("missing key '" + (pf ? "ground_truth_folder" : "prediction_folder") +
			"': folder mode needs prediction_folder=FOLDER and ground_truth_folder=FOLDER");
		if (callerReportsErrors() && (p || g)) throw new NoisyLabelsException(
			"give prediction and ground_truth, or prediction_folder and ground_truth_folder, not both");
		metrics = FolderMetrics.evaluate(ImageFolders.requireFolder(prediction_folder, "prediction_folder"),
			ImageFolders.requireFolder(ground_truth_folder, "ground_truth_folder"), Check.probability(threshold,
				"threshold"), multi_class, ImageFolders.shard(shard, "shard"), progress(), w -> {
					if (log != null) TrainingWarning.warn(log, w);
				});
		show(metrics, "Segmentation Metrics");
		if (given(output_folder)) {
			final java.nio.file.Path dir = output_folder.toPath();
			try {
				java.nio.file.Files.createDirectories(dir);
			}
			catch (final java.io.IOException e) {
				throw new NoisyLabelsException("output_folder: cannot create " + dir + " (" + e.getMessage() + ")");
			}
			Tables.save(metrics, dir.resolve("metrics.csv"));
		}
		return true;
	}

	private static boolean isNone(final String key) {
		return key == null || key.trim().isEmpty() || key.trim().equalsIgnoreCase(NONE);
	}

	private static boolean given(final File f) {
		return f != null && !f.getPath().trim().isEmpty();
	}

	@Override
	protected void execute() {
		metrics = SegmentationMetrics.evaluate(image("prediction"), image("ground_truth"), threshold, multi_class,
			progress());
		show(metrics, "Segmentation Metrics");
	}
}
