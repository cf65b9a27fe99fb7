package org.noisylabels.command;

import org.noisylabels.metric.ThresholdBaseline;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** A classical threshold segmentation (Otsu, any ImageJ auto-threshold, or adaptive Gaussian). */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Evaluate>Threshold Baseline",
	description = "Gaussian pre-smoothing, then a global ImageJ auto-threshold (Otsu, ...) or an adaptive Gaussian threshold")
public class ThresholdBaselineCommand extends NoisyLabelsCommand {

	@Parameter(label = "Image", description = "Grayscale image or stack (8, 16 or 32-bit)", persist = false)
	private ImagePlus image;

	@Parameter(label = "Method", choices = { "Otsu", "Adaptive Gaussian", "Default", "Huang", "Intermodes",
		"IsoData", "IJ_IsoData", "Li", "MaxEntropy", "Mean", "MinError", "Minimum", "Moments", "Percentile",
		"RenyiEntropy", "Shanbhag", "Triangle", "Yen" },
		description = "Otsu, Adaptive Gaussian (local mean - offset), or any ImageJ auto-threshold method", persist = false)
	private String method = "Otsu";

	@Parameter(label = "Smoothing sigma (pixels)", min = "0", max = "1000", stepSize = "0.5",
		description = "Gaussian pre-smoothing in pixels; 0 = none", persist = false)
	private double sigma = 1.0;

	@Parameter(label = "Adaptive block size (pixels)", min = "3", max = "100001", stepSize = "2",
		description = "Adaptive Gaussian: odd window size; the local mean is a Gaussian of sigma (block_size - 1)/6", persist = false)
	private int block_size = 51;

	@Parameter(label = "Adaptive offset (standard deviations)", min = "-1000", max = "1000", stepSize = "0.1",
		description = "Adaptive Gaussian: object where value > local mean - offset x standard deviation of the image; negative = stricter (default -0.2 keeps the noise of flat background out)", persist = false)
	private double offset = -0.2;

	@Parameter(label = "Bright objects", required = false,
		description = "Objects brighter than the background, as in fluorescence (false: dark objects on a bright background); the same key as iGTT's", persist = false)
	private boolean bright_objects = true;

	@Parameter(label = "Threshold each slice", required = false,
		description = "One threshold per slice (false: one threshold from the whole stack's histogram)", persist = false)
	private boolean per_slice = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Mask")
	private ImagePlus mask;

	@Override
	protected void execute() {
		mask = ThresholdBaseline.apply(image, method, sigma, block_size, offset, !bright_objects, per_slice,
			progress()).mask;
	}
}
