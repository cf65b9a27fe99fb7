package org.noisylabels.method;

import org.noisylabels.method.igtt.Candidates;
import org.scijava.plugin.Parameter;

/**
 * iGTT's keys, declared once ({@link MethodParameters}): the field name is the key, its initial value the
 * default, the annotation's label, description and range the rest. The iGTT command's dialog, macro keys,
 * command line and {@code --help} come from these fields; {@link #settings()} turns them into the
 * run's {@link IGTTSegmentation.Settings} (the images and the model folder are the command's own inputs).
 */
public final class IGTTKeys {

	@Parameter(label = "Epochs", min = "1", max = "100000",
		description = "Passes over the images; the labels are refreshed after each (reference: 100)")
	public int epochs = IGTTSegmentation.DEFAULT_EPOCHS;

	@Parameter(label = "Thresholds K", min = "3", max = "10000",
		description = "Number of thresholds between min(P) and max(P); the candidate chosen among them (see candidate) becomes the label")
	public int k = IGTT.DEFAULT_K;

	@Parameter(label = "EMS",
		description = "Extraction of meta-structures: skeleton, random shift, sampling (off = the candidate is the label)")
	public boolean ems = true;

	@Parameter(label = "EMS shift radius r", min = "0", max = "100",
		description = "Every skeleton pixel moves by a random integer shift in [-r, r] per axis")
	public int r = IGTT.DEFAULT_R;

	@Parameter(label = "EMS sampling ratio p", min = "0.001", max = "1", stepSize = "0.01",
		description = "Fraction of the shifted skeleton pixels kept as foreground labels")
	public double p = IGTT.DEFAULT_P;

	@Parameter(label = "Soft IoU form", choices = { IGTT.SOFT_IOU_REFERENCE, IGTT.SOFT_IOU_PAPER },
		description = "reference = the authors' code, 1 - sum(py)/(sum(p^2+y) - sum(py)); paper = the paper's Eq. 6, 1 - sum(py)/sum(p+y-py), which makes the probability map sharper")
	public String soft_iou = IGTT.SOFT_IOU_REFERENCE;

	@Parameter(label = "First labels", choices = { IGTT.FIRST_BLACK, IGTT.FIRST_OTSU },
		description = "black = the paper (the first labels come from the untrained network); otsu = an extension for sparse structures: the first labels are EMS of the Otsu mask of the image smoothed with sigma 1 (bright_objects decides which side), the loop is unchanged afterwards")
	public String first_labels = IGTT.FIRST_BLACK;

	@Parameter(label = "Candidate choice", choices = { Candidates.CANDIDATE_DMI, Candidates.CANDIDATE_OTSU },
		description = "dmi = the paper: the candidate with the lowest DMI, about P > mean(P), which on sparse maps takes the background's upper tail; otsu = an extension (not in the paper): the candidate nearest Otsu's threshold of P, for the labels and the final mask (see the README for when it is better)")
	public String candidate = Candidates.CANDIDATE_DMI;

	@Parameter(label = "Label gate", choices = { IGTT.GATE_OTSU, IGTT.GATE_NONE },
		description = "otsu = an extension (default; not in the paper): the pseudo-labels keep only pixels inside the Otsu mask of the image smoothed with sigma 1 (bright_objects decides which side), so candidates that merge nearby objects or fill the holes between them cannot put their skeleton in the gaps; none = the paper")
	public String label_gate = IGTT.GATE_OTSU;

	@Parameter(label = "Learning rate", min = "0.0000001", max = "10", stepSize = "0.001",
		description = "SGD learning rate (reference 0.05)")
	public double learning_rate = IGTTSegmentation.DEFAULT_LEARNING_RATE;

	@Parameter(label = "Momentum", min = "0", max = "0.9999", description = "SGD momentum")
	public double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.0001", description = "L2 weight decay")
	public double weight_decay = 1e-3;

	@Parameter(label = "Gradient clipping (norm)", min = "0", max = "1000000",
		description = "Clip the gradient at this global norm (0 = off, as in the reference). DMI's gradient grows as 1/det: on a nearly empty or full pseudo-label one step can be 100-1000 times larger than usual; 10 stops that if a run ends in NaN")
	public double clip_norm = IGTTSegmentation.DEFAULT_CLIP_NORM;

	@Parameter(label = "LR step (epochs)", min = "0", max = "100000",
		description = "The learning rate is multiplied by 0.1 every this many epochs (0 = constant)")
	public int lr_step_epochs = 20;

	@Parameter(label = "Base channels", min = "1", max = "256",
		description = "U-Net channels of the first level (doubled per level)")
	public int base_channels = IGTTSegmentation.DEFAULT_BASE_CHANNELS;

	@Parameter(label = "Depth", min = "1", max = "6", description = "U-Net poolings")
	public int depth = 3;

	@Parameter(label = "Batch size", min = "1", max = "1024", description = "Patches per training step")
	public int batch_size = 2;

	@Parameter(label = "Patch size", min = "16", max = "4096",
		description = "Side of the training patches (at most the image size)")
	public int patch_size = IGTTSegmentation.DEFAULT_PATCH_SIZE;

	@Parameter(label = "Steps per epoch (0 = auto)", min = "0", max = "1000000",
		description = "Training steps between two label refreshes; 0 = enough batches to cover every image once, and at least 8 (one small image alone would otherwise train 1-2 steps per epoch)")
	public int steps_per_epoch = 0;

	@Parameter(label = "Bright objects",
		description = "Objects are brighter than the background (fluorescence); decides the output's polarity")
	public boolean bright_objects = true;

	@Parameter(label = "Seed", description = "Random seed (weights, patches, EMS shifts and sampling)")
	public long seed = 42;

	/** The run's settings from these keys, checked against their declared ranges and choices. */
	public IGTTSegmentation.Settings settings() {
		MethodParameters.check(this);
		final IGTTSegmentation.Settings s = new IGTTSegmentation.Settings();
		s.params.k = k;
		s.params.ems = ems;
		s.params.r = r;
		s.params.p = p;
		s.params.seed = seed;
		s.params.brightObjects = bright_objects;
		s.params.paperIoU = IGTT.paperIoU(soft_iou);
		s.params.firstLabels = IGTT.firstLabels(first_labels);
		s.params.candidate = Candidates.Criterion.of(candidate).key;
		s.params.labelGate = IGTT.labelGate(label_gate);
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
		return s.validate();
	}
}
