package org.noisylabels.command;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;
import org.noisylabels.train.ModelFiles;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Schedule;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Trains a U-Net fully supervised with a (robust) loss (PyMIC's fully_sup) and writes a model folder.
 */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Train>Supervised (Robust Loss)")
public class TrainSupervisedCommand extends NoisyLabelsCommand {

	@Parameter(label = "Image", description = "Training image (2D or stack, one channel)")
	private ImagePlus image;

	@Parameter(label = "Label", description = "Labels: a binary mask (0/255) or classes 0, 1, ..., C-1; may be noisy")
	private ImagePlus label;

	@Parameter(label = "Ignore mask", required = false, persist = false,
		description = "Optional: non-zero pixels are ignored by the loss (e.g. unlabelled pixels)")
	private ImagePlus ignore_mask;

	@Parameter(label = "Validation image", required = false, persist = false,
		description = "Optional held-out image; without it validation_fraction of the training tiles is held out")
	private ImagePlus validation_image;

	@Parameter(label = "Validation label", required = false, persist = false,
		description = "Labels of the validation image (clean if you have them)")
	private ImagePlus validation_label;

	@Parameter(label = "Loss", choices = { "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE" },
		description = "CE, Dice, GCE (robust, q), MAE (robust), NRDice (robust, gamma), SLSR (label smoothing of every pixel, epsilon), MSE")
	private String loss_type = "CE";

	@Parameter(label = "GCE q", min = "0.01", max = "1", description = "Exponent q of the GCE loss (PyMIC 0.5, paper 0.7)")
	private double q = 0.5;

	@Parameter(label = "NRDice gamma", min = "1", max = "2", description = "Exponent gamma of the NRDice loss")
	private double gamma = 1.5;

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", description = "Label smoothing epsilon of SLSR")
	private double epsilon = 0.25;

	@Parameter(label = "Iterations", min = "1", max = "10000000", description = "Training steps (batches)")
	private int iterations = 1000;

	@Parameter(label = "Epochs", min = "0", max = "100000",
		description = "Train for this many epochs instead (an epoch = as many patches as cover the image once); 0 = use iterations")
	private int epochs = 0;

	@Parameter(label = "Batch size", min = "1", max = "1024", description = "Patches per step")
	private int batch_size = 4;

	@Parameter(label = "Patch size", min = "8", max = "4096",
		description = "Side of the random training patches (rounded down to a multiple of 2^depth)")
	private int patch_size = 128;

	@Parameter(label = "Learning rate", min = "0.0000001", max = "10", stepSize = "0.0001", description = "Initial learning rate")
	private double learning_rate = 0.001;

	@Parameter(label = "Optimizer", choices = { "Adam", "SGD" }, description = "Adam or SGD with momentum")
	private String optimizer = "Adam";

	@Parameter(label = "Momentum", min = "0", max = "0.9999", description = "SGD momentum")
	private double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.00001", description = "L2 weight decay")
	private double weight_decay = 1e-5;

	@Parameter(label = "LR schedule", choices = { "constant", "step", "multistep", "plateau" },
		description = "constant; step: x lr_gamma every lr_step iterations; multistep: x lr_gamma at lr_milestones; plateau: x lr_gamma when the validation Dice stalls")
	private String schedule = "constant";

	@Parameter(label = "LR gamma", min = "0.000001", max = "1", description = "Learning-rate factor of the step/multistep/plateau schedules")
	private double lr_gamma = 0.5;

	@Parameter(label = "LR step", min = "1", max = "10000000", description = "Iterations between learning-rate drops (step schedule)")
	private int lr_step = 1000;

	@Parameter(label = "LR milestones", required = false, description = "Iterations of the drops (multistep schedule), e.g. 500,800")
	private String lr_milestones = "";

	@Parameter(label = "Base channels", min = "1", max = "256", description = "U-Net channels of the first level (doubled per level)")
	private int base_channels = 16;

	@Parameter(label = "Depth", min = "1", max = "6", description = "U-Net poolings")
	private int depth = 3;

	@Parameter(label = "Batch norm", description = "Batch normalisation after every convolution")
	private boolean batch_norm = true;

	@Parameter(label = "Normalization", choices = { "zscore", "percentile" },
		description = "Per-image intensity normalisation (recorded in the model)")
	private String normalization = "zscore";

	@Parameter(label = "Validation fraction", min = "0", max = "0.9",
		description = "Fraction of tiles (or slices) held out for validation when no validation image is given")
	private double validation_fraction = 0.2;

	@Parameter(label = "Early stopping", min = "0", max = "1000000",
		description = "Stop after this many validations without a better Dice (0 = never)")
	private int early_stopping = 0;

	@Parameter(label = "Seed", description = "Random seed (weights, patches, augmentation, validation split)")
	private long seed = 42;

	@Parameter(label = "Model folder", style = "save", persist = false,
		description = "Where the trained model is written (a new folder, or a .zip file)")
	private File model;

	@Parameter(type = ItemIO.OUTPUT, label = "Training curve")
	private ResultsTable curve;

	@Parameter(type = ItemIO.OUTPUT, label = "Validation metrics")
	private ResultsTable validation;

	@Override
	protected void execute() {
		Check.present(image, "image");
		Check.present(label, "label");
		Check.present(model, "model");
		ModelFiles.checkTarget(model.toPath(), "model");
		final String lt = Check.choice(loss_type, "loss_type", "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE");
		final String opt = Check.choice(optimizer, "optimizer", "Adam", "SGD");
		final String sch = Check.choice(schedule, "schedule", "constant", "step", "multistep", "plateau");
		final String norm = Check.choice(normalization, "normalization", "zscore", "percentile");
		if ((validation_image == null) != (validation_label == null)) throw new NoisyLabelsException(
			"give both validation_image and validation_label, or neither");
		final LossParams lp = new LossParams(q, gamma, epsilon).validate();

		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = depth;
		cfg.network.baseChannels = base_channels;
		cfg.network.batchNorm = batch_norm;
		cfg.optimizer.type = Optimizer.Type.parse(opt);
		cfg.optimizer.momentum = momentum;
		cfg.optimizer.weightDecay = weight_decay;
		cfg.learningRate = learning_rate;
		cfg.schedule = Schedule.Type.parse(sch);
		cfg.lrGamma = lr_gamma;
		cfg.lrStep = lr_step;
		cfg.lrMilestones = Schedule.parseMilestones(lr_milestones);
		cfg.iterations = iterations;
		cfg.epochs = epochs;
		cfg.batchSize = batch_size;
		cfg.patchSize = patch_size;
		cfg.validationFraction = validation_image != null ? 0 : validation_fraction;
		cfg.earlyStopping = early_stopping;
		cfg.seed = seed;
		cfg.model = model.toPath();
		cfg.validate();

		final Normalization n = Normalization.parse(norm);
		final TrainingData data = TrainingData.fromImages(image, label, ignore_mask, null, n, 0, "image", "label");
		final TrainingData val = validation_image == null ? null : TrainingData.fromImages(validation_image,
			validation_label, null, null, n, data.classes(), "validation_image", "validation_label");
		final Supervised method = new Supervised(LossType.parse(lt), lp);
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Collections.singletonList(data), val, progress(),
			log::info))
		{
			curve = out.curve;
			validation = out.validation != null ? out.validation : new ResultsTable();
		}
		show(curve, "Training curve");
		show(validation, "Validation metrics");
		if (hasUI()) plot(curve);
	}

	private static void plot(final ResultsTable t) {
		final List<Double> it = new ArrayList<>(), loss = new ArrayList<>(), dice = new ArrayList<>();
		for (int r = 0; r < t.size(); r++) {
			it.add(t.getValue("iteration", r));
			loss.add(t.getValue("loss", r));
			dice.add(t.getValue("validation_dice", r));
		}
		final ij.gui.Plot plot = new ij.gui.Plot("Training curve", "iteration", "loss / validation Dice");
		plot.setColor(java.awt.Color.BLUE);
		plot.addPoints(toArray(it), toArray(loss), ij.gui.Plot.LINE);
		plot.setColor(java.awt.Color.RED);
		plot.addPoints(toArray(it), toArray(dice), ij.gui.Plot.LINE);
		plot.setLegend("loss\tvalidation Dice", ij.gui.Plot.AUTO_POSITION);
		plot.setLimitsToFit(true);
		plot.show();
	}

	private static double[] toArray(final List<Double> l) {
		final double[] a = new double[l.size()];
		for (int i = 0; i < a.length; i++) a[i] = l.get(i);
		return a;
	}
}
