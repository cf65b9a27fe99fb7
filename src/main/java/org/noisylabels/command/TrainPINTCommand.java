package org.noisylabels.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.noisylabels.io.Masks;
import org.noisylabels.method.PINT;
import org.noisylabels.method.pint.UncertaintyMaps;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Sample;
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
 * PINT (MICCAI 2021): trains a U-Net on noisy labels with an EMA teacher whose uncertainty over M
 * perturbed passes decides, per pixel (PNT) and per image (INT), how much the label is trusted; writes
 * the model, the pixel uncertainty map of the training images and its per-image table. The data, network
 * and validation keys are {@link TrainCommand}'s; early_stopping counts only in the last phase.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Train>PINT")
public class TrainPINTCommand extends TrainCommand {

	@Parameter(label = "Mode", choices = { "PINT", "PNT", "INT" },
		description = "PINT: pixel phase then image phase; PNT: pixel-wise noise-tolerant loss only; INT: image-level only", persist = false)
	private String mode = "PINT";

	@Parameter(label = "EMA decay", min = "0", max = "0.9999", stepSize = "0.001",
		description = "Teacher = exponential moving average of the student with this decay (warm-up min(1 - 1/(step+1), decay))", persist = false)
	private double ema_decay = 0.99;

	@Parameter(label = "Perturbations (M)", min = "1", max = "32",
		description = "Perturbed stochastic teacher passes per step; their mean is the pseudo label, its entropy the uncertainty", persist = false)
	private int m = 4;

	@Parameter(label = "Noise std", min = "0", max = "10", stepSize = "0.01",
		description = "Standard deviation of the Gaussian input noise (normalised intensities)", persist = false)
	private double noise_std = 0.1;

	@Parameter(label = "Noise clip", min = "0", max = "100", stepSize = "0.01",
		description = "The input noise is clipped to [-noise_clip, noise_clip]", persist = false)
	private double noise_clip = 0.2;

	@Parameter(label = "Soft pseudo labels",
		description = "Pseudo label = mean teacher probability (soft) or its one-hot argmax (hard)", persist = false)
	private boolean soft_pseudo_labels = true;

	@Parameter(label = "Pixel phase iterations", min = "0", max = "10000000",
		description = "Iterations of the pixel phase (PNT; paper 6000)", persist = false)
	private int pnt_iterations = 6000;

	@Parameter(label = "Pixel phase learning rate", min = "0.00000001", max = "10", stepSize = "0.001",
		description = "Initial learning rate of the pixel phase", persist = false)
	private double pnt_lr = 0.01;

	@Parameter(label = "Pixel phase LR step", min = "1", max = "10000000",
		description = "The pixel phase's learning rate is multiplied by pnt_lr_gamma every this many iterations", persist = false)
	private int pnt_lr_step = 2500;

	@Parameter(label = "Pixel phase LR gamma", min = "0.000001", max = "1",
		description = "Factor of the pixel phase's learning-rate steps", persist = false)
	private double pnt_lr_gamma = 0.1;

	@Parameter(label = "Image phase iterations", min = "0", max = "10000000",
		description = "Iterations of the image phase (INT; paper 2000, early-stopped on validation)", persist = false)
	private int int_iterations = 2000;

	@Parameter(label = "Image phase learning rate", min = "0.00000001", max = "10", stepSize = "0.001",
		description = "Constant (high) learning rate of the image phase", persist = false)
	private double int_lr = 0.01;

	@Parameter(label = "Warm-up iterations", min = "0", max = "10000000",
		description = "0 = the paper; else the uncertainty is ramped in over these first iterations (the loss starts as plain CE): steadier short runs", persist = false)
	private int warmup_iterations = 0;

	@Parameter(label = "Momentum", min = "0", max = "0.999", description = "SGD momentum", persist = false)
	private double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.00001", description = "L2 weight decay of SGD", persist = false)
	private double weight_decay = 1e-4;

	@Parameter(label = "Dropout", min = "0", max = "0.95", stepSize = "0.05",
		description = "Dropout after the deepest encoder stage and the first decoder stage (student and teacher)", persist = false)
	private double dropout = 0.5;

	@Parameter(type = ItemIO.OUTPUT, label = "Pixel uncertainty",
		description = "32-bit entropy (nats) of the teacher's mean prediction on every training image: high = the label is distrusted")
	private ImagePlus uncertainty;

	@Parameter(type = ItemIO.OUTPUT, label = "Uncertainty per image")
	private ResultsTable uncertainty_table;

	public TrainPINTCommand() {
		early_stopping = 3; // the image phase is early-stopped (paper); it counts only in the last phase
	}

	/** The method's parameters from the keys. */
	PINT.Params params() {
		final PINT.Params p = new PINT.Params();
		p.mode = PINT.Mode.parse(mode);
		p.emaDecay = ema_decay;
		p.m = m;
		p.noiseStd = noise_std;
		p.noiseClip = noise_clip;
		p.softPseudoLabels = soft_pseudo_labels;
		p.pntIterations = pnt_iterations;
		p.pntLr = pnt_lr;
		p.pntLrStep = pnt_lr_step;
		p.pntLrGamma = pnt_lr_gamma;
		p.intIterations = int_iterations;
		p.intLr = int_lr;
		p.warmupIterations = warmup_iterations;
		p.momentum = momentum;
		p.weightDecay = weight_decay;
		p.dropout = dropout;
		p.seed = seed;
		return p.validate();
	}

	@Override
	protected void execute() {
		final TrainingConfig cfg = config();
		final PINT.Params p = params();
		PINT.configure(cfg, p);
		cfg.validate();

		final Normalization n = normalizationObject();
		final TrainingData data = trainingData(n);
		final TrainingData val = validationData(n, data);
		final String warning = PINT.singleImageWarning(p.mode, data.size());
		if (warning != null) log.warn(warning);
		// every training image is mapped, also those the trainer holds out for validation
		final List<Sample> all = new ArrayList<>(data.samples());
		final List<float[]> weights = new ArrayList<>();
		for (final Sample s : all) weights.add(s.weights());
		log.info(String.format(Locale.ROOT, "PINT: %d iterations, rough estimate %s before measuring (%.0f ms per iteration)",
			p.totalIterations(), PINT.duration(p.totalIterations() * PINT.estimatedStepMillis(cfg.batchSize, Math.min(
				cfg.patchSize, maxSide(all)), cfg.network.baseChannels, p.m) / 1000), PINT.estimatedStepMillis(cfg.batchSize,
					Math.min(cfg.patchSize, maxSide(all)), cfg.network.baseChannels, p.m)));
		final PINT method = new PINT(p).setLog(log::info);
		final UncertaintyMaps.Maps maps;
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Collections.singletonList(data), val, progress(),
			trainingLog()))
		{
			curve = out.curve;
			validation = out.validation;
			final String title = img != null ? Masks.stripExtension(img.getTitle()) + "-uncertainty" : "uncertainty";
			maps = method.uncertaintyMaps(out.session(), all, weights, cfg.tileSize, title, progress());
		}
		uncertainty = maps.uncertainty;
		if (img != null) uncertainty.setCalibration(img.getCalibration().copy());
		uncertainty_table = maps.table;
		showResults();
		show(uncertainty_table, "Uncertainty per image");
	}

	private static int maxSide(final List<Sample> samples) {
		int m = 0;
		for (final Sample s : samples) m = Math.max(m, Math.max(s.width, s.height));
		return m;
	}
}
