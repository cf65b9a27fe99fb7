package org.noisylabels.command;

import java.io.File;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.method.IGTTKeys;
import org.noisylabels.method.IGTTSegmentation;
import org.noisylabels.train.ModelFiles;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * iGTT (AAAI 2022): unsupervised binary segmentation of an image, a stack or a folder of images, without
 * any label (algorithms.md §3). See {@link IGTTSegmentation}.
 */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>iGTT Unsupervised Segmentation")
public class IGTTCommand extends NoisyLabelsCommand {

	@Parameter(label = "Image", required = false, persist = false,
		description = "Title of an open image, a file path or none. The image(s) to segment: a 2D image or a stack (each slice is one training image); or give image_folder")
	@ImageKey(ImageKey.ACTIVE)
	private String image = NONE;

	@Parameter(label = "Folder", required = false, persist = false, style = "directory",
		description = "Instead of image: a folder of .tif/.png images of one size (stacks count slice by slice)")
	private File image_folder;

	@Parameter(label = "Ground truth", required = false, persist = false,
		description = "Title of an open image, a file path or none. Optional binary mask of the same size, only to score every epoch (metrics table, Dice plot)")
	@ImageKey
	private String ground_truth = NONE;

	@Parameter(label = "Model folder", required = false, persist = false, style = "save",
		description = "Optional: write the trained model here (a new folder, or .zip), to use with Apply Model")
	private File model;

	@Parameter(type = ItemIO.OUTPUT, label = "Probability")
	private ImagePlus probability;

	@Parameter(type = ItemIO.OUTPUT, label = "Mask")
	private ImagePlus mask;

	@Parameter(type = ItemIO.OUTPUT, label = "Pseudo labels")
	private ImagePlus pseudo_labels;

	@Parameter(type = ItemIO.OUTPUT, label = "Candidates")
	private ImagePlus candidates;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics per epoch")
	private ResultsTable metrics;

	/** iGTT's keys, declared once on {@link IGTTKeys}, follow the images. */
	@Override
	protected Class<?> declaredKeys() {
		return IGTTKeys.class;
	}

	/** The settings the parameters give (validated). */
	IGTTSegmentation.Settings settings() {
		final IGTTSegmentation.Settings s = applyDeclaredKeys(new IGTTKeys()).settings();
		s.model = model == null ? null : model.toPath();
		return s;
	}

	@Override
	protected void execute() {
		final ImagePlus img = image("image"), gt = image("ground_truth");
		if (img != null && image_folder != null) throw new NoisyLabelsException(
			"give either image or image_folder, not both");
		if (img == null && image_folder == null) throw new NoisyLabelsException(
			"missing input: give image (a 2D image or stack) or image_folder (a folder of images)");
		final IGTTSegmentation.Settings s = settings();
		if (model != null) ModelFiles.checkTarget(model.toPath(), "model");
		final ImagePlus in = img != null ? img : IGTTSegmentation.openFolder(image_folder, "image_folder");
		final IGTTSegmentation.Result res = IGTTSegmentation.run(in, gt, s, progress(), trainingLog());
		if (res.canceled) {
			log.warn("iGTT canceled: the outputs are from epoch " + res.epochs + " (the last finished epoch)");
			ij.IJ.resetEscape();
		}
		if (res.warning != null) log.warn("iGTT: " + res.warning);
		probability = res.probability;
		mask = res.mask;
		pseudo_labels = res.pseudoLabels;
		candidates = res.candidates;
		metrics = res.metrics;
		if (metrics != null) {
			show(metrics, "iGTT metrics per epoch");
			if (hasUI()) plot(metrics);
		}
	}

	private static void plot(final ResultsTable t) {
		final double[] e = t.getColumn("epoch"), dice = t.getColumn("dice");
		final double[] cand = t.getColumn("candidate_dice");
		final ij.gui.Plot plot = new ij.gui.Plot("iGTT Dice per epoch", "epoch", "Dice");
		plot.setColor(java.awt.Color.BLUE);
		plot.addPoints(e, dice, ij.gui.Plot.LINE);
		if (cand != null) {
			plot.setColor(java.awt.Color.GRAY);
			plot.addPoints(e, cand, ij.gui.Plot.LINE);
			plot.setLegend("output mask\tcandidate (label source)", ij.gui.Plot.AUTO_POSITION);
		}
		plot.setLimits(1, Math.max(2, e.length), 0, 1);
		plot.show();
	}
}
