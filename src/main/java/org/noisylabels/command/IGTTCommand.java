package org.noisylabels.command;

import java.io.File;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.method.IGTT;
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

	@Parameter(label = "Epochs", min = "1", max = "100000",
		description = "Passes over the images; the labels are refreshed after each (reference: 100)", persist = false)
	private int epochs = IGTTSegmentation.DEFAULT_EPOCHS;

	@Parameter(label = "Thresholds K", min = "3", max = "10000",
		description = "Number of thresholds between min(P) and max(P); the candidate with the lowest DMI becomes the label", persist = false)
	private int k = IGTT.DEFAULT_K;

	@Parameter(label = "EMS", description = "Extraction of meta-structures: skeleton, random shift, sampling (off = the candidate is the label)", persist = false)
	private boolean ems = true;

	@Parameter(label = "EMS shift radius r", min = "0", max = "100",
		description = "Every skeleton pixel moves by a random integer shift in [-r, r] per axis", persist = false)
	private int r = IGTT.DEFAULT_R;

	@Parameter(label = "EMS sampling ratio p", min = "0.001", max = "1", stepSize = "0.01",
		description = "Fraction of the shifted skeleton pixels kept as foreground labels", persist = false)
	private double p = IGTT.DEFAULT_P;

	@Parameter(label = "Soft IoU form", choices = { IGTT.SOFT_IOU_REFERENCE, IGTT.SOFT_IOU_PAPER },
		description = "reference = the authors' code, 1 - sum(py)/(sum(p^2+y) - sum(py)); paper = the paper's Eq. 6, 1 - sum(py)/sum(p+y-py), which makes the probability map sharper", persist = false)
	private String soft_iou = IGTT.SOFT_IOU_REFERENCE;

	@Parameter(label = "Learning rate", min = "0.0000001", max = "10", stepSize = "0.001",
		description = "SGD learning rate (reference 0.05)", persist = false)
	private double learning_rate = IGTTSegmentation.DEFAULT_LEARNING_RATE;

	@Parameter(label = "Momentum", min = "0", max = "0.9999", description = "SGD momentum", persist = false)
	private double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.0001", description = "L2 weight decay", persist = false)
	private double weight_decay = 1e-3;

	@Parameter(label = "Gradient clipping (norm)", min = "0", max = "1000000",
		description = "Clip the gradient at this global norm (0 = off, as in the reference). DMI's gradient grows as 1/det: on a nearly empty or full pseudo-label one step can be 100-1000 times larger than usual; 10 stops that if a run ends in NaN", persist = false)
	private double clip_norm = IGTTSegmentation.DEFAULT_CLIP_NORM;

	@Parameter(label = "LR step (epochs)", min = "0", max = "100000",
		description = "The learning rate is multiplied by 0.1 every this many epochs (0 = constant)", persist = false)
	private int lr_step_epochs = 20;

	@Parameter(label = "Base channels", min = "1", max = "256",
		description = "U-Net channels of the first level (doubled per level)", persist = false)
	private int base_channels = IGTTSegmentation.DEFAULT_BASE_CHANNELS;

	@Parameter(label = "Depth", min = "1", max = "6", description = "U-Net poolings", persist = false)
	private int depth = 3;

	@Parameter(label = "Batch size", min = "1", max = "1024", description = "Patches per training step", persist = false)
	private int batch_size = 2;

	@Parameter(label = "Patch size", min = "16", max = "4096",
		description = "Side of the training patches (at most the image size)", persist = false)
	private int patch_size = IGTTSegmentation.DEFAULT_PATCH_SIZE;

	@Parameter(label = "Steps per epoch (0 = auto)", min = "0", max = "1000000",
		description = "Training steps between two label refreshes; 0 = enough batches to cover every image once, and at least 8 (one small image alone would otherwise train 1-2 steps per epoch)", persist = false)
	private int steps_per_epoch = 0;

	@Parameter(label = "Bright objects",
		description = "Objects are brighter than the background (fluorescence); decides the output's polarity", persist = false)
	private boolean bright_objects = true;

	@Parameter(label = "Seed", description = "Random seed (weights, patches, EMS shifts and sampling)", persist = false)
	private long seed = 42;

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

	/** The settings the parameters give (validated). */
	IGTTSegmentation.Settings settings() {
		final IGTTSegmentation.Settings s = new IGTTSegmentation.Settings();
		s.params.k = k;
		s.params.ems = ems;
		s.params.r = r;
		s.params.p = p;
		s.params.seed = seed;
		s.params.brightObjects = bright_objects;
		s.params.paperIoU = IGTT.paperIoU(soft_iou);
		s.epochs = epochs;
		s.learningRate = learning_rate;
		s.momentum = momentum;
		s.weightDecay = weight_decay;
		s.clipNorm = clip_norm;
		s.lrStep = lr_step_epochs;
		s.baseChannels = base_channels;
		s.depth = depth;
		s.batchSize = batch_size;
		s.patchSize = patch_size;
		s.stepsPerEpoch = steps_per_epoch;
		s.model = model == null ? null : model.toPath();
		return s.validate();
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
