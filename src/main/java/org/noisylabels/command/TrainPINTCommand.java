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

	@Parameter(type = ItemIO.OUTPUT, label = "Pixel uncertainty",
		description = "32-bit entropy (nats) of the teacher's mean prediction on every training image: high = the label is distrusted")
	private ImagePlus uncertainty;

	@Parameter(type = ItemIO.OUTPUT, label = "Uncertainty per image")
	private ResultsTable uncertainty_table;

	public TrainPINTCommand() {
		early_stopping = 3; // the image phase is early-stopped (paper); it counts only in the last phase
	}

	@Override
	protected String boundMethod() {
		return "pint"; // PINT's keys are the @Parameter fields of PINT.Params
	}

	@Override
	protected void execute() {
		final TrainingConfig cfg = config();
		final PINT method = ((PINT) method(pluginService)).setLog(log::info);
		final PINT.Params p = method.params();
		p.seed = seed;
		p.validate();
		PINT.configure(cfg, p);
		cfg.validate();

		final Normalization n = normalizationObject();
		final TrainingData data = trainingData(n);
		final TrainingData val = validationData(n, data);
		// 3D: the images of the image phase are volume patches, so count the volumes
		final String warning = PINT.singleImageWarning(p.mode, cfg.dimensions == 3 ? org.noisylabels.train.Volumes.of(data
			.samples()).size() : data.size());
		if (warning != null) log.warn(warning);
		// every training image is mapped, also those the trainer holds out for validation
		final List<Sample> all = new ArrayList<>(data.samples());
		final List<float[]> weights = new ArrayList<>();
		for (final Sample s : all) weights.add(s.weights());
		log.info(String.format(Locale.ROOT, "PINT: %d iterations, rough estimate %s before measuring (%.0f ms per iteration)",
			p.totalIterations(), PINT.duration(p.totalIterations() * PINT.estimatedStepMillis(cfg.batchSize, Math.min(
				cfg.patchSize, maxSide(all)), cfg.network.baseChannels, p.m) / 1000), PINT.estimatedStepMillis(cfg.batchSize,
					Math.min(cfg.patchSize, maxSide(all)), cfg.network.baseChannels, p.m)));
		final UncertaintyMaps.Maps maps;
		try (Trainer.Outcome out = Trainer.run(cfg, method, Collections.singletonList(data), val, progress(),
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
