package org.noisylabels.method;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.train.Sample;
import org.noisylabels.train.SamplePredictor;
import org.noisylabels.train.Stages;
import org.noisylabels.train.StepGraph;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import ij.measure.ResultsTable;

/**
 * CLSLSR (Zhang et al., MICCAI 2020): confident learning with spatial label smoothing regularisation, as
 * in PyMIC's {@code nll_clslsr.py} and seg_nll examples. Three stages on the shared trainer:
 * <ol>
 * <li>a baseline trained with CE on the noisy labels ({@link Supervised}, {@code stage1_iterations});</li>
 * <li>every training image predicted by the baseline, and the probably wrong pixels flagged by
 * {@link ConfidentLearning} (cleanlab's prune_method 'both', then argmax = label unflagged);</li>
 * <li>a new network trained from scratch with SLSR (ε = {@code slsr_epsilon}) smoothing the labels of the
 * flagged pixels only ({@code new Supervised(LossType.SLSR, params).withFlags(true)}); its model is the one
 * written, and Apply Model uses it like any other.</li>
 * </ol>
 * As a {@link NoisyLabelMethod} this class is stage 3 (its loss is that SLSR, its per-pixel input the flags,
 * its name "clslsr" in model.json); {@link #trainInStages} runs all three stages on the trainer's stages
 * hook, so the generic Train entry could run it too; its command adds the flagged maps as outputs. The keys are the public
 * {@link Parameter} fields below (snake_case name = key, initial value = default); {@link #validate()}
 * checks them.
 */
@Plugin(type = NoisyLabelMethod.class, name = CLSLSR.NAME, label = "CLSLSR", visible = false)
public class CLSLSR extends AbstractNoisyLabelMethod {

	public static final String NAME = "clslsr";

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", stepSize = "0.01", persist = false,
		description = "Label smoothing of the flagged pixels in stage 3: their one-hot label y becomes eps + (1 - 2 eps) y (binary; (1 - eps) y + eps (1 - y)/(C - 1) for C classes)")
	public double slsr_epsilon = 0.25;

	@Parameter(label = "Stage 1 iterations", min = "0", max = "10000000", persist = false,
		description = "Iterations of the CE baseline whose predictions find the wrong labels (stage 1); 0 = as many as iterations (stage 3)")
	public int stage1_iterations = 0;

	/** Pixels flagged in stage 2 (recorded in the model), or -1 before. */
	private long flaggedPixels = -1;
	/** Where stage 1's CE baseline is written, or null (not a key: for benchmarks and scripts). */
	private java.nio.file.Path baselineModel;

	/** Also writes stage 1's CE baseline model to {@code folder} (null = not written, the default). */
	public CLSLSR saveBaselineTo(final java.nio.file.Path folder) {
		this.baselineModel = folder;
		return this;
	}

	@Override
	public String methodName() {
		return NAME;
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> m = super.parameters(); // the declared keys
		if (flaggedPixels >= 0) m.put("flagged_pixels", flaggedPixels);
		return m;
	}

	/** Stage 3's method: SLSR on the flagged pixels. */
	private Supervised stage3() {
		return new Supervised(LossType.SLSR, new LossParams(0.5, 1.5, slsr_epsilon).validate()).withFlags(true);
	}

	@Override
	public List<String> pixelInputs() {
		return stage3().pixelInputs();
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph graph) {
		return stage3().buildLoss(graph);
	}

	/** What the three stages give besides the model. */
	public static final class Result {

		/** Stage 3's curve and validation metrics (as every Train command's). */
		public ResultsTable curve, validation;
		/** Stage 1's curve. */
		public ResultsTable baselineCurve;
		/** Stage 2: the flagged pixels, per image and class, the noise matrix. */
		public LabelErrors.Outputs labelErrors;
	}

	/**
	 * Runs the three stages (through {@link Trainer#run}, as every Train command does) and returns what they
	 * give besides the model. {@code cfg} is stage 3's configuration (its model is written); stage 1 uses a
	 * copy with {@code stage1_iterations} and writes no model. {@code validation} may be null (then the
	 * trainer holds out the same part of the data in both trainings). {@code title} names the flagged stack.
	 */
	public Result train(final TrainingConfig cfg, final TrainingData data, final TrainingData validation,
		final String title, final Progress progress, final Consumer<String> log)
	{
		this.title = title;
		try (Trainer.Outcome out = Trainer.run(cfg, this, Collections.singletonList(data), validation, progress, log)) {
			return result;
		}
	}

	/** What the last {@link #trainInStages} gave besides the model, or null. */
	public Result result() {
		return result;
	}

	/** The title of the flagged stack (default "flagged"). */
	public CLSLSR title(final String t) {
		this.title = t;
		return this;
	}

	private String title = "flagged";
	private Result result;

	/** The three stages on the shared trainer (the trainer's stages hook). */
	@Override
	public Trainer.Outcome trainInStages(final Stages stages) {
		validate();
		final TrainingConfig cfg = stages.config();
		cfg.validate();
		if (cfg.resume != null) throw new NoisyLabelsException(
			"resume: CLSLSR cannot continue an interrupted run yet (it trains twice): start it again without resume");
		final TrainingData data = stages.streams().get(0);
		final TrainingConfig first = stages.stageConfig();
		first.model = baselineModel;
		if (stage1_iterations > 0) {
			first.iterations = stage1_iterations;
			first.epochs = 0;
		}
		// every training image is checked in stage 2, also the parts the trainer holds out for validation
		final List<Sample> all = new ArrayList<>(data.samples());
		final List<float[]> weights = new ArrayList<>();
		for (final Sample s : all) weights.add(s.weights());
		final Result res = new Result();
		try (Trainer.Outcome out = stages.train("CLSLSR stage 1/3 (CE baseline on the noisy labels)", new Supervised(
			LossType.CE, new LossParams()), first, Collections.singletonList(data), 0, 0.45))
		{
			res.baselineCurve = out.curve;
			stages.log().accept("CLSLSR stage 2/3: confident learning on the baseline's predictions of " + all.size() +
				" image" + (all.size() == 1 ? "" : "s"));
			// a 3D baseline predicts each training volume in 3D (once), 2D each image
			final SamplePredictor predictor = new SamplePredictor(out.predictor(), all);
			res.labelErrors = LabelErrors.find(all, weights, data.classes(), predictor::predict, title, stages.progress(
				"CLSLSR stage 2/3 (confident learning): ", 0.45, 0.5));
		}
		final ConfidentLearning.Result r = res.labelErrors.result;
		flaggedPixels = r.total;
		stages.log().accept(String.format(Locale.ROOT,
			"CLSLSR: %d of %d labelled pixels flagged (%.2f %%; by class %d, by noise rate %d, both %d before the argmax check)",
			r.total, r.pixels(), 100.0 * r.total / Math.max(1, r.pixels()), r.byClass, r.byNoiseRate, r.both));
		// stage 3: all images again with their own weights, the flags as SLSR's per-pixel input
		for (int i = 0; i < all.size(); i++) all.get(i).setWeights(weights.get(i));
		LabelErrors.setFlags(all, r);
		final TrainingData again = new TrainingData(all, data.classes(), data.normalization(), data.sourceNames());
		final Trainer.Outcome out = stages.train("CLSLSR stage 3/3 (SLSR, epsilon " + slsr_epsilon +
			", on the flagged pixels, from scratch)", this, cfg, Collections.singletonList(again), 0.5, 1);
		res.curve = out.curve;
		res.validation = out.validation;
		result = res;
		return out;
	}
}
