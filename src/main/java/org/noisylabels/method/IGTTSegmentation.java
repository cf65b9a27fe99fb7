package org.noisylabels.method;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.Masks;
import org.noisylabels.method.igtt.LabelState;
import org.noisylabels.method.igtt.Pixels;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.train.ModelFiles;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Sample;
import org.noisylabels.train.Schedule;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * A whole iGTT run on images without labels: builds the training data (per-image z-score, labels all
 * black), trains {@link IGTT} with the shared {@link Trainer}, and returns the probability map, the mask
 * (polarity decided), the pseudo-label history and, with a ground truth, the metrics of every epoch.
 * <p>
 * An epoch (the training between two label refreshes) is {@code stepsPerEpoch} steps on random patches of
 * {@code patchSize} (default 128, at most the image size); automatic (0): as many batches as cover all
 * images once, at least {@link #MIN_AUTO_STEPS_PER_EPOCH} (8 images of 256×256 with batch 2 = 16 steps).
 * The learning rate drops ×{@code lrGamma} every {@code lrStep} epochs. Cancelling keeps the result of the
 * last finished epoch (the outputs, and the model when one is written); cancelling before the first epoch
 * ends produces nothing.
 */
public final class IGTTSegmentation {

	/** Memory for the recorded label history (pseudo labels + candidates); beyond it every n-th epoch is kept. */
	public static final long HISTORY_BUDGET_BYTES = 256L << 20;

	/**
	 * The suite's defaults where they differ from the reference (100 epochs, lr 0.05, a full-size U-Net): 50
	 * epochs, lr 0.01 and 8 base channels finish 8 images of 256×256 in about 2 minutes on 2 CPU cores,
	 * and lr 0.05 with our few steps per epoch (8 images, not hundreds) makes the labels oscillate; see the
	 * README and bench/results/IGTTExperiment.txt.
	 */
	public static final int DEFAULT_EPOCHS = 50, DEFAULT_BASE_CHANNELS = 8, DEFAULT_PATCH_SIZE = 128;
	public static final double DEFAULT_LEARNING_RATE = 0.01;
	/**
	 * The fewest training steps between two label refreshes when {@code steps_per_epoch} is automatic: 8,
	 * what one pass over the bundled 512×512 nuclei image takes (batch 2 of 128×128), where iGTT matches
	 * Otsu. One small image alone would otherwise get 1–2 steps per refresh and 50–100 steps in all. More
	 * is not better in general: 16 steps per refresh on that nuclei image gave Dice 0.67 ± 0.11 instead of
	 * 0.83 ± 0.03 (bench/results/IGTTExperiment-steps.txt).
	 */
	public static final int MIN_AUTO_STEPS_PER_EPOCH = 8;
	/**
	 * Default gradient clipping (global norm): off, as in the reference. Measured on the synthetic filaments
	 * (3 seeds), the gradient norm is 0.1–10 in ordinary steps and 30–2400 in the first step on the first
	 * pseudo-labels, where DMI's 1/det factor explodes; such a step can collapse the labels or (about 1 run
	 * in 5 on the filaments) end in NaN. Clipping at 10 removes those steps, but in 3 seeds it did not raise
	 * the Dice (filaments 0.39 ± 0.11 vs 0.39 ± 0.16, tubes 0.30 ± 0.06 vs 0.49 ± 0.27;
	 * bench/results/IGTTExperiment-clip.txt), so it is offered as {@code clip_norm}, not imposed.
	 */
	public static final double DEFAULT_CLIP_NORM = 0;

	/** Settings of a run; the defaults are the command's defaults. */
	public static final class Settings {

		/** The method's parameters (k, EMS, r, p, seed, bright objects). */
		public IGTT.Params params = new IGTT.Params();
		public int epochs = DEFAULT_EPOCHS;
		public double learningRate = DEFAULT_LEARNING_RATE;
		public double momentum = 0.9;
		public double weightDecay = 1e-3;
		/** Gradient norm clipping (0 = off); see {@link org.noisylabels.train.Optimizer.Config#clipNorm}. */
		public double clipNorm = DEFAULT_CLIP_NORM;
		/** Epochs between learning-rate drops (×{@link #lrGamma}); 0 = constant learning rate. */
		public int lrStep = 20;
		public double lrGamma = 0.1;
		public int baseChannels = DEFAULT_BASE_CHANNELS;
		public int depth = 3;
		public int batchSize = 2;
		public int patchSize = DEFAULT_PATCH_SIZE;
		/** Training steps between label refreshes; 0 = auto ({@link #autoStepsPerEpoch}). */
		public int stepsPerEpoch = 0;
		/** Dropout after the encoder levels (null = none). */
		public double[] dropout;
		public boolean flip = true;
		/** The model folder (or .zip) to write, or null. */
		public Path model;
		/** Bytes allowed for the label history (0 = keep no history). */
		public long historyBudget = HISTORY_BUDGET_BYTES;

		public Settings validate() {
			params.validate();
			Check.range(epochs, 1, 100_000, "epochs");
			Check.range(learningRate, 1e-9, 10, "learning_rate");
			Check.range(momentum, 0, 0.9999, "momentum");
			Check.range(weightDecay, 0, 1, "weight_decay");
			Check.range(lrStep, 0, 100_000, "lr_step");
			Check.range(lrGamma, 1e-6, 1, "lr_gamma");
			Check.range(baseChannels, 1, 256, "base_channels");
			Check.range(depth, 1, 6, "depth");
			Check.range(batchSize, 1, 1024, "batch_size");
			Check.range(patchSize, 16, 4096, "patch_size");
			Check.range(stepsPerEpoch, 0, 1_000_000, "steps_per_epoch");
			return this;
		}
	}

	/** The outputs of a run. */
	public static final class Result {

		/** 32-bit foreground probability (polarity-corrected), one slice per input slice. */
		public ImagePlus probability;
		/** 0/255 mask. */
		public ImagePlus mask;
		/** The pseudo labels trained on after each recorded epoch (a hyperstack: slices × recorded epochs). */
		public ImagePlus pseudoLabels;
		/** The DMI-chosen candidate masks of the recorded epochs (same layout). */
		public ImagePlus candidates;
		/** With a ground truth: one row per epoch; else null. */
		public ResultsTable metrics;
		/** The trainer's curve (loss per validation interval). */
		public ResultsTable curve;
		/** Epochs finished; the outputs are from the last of them. */
		public int epochs;
		/** Every how many epochs the history was recorded. */
		public int historyInterval;
		public boolean canceled;
		/**
		 * Null, or why the outputs are probably useless: the last pseudo-labels were all empty (the label loop
		 * collapsed), with what to try instead.
		 */
		public String warning;
		/** The polarity decision, in words. */
		public String polarity;
		public double seconds;
	}

	private IGTTSegmentation() {}

	/**
	 * Runs iGTT on every slice of {@code image}. {@code groundTruth} (same size, binary) is optional and
	 * only scores the epochs.
	 */
	public static Result run(final ImagePlus image, final ImagePlus groundTruth, final Settings settings,
		final Progress progress, final Consumer<String> log)
	{
		Check.present(image, "image");
		Masks.requireGray(image, "image");
		if (image.getNChannels() > 1) throw new NoisyLabelsException("image has " + image.getNChannels() +
			" channels: iGTT takes one channel; split the channels first");
		Masks.requireNoNaN(image, "image");
		settings.validate();
		if (settings.model != null) ModelFiles.checkTarget(settings.model, "model");
		byte[][] gt = null;
		if (groundTruth != null) {
			Masks.requireSameSize(image, "image", groundTruth, "ground_truth");
			final ImagePlus g = Masks.binary(groundTruth, "ground_truth");
			gt = new byte[g.getStackSize()][];
			for (int z = 0; z < gt.length; z++)
				gt[z] = (byte[]) g.getStack().getProcessor(z + 1).convertToByteProcessor(false).getPixels();
		}
		final int w = image.getWidth(), h = image.getHeight(), d = image.getStackSize();
		for (int z = 1; z <= d; z++) {
			final ImageProcessor ip = image.getStack().getProcessor(z);
			final float v0 = ip.getf(0);
			boolean flat = true;
			for (int i = 1; i < ip.getPixelCount() && flat; i++)
				flat = ip.getf(i) == v0;
			if (flat) throw new NoisyLabelsException("image slice " + z +
				" is flat (every pixel " + v0 + "): there is nothing to segment; remove the slice");
		}
		// training data: z-scored slices, the first labels (all black, or first_labels=otsu) as 0/1 classes
		final Normalization norm = Normalization.zscore();
		final List<Sample> samples = new ArrayList<>();
		final String base = Masks.stripExtension(image.getTitle());
		final byte[][] first = IGTT.firstLabels(image, settings.params);
		for (int z = 1; z <= d; z++) {
			final byte[] classes = new byte[w * h];
			for (int i = 0; i < classes.length; i++)
				if (first[z - 1][i] != 0) classes[i] = 1;
			samples.add(new Sample(d > 1 ? base + ":" + z : base, w, h, norm.apply(image.getStack().getProcessor(z)),
				classes, null));
		}
		final TrainingData data = new TrainingData(samples, 2, norm, Collections.singletonList(image.getTitle()));

		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = settings.depth;
		cfg.network.baseChannels = settings.baseChannels;
		cfg.network.batchNorm = true;
		final double[] noDropout = new double[settings.depth + 1];
		cfg.network.encoderDropout = settings.dropout != null ? settings.dropout.clone() : noDropout;
		cfg.sigmoid = true;
		cfg.optimizer.type = Optimizer.Type.SGD;
		cfg.optimizer.momentum = settings.momentum;
		cfg.optimizer.weightDecay = settings.weightDecay;
		cfg.optimizer.clipNorm = settings.clipNorm;
		cfg.learningRate = settings.learningRate;
		final int multiple = 1 << settings.depth;
		final int patch = Math.max(multiple, Math.min(settings.patchSize / multiple * multiple, roundUp(Math.max(w, h),
			multiple)));
		final long pixels = (long) w * h * d;
		final int stepsPerEpoch = settings.stepsPerEpoch > 0 ? settings.stepsPerEpoch
			: autoStepsPerEpoch(pixels, settings.batchSize, patch);
		cfg.stepsPerEpoch = stepsPerEpoch;
		cfg.epochs = settings.epochs;
		cfg.batchSize = settings.batchSize;
		cfg.patchSize = patch;
		cfg.flip = settings.flip;
		cfg.rotate = settings.flip;
		if (settings.lrStep > 0) {
			cfg.schedule = Schedule.Type.STEP;
			cfg.lrStep = (int) Math.min(Integer.MAX_VALUE, (long) settings.lrStep * stepsPerEpoch);
			cfg.lrGamma = settings.lrGamma;
		}
		else cfg.schedule = Schedule.Type.CONSTANT;
		cfg.validationFraction = 0;
		// a checkpoint after every epoch when a model is written (cancel keeps the last finished epoch)
		cfg.validationInterval = settings.model != null ? stepsPerEpoch : 10_000_000;
		cfg.seed = settings.params.seed;
		cfg.model = settings.model;
		cfg.tileSize = Math.max(512, patch);
		cfg.validate();

		// history: labels + candidates of every recorded epoch
		final long perEpoch = 2L * pixels;
		int interval = 0;
		if (settings.historyBudget > 0) {
			interval = (int) Math.max(1, Math.ceil((double) perEpoch * settings.epochs / settings.historyBudget));
			if (interval > 1) log.accept("pseudo_labels: " + settings.epochs + " epochs of " + d + " slices need " + mb(
				perEpoch * settings.epochs) + " MB; keeping every " + interval + "-th epoch (and the last)");
		}
		final IGTT method = new IGTT(settings.params).setHistory(settings.epochs, interval);
		final Result result = new Result();
		result.historyInterval = interval;
		final ResultsTable metrics = gt == null ? null : new ResultsTable();
		final byte[][] gtf = gt;
		final Calibration cal = image.getCalibration();
		if (gt != null) {
			method.setListener(r -> addMetrics(metrics, r, gtf, w, h, cal));
		}
		log.accept("iGTT: " + d + " image(s) of " + w + "x" + h + ", " + settings.params + ", " + settings.epochs +
			" epochs of " + stepsPerEpoch + " steps (batch " + settings.batchSize + " of " + patch + "x" + patch +
			"), SGD lr " + Check.fmt(settings.learningRate) + (settings.lrStep > 0 ? " x" + Check.fmt(settings.lrGamma) +
				" every " + settings.lrStep + " epochs" : "") + ", momentum " + Check.fmt(settings.momentum) +
			", weight decay " + Check.fmt(settings.weightDecay));
		final long t0 = System.nanoTime();
		boolean canceled = false;
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Collections.singletonList(data), null, progress, log)) {
			result.curve = out.curve;
		}
		catch (final Progress.CanceledException e) {
			if (method.lastEpoch() == null) throw e;
			canceled = true;
		}
		result.seconds = (System.nanoTime() - t0) / 1e9;
		final IGTT.EpochResult last = method.lastEpoch();
		result.canceled = canceled;
		result.epochs = last.epoch + 1;
		if (canceled) log.accept("canceled: the outputs are from epoch " + result.epochs +
			", the last finished epoch" + (settings.model != null ? " (so is the model)" : ""));
		final int empty = method.emptyLabelsSince();
		if (empty >= 0) {
			result.warning = "the pseudo-labels have been empty since epoch " + (empty + 1) + " of " + result.epochs +
				": the label loop collapsed and the network learnt a blank answer, so the mask is not a segmentation;" +
				" run again with another seed or a lower learning_rate";
		}
		result.polarity = last.output.polarity.reason;
		log.accept("polarity: " + result.polarity);
		final ImageStack ps = new ImageStack(w, h), ms = new ImageStack(w, h);
		for (int z = 0; z < d; z++) {
			final String label = image.getStack().getSliceLabel(z + 1);
			ps.addSlice(label, new FloatProcessor(w, h, last.output.probabilities[z]));
			ms.addSlice(label, new ByteProcessor(w, h, last.output.masks[z]));
		}
		result.probability = new ImagePlus(base + "-igtt-probability", ps);
		result.mask = new ImagePlus(base + "-igtt-mask", ms);
		result.probability.setCalibration(cal.copy());
		result.probability.getCalibration().disableDensityCalibration();
		result.probability.setDisplayRange(0, 1);
		result.mask.setCalibration(result.probability.getCalibration().copy());
		final LabelState st = method.labelState();
		if (interval > 0 && st.recordedEpochs() > 0) {
			result.pseudoLabels = history(st, false, base + "-igtt-pseudo-labels", w, h, d, cal);
			result.candidates = history(st, true, base + "-igtt-candidates", w, h, d, cal);
		}
		result.metrics = metrics;
		return result;
	}

	private static ImagePlus history(final LabelState st, final boolean candidates, final String title, final int w,
		final int h, final int d, final Calibration cal)
	{
		final ImageStack s = st.historyStack(candidates);
		final ImagePlus imp = new ImagePlus(title, s);
		final int e = st.recordedEpochs();
		// slice labels with 1-based epochs
		for (int k = 0; k < e; k++)
			for (int z = 0; z < d; z++)
				s.setSliceLabel("epoch " + (st.recordedEpoch(k) + 1) + (d > 1 ? ", slice " + (z + 1) : ""), k * d + z + 1);
		imp.setDimensions(1, d, e);
		if (d > 1 && e > 1) imp.setOpenAsHyperStack(true);
		imp.setCalibration(cal.copy());
		imp.getCalibration().disableDensityCalibration();
		return imp;
	}

	/** One row per epoch: the mean over slices of every metric of the epoch's output. */
	static void addMetrics(final ResultsTable t, final IGTT.EpochResult r, final byte[][] gt, final int w, final int h,
		final Calibration cal)
	{
		final int d = gt.length;
		final double[] sum = new double[SegmentationMetrics.COLUMNS.length];
		final int[] count = new int[sum.length];
		for (int z = 0; z < d; z++) {
			final SegmentationMetrics.Scores s = SegmentationMetrics.score(new byte[][] { r.output.masks[z] },
				new byte[][] { gt[z] }, new float[][] { r.output.probabilities[z] }, w, h, cal.pixelWidth, cal.pixelHeight,
				cal.pixelDepth);
			final double[] v = { s.dice, s.iou, s.accuracy, s.assd, s.asd, s.hd95, s.auc };
			for (int c = 0; c < v.length; c++) {
				if (Double.isNaN(v[c])) continue;
				sum[c] += v[c];
				count[c]++;
			}
		}
		t.incrementCounter();
		t.addValue("epoch", r.epoch + 1);
		for (int c = 0; c < sum.length; c++)
			t.addValue(SegmentationMetrics.COLUMNS[c], count[c] == 0 ? Double.NaN : sum[c] / count[c]);
		t.addValue("loss", r.loss);
		t.addValue("inverted", r.output.polarity.inverted ? 1 : 0);
		t.addValue("foreground_percent", 100 * (r.output.polarity.inverted ? 1 - r.output.polarity.foregroundFraction
			: r.output.polarity.foregroundFraction));
		// how good the pseudo labels' source is: Dice of the chosen candidates, made the minority phase
		final byte[][] candidates = new byte[d][];
		for (int z = 0; z < d; z++) {
			final byte[] c = r.updates[z].selection.mask;
			candidates[z] = Pixels.isMajorityForeground(c) ? Pixels.invert(c) : c;
		}
		t.addValue("candidate_dice", SegmentationMetrics.overlap(candidates, gt)[0]);
	}

	/**
	 * The images of a folder (.tif/.tiff/.png, sorted by name; stacks count slice by slice) as one stack;
	 * all must have the same width and height.
	 */
	public static ImagePlus openFolder(final File folder, final String key) {
		if (folder == null || !folder.isDirectory()) throw new NoisyLabelsException(key + " " + folder +
			" is not a folder: give a folder of images");
		final File[] files = ImageFiles.imagesIn(folder);
		if (files == null || files.length == 0) throw new NoisyLabelsException(key + " " + folder +
			" holds no .tif/.png image: give a folder of images");
		ImageStack st = null;
		Calibration cal = null;
		for (final File f : files) {
			final ImagePlus imp = ImageFiles.open(f, key);
			Masks.requireGray(imp, key + " image " + f.getName());
			if (imp.getNChannels() > 1) throw new NoisyLabelsException(key + " image " + f.getName() + " has " + imp
				.getNChannels() + " channels: iGTT takes one channel; split the channels first");
			if (st == null) {
				st = new ImageStack(imp.getWidth(), imp.getHeight());
				cal = imp.getCalibration().copy();
			}
			else if (imp.getWidth() != st.getWidth() || imp.getHeight() != st.getHeight()) {
				throw new NoisyLabelsException(key + " image " + f.getName() + " is " + imp.getWidth() + "x" + imp
					.getHeight() + " but " + files[0].getName() + " is " + st.getWidth() + "x" + st.getHeight() +
					": put images of one size in the folder");
			}
			final String name = Masks.stripExtension(f.getName());
			for (int z = 1; z <= imp.getStackSize(); z++)
				st.addSlice(imp.getStackSize() > 1 ? name + ":" + z : name, imp.getStack().getProcessor(z)
					.convertToFloatProcessor());
		}
		final ImagePlus out = new ImagePlus(folder.getName(), st);
		out.setCalibration(cal);
		return out;
	}

	/**
	 * Automatic steps per epoch: the trainer's own ({@link Trainer#stepsToCover}: every training pixel
	 * once), at least {@link #MIN_AUTO_STEPS_PER_EPOCH} and at most the 1,000,000 that the settings allow.
	 */
	public static int autoStepsPerEpoch(final long pixels, final int batch, final int patch) {
		return Math.min(1_000_000, Math.max(MIN_AUTO_STEPS_PER_EPOCH, Trainer.stepsToCover(pixels, batch, patch)));
	}

	private static int roundUp(final int v, final int m) {
		return (v + m - 1) / m * m;
	}

	private static long mb(final long bytes) {
		return (bytes + (1 << 20) - 1) >> 20;
	}
}
