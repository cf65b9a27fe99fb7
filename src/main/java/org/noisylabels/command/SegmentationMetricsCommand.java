package org.noisylabels.command;

import org.noisylabels.metric.SegmentationMetrics;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Dice, IoU, accuracy, ASSD, ASD, HD95 and AUC of a prediction against a ground truth. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Evaluate>Segmentation Metrics",
	description = "Dice, IoU, pixel accuracy, ASSD, ASD, HD95 (calibrated units) and AUC, per slice, their mean, and in 3D for stacks")
public class SegmentationMetricsCommand extends NoisyLabelsCommand {

	@Parameter(label = "Prediction",
		description = "Binary mask (0 = background, one other value = object) or 32-bit probability map with values in [0, 1]", persist = false)
	private ImagePlus prediction;

	@Parameter(label = "Ground truth", description = "Binary mask (0 = background, one other value = object)", persist = false)
	private ImagePlus ground_truth;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05",
		description = "A probability map is an object where p > threshold (ignored for masks)", persist = false)
	private double threshold = 0.5;

	@Parameter(label = "Multi-class labels", required = false,
		description = "Both images hold classes 0..C-1: score every class >= 1 one-vs-rest, plus their mean", persist = false)
	private boolean multi_class = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics")
	private ResultsTable metrics;

	@Override
	protected void execute() {
		metrics = SegmentationMetrics.evaluate(prediction, ground_truth, threshold, multi_class, progress());
		show(metrics, "Segmentation Metrics");
	}
}
