package org.noisylabels.method;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.loss.JavaLosses;
import org.noisylabels.loss.Losses;
import org.noisylabels.method.pint.NoiseTolerantLoss;
import org.noisylabels.method.pint.Perturbation;
import org.noisylabels.method.pint.Uncertainty;
import org.noisylabels.method.pint.UncertaintyMaps;
import org.noisylabels.train.Ema;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Sample;
import org.noisylabels.train.Schedule;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.StepGraph;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.UNet;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;


/**
 * PINT (Shi and Wu, MICCAI 2021): pixel-wise and image-level noise-tolerant training, the phases PNT
 * and INT and the two-phase PINT (algorithms.md §3).
 * <p>
 * <b>The method in one paragraph.</b> A student network f (parameters θ) learns; a teacher with the same
 * architecture has parameters θ̃ = exponential moving average of θ ({@link Ema}, θ̃ ← γθ̃ + (1 − γ)θ after
 * every step, γ = {@link Ema#warmUpDecay(long, double)}). For every batch x the teacher sees M perturbed
 * copies x + clamp(N(0, σ²), −c, c) ({@link Perturbation}); the mean of its M softmax outputs p̂ is the pseudo
 * label ŷ (soft = p̂, or hard = one-hot(argmax p̂)) and the entropy u = −Σ_c p̂ log(p̂ + 1e-6) (nats) is the
 * pixel uncertainty ({@link Uncertainty}). Nothing flows back into the teacher (its outputs pass through
 * {@code stopGradient}). The student's loss against the noisy labels y:
 * <ul>
 * <li><b>PNT</b> (pixel phase, {@link NoiseTolerantLoss#pntLoss}): weighted mean over pixels of
 * exp(−u)·CE(f, y) + (1 − exp(−u))·MSE(f, ŷ): confident pixels follow the label, uncertain pixels
 * follow the teacher;</li>
 * <li><b>INT</b> (image phase, {@link NoiseTolerantLoss#intLoss}): per image i, U_i = mean of u over its non-ignored
 * pixels, L_i = exp(−U_i)·CE_i + (1 − exp(−U_i))·MSE_i with CE_i, MSE_i the image's weighted mean
 * losses; mean of L_i over the batch;</li>
 * <li><b>PINT</b>: PNT for {@code pnt_iterations} (lr 0.01 ÷10 every 2500), then INT for
 * {@code int_iterations} (lr 0.01, a short "early-stopped" phase); {@link Params#phase(long)},
 * {@link Params#learningRate(long)}.</li>
 * </ul>
 * CE uses the suite's clamped probabilities (0.999p + 5e-4, {@link Losses#pixelCE}); MSE is Σ_c (f − ŷ)²
 * ({@link Losses#pixelMSE}, the paper's ‖f − ŷ‖²).
 * <p>
 * <b>Tensors.</b> TensorFlow Java graph mode ({@link Ops}), NHWC float32: inputs [N,H,W,Cin],
 * probabilities and labels [N,H,W,C] (C ≥ 2, static), pixel weights [N,H,W,1] with 0 = ignored pixel,
 * per-pixel maps [N,H,W], per-image values [N]. The tests hold the same computations in plain Java
 * (double precision) on flattened arrays in the layout of {@link JavaLosses}.
 * <p>
 * <b>As a trainer plugin</b> ({@code @Plugin(type = NoisyLabelMethod.class, name = "pint")}; the command
 * Train &gt; PINT): one student (network 0) and the trainer's EMA teacher ({@link #emaTeacher()}). The
 * trainer copies the student into the teacher before training and, after every optimiser step, updates
 * ALL teacher variables (weights and batch-norm moving statistics) with decay {@link #emaDecay(long)} =
 * min(1 − 1/(step+1), ema_decay): optimiser step first, then the EMA update, so the teacher follows the
 * updated student. {@link #buildLoss} builds, once: the student's training-mode pass on the batch; ONE
 * teacher pass on the M perturbed copies stacked along the batch axis ({@link Perturbation#stackPerturbations}), in
 * training mode: dropout on, so the M passes are stochastic as in the paper, batch statistics of the M·N
 * copies, and its moving statistics are NOT assigned by this pass (only the EMA sets them); the teacher's
 * outputs pass through {@code stopGradient} and only the student's variables get gradients; the loss of
 * the mode (PINT: {@link NoiseTolerantLoss#phaseLoss} with the fed scalar {@link #IMAGE_PHASE}). {@link #beforeStep} sets
 * each step's learning rate ({@link Params#learningRate}), the phase scalar, and whether validations
 * without gain count towards early stopping (only in the last phase). {@link #afterStep} logs the
 * expected training time measured over the first steps. After training, {@link #uncertaintyMaps} runs the
 * same M perturbed teacher passes on whole training images (tiled, {@link UncertaintyMaps}) and gives the
 * pixel uncertainty map and its per-image table. Apply Model uses the student in inference mode (the default prediction). Set the
 * trainer's other settings with {@link #configure}.
 * <p>
 * "Images" of the image phase are the patches of the batch; each patch comes from one training image
 * (one slice of a stack, or one file of a folder), so with patch_size at least the image size they are
 * the images themselves. With a single training image the image weight can only blend CE and MSE
 * ({@link #singleImageWarning}).
 * <p>
 * This class holds the method's hooks and parameters; its graph building blocks, which also work without
 * the trainer, are in {@code org.noisylabels.method.pint}.
 */
@Plugin(type = NoisyLabelMethod.class, name = "pint", label = "PINT", visible = false)
public final class PINT extends AbstractNoisyLabelMethod {

	/** The fed scalar selecting the loss in PINT mode: 0 = pixel phase (PNT), 1 = image phase (INT). */
	public static final String IMAGE_PHASE = "image_phase";
	/** The fed scalar r of the warm-up (u' = r·u), 1 after warmup_iterations. */
	public static final String TEACHER_RAMP = "teacher_ramp";
	/** Reference cost of a supervised step (U-Net 16 channels, depth 3, batch 4, 128×128, 2 cores), ms. */
	static final double REFERENCE_STEP_MS = 66;
	/** Steps measured (after the first) for the expected-time line. */
	static final int TIMED_STEPS = 10;

	private final Params params;
	private Consumer<String> log = s -> {};
	// built by buildLoss
	private UNet.Network teacherNet, studentNet;
	private UncertaintyMaps maps;
	private Uncertainty stepUncertainty;
	// timing of the first steps
	private long timerStart;
	private boolean timed;

	/** PINT with the paper's defaults ({@link Params}). */
	public PINT() {
		this(new Params());
	}

	/** PINT with the given parameters (validated when training starts). */
	public PINT(final Params params) {
		this.params = Objects.requireNonNull(params, "params");
	}

	/** The parameters (change them before training only). */
	/** PINT's keys are the {@code @Parameter} fields of its {@link Params}. */
	@Override
	public Object keys() {
		return params;
	}

	public Params params() {
		return params;
	}

	/** Where PINT writes its lines (phase changes, expected time); the commands pass their log. */
	public PINT setLog(final Consumer<String> log) {
		this.log = log == null ? s -> {} : log;
		return this;
	}

	// ---- the NoisyLabelMethod plugin -------------------------------------------------------------

	@Override
	public String methodName() {
		return "pint";
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> m = super.parameters();
		m.putAll(params.toMap());
		return m;
	}

	@Override
	public boolean emaTeacher() {
		return true;
	}

	@Override
	public double emaDecay(final long step) {
		return Ema.warmUpDecay(step, params.ema_decay);
	}

	@Override
	public void validate() {
		params.validate();
	}

	/**
	 * The step's loss: the teacher (EMA of network 0) runs ONCE on the M perturbed copies of the batch
	 * stacked along the batch axis, in training mode (dropout on: M stochastic passes as in the paper;
	 * batch statistics of the M·N copies; its moving statistics are not assigned here, they follow the
	 * student's through the EMA); u, exp(−u) and ŷ from {@link Uncertainty#fromStacked}; the loss of the mode
	 * (PINT: {@link #phaseLoss} selected by the fed scalar {@link #IMAGE_PHASE}). The same teacher pass on
	 * a separate input builds the uncertainty map ({@link #uncertaintyMaps}).
	 */
	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		final Ops tf = g.tf();
		teacherNet = g.teacher();
		studentNet = g.network(0);
		if (teacherNet == null) throw new IllegalStateException("PINT needs the trainer's EMA teacher");
		final Operand<TFloat32> student = g.forward(0, 0).probabilities(0);
		final Operand<TFloat32> teacherProbs = teacherNet.forward(Perturbation.stackPerturbations(tf, g.image(0), params.m,
			params.noise_std, params.noise_clip, params.seed), true).probabilities(0);
		Uncertainty unc = Uncertainty.fromStacked(tf, teacherProbs, params.m, params.soft_pseudo_labels);
		if (params.warmup_iterations > 0) unc = Uncertainty.ramped(tf, unc, g.scalar(TEACHER_RAMP, 1f));
		stepUncertainty = unc;
		final Operand<TFloat32> loss;
		switch (params.mode) {
			case PNT:
				loss = NoiseTolerantLoss.pntLoss(tf, student, g.target(0), g.weight(0), unc);
				break;
			case INT:
				loss = imageLoss(g, student, unc);
				break;
			default:
				final Operand<TFloat32> pnt = NoiseTolerantLoss.pntLoss(tf, student, g.target(0), g.weight(0), unc);
				final Operand<TFloat32> intL = imageLoss(g, student, unc);
				loss = NoiseTolerantLoss.phaseLoss(tf, pnt, intL, g.scalar(IMAGE_PHASE, 0f));
		}
		// the uncertainty map of whole images after training: the same teacher passes on another input
		maps = UncertaintyMaps.build(tf, teacherNet, params.m, params.noise_std,
			params.noise_clip, params.seed);
		log.accept(describe());
		return loss;
	}

	/**
	 * The image phase's loss on stream 0; with a 3D network its "images" are the batch's volume patches
	 * (U_i, CE_i and MSE_i over all slices of patch i, {@link StepGraph#volumeRows}).
	 */
	static Operand<TFloat32> imageLoss(final StepGraph g, final Operand<TFloat32> student, final Uncertainty unc) {
		final Ops tf = g.tf();
		return NoiseTolerantLoss.intLoss(tf, g.volumeRows(student), g.volumeRows(g.target(0)), g.volumeRows(g.weight(0)),
			Uncertainty.volumeRows(tf, unc, g.slices()));
	}

	/**
	 * Sets PINT's part of the trainer's settings: dropout {@code dropout} after the deepest encoder and the
	 * first decoder stage, SGD with momentum and weight decay, the iterations of both phases (no epochs),
	 * the first phase's learning rate (each step's rate is set in {@link #beforeStep}), and a validation
	 * interval fine enough to early-stop the image phase (at most total/20, at most int_iterations/10).
	 */
	public static void configure(final TrainingConfig cfg, final Params p) {
		p.validate();
		cfg.network.encoderDropout = p.encoderDropout(cfg.network.depth);
		cfg.network.decoderDropout = p.decoderDropout(cfg.network.depth);
		cfg.optimizer.type = Optimizer.Type.SGD;
		cfg.optimizer.momentum = p.momentum;
		cfg.optimizer.weightDecay = p.weight_decay;
		cfg.learningRate = p.learningRate(0);
		cfg.schedule = Schedule.Type.CONSTANT;
		final long total = p.totalIterations();
		if (total > Integer.MAX_VALUE) throw new NoisyLabelsException("pnt_iterations + int_iterations = " + total +
			" is too large: give fewer iterations");
		cfg.iterations = (int) total;
		cfg.epochs = 0;
		long every = Math.max(1, total / 20);
		if (p.imageIterations() > 0) every = Math.min(every, Math.max(1, p.imageIterations() / 10));
		cfg.validationInterval = (int) every;
	}

	/** The schedule line logged when training starts. */
	String describe() {
		final StringBuilder b = new StringBuilder("PINT mode " + params.mode + ": ");
		if (params.pixelIterations() > 0) b.append(String.format(Locale.ROOT,
			"pixel phase (PNT) %d iterations, lr %s ×%s every %d", params.pixelIterations(), Check.fmt(params.pnt_lr), Check
				.fmt(params.pnt_lr_gamma), params.pnt_lr_step));
		if (params.pixelIterations() > 0 && params.imageIterations() > 0) b.append(", then ");
		if (params.imageIterations() > 0) b.append(String.format(Locale.ROOT, "image phase (INT) %d iterations, lr %s",
			params.imageIterations(), Check.fmt(params.int_lr)));
		if (params.warmup_iterations > 0) b.append(String.format(Locale.ROOT,
			"; the uncertainty is ramped in over the first %d iterations (starts as CE)", params.warmup_iterations));
		b.append(String.format(Locale.ROOT,
			"; EMA teacher γ %s, M = %d perturbations (σ %s, clip %s), %s pseudo labels; SGD momentum %s, weight decay %s; dropout %s",
			Check.fmt(params.ema_decay), params.m, Check.fmt(params.noise_std), Check.fmt(params.noise_clip),
			params.soft_pseudo_labels ? "soft" : "hard", Check.fmt(params.momentum), Check.fmt(params.weight_decay), Check.fmt(
				params.dropout)));
		return b.toString();
	}

	/**
	 * Before every step: the phase's learning rate ({@link Params#learningRate}), the phase selector and
	 * early stopping (it counts only in the last phase: the image phase of INT and PINT, the whole run of
	 * PNT).
	 */
	@Override
	public void beforeStep(final StepContext c) {
		final long step = c.step();
		final Phase phase = params.phase(step);
		c.setLearningRate(params.learningRate(step));
		if (params.mode == Mode.PINT) c.setScalar(IMAGE_PHASE, phase == Phase.INT ? 1 : 0);
		if (params.warmup_iterations > 0) c.setScalar(TEACHER_RAMP, params.teacherRamp(step));
		c.setEarlyStopping(params.mode == Mode.PNT || phase == Phase.INT);
		if (params.mode == Mode.PINT && step == params.pixelIterations()) log.accept(String.format(Locale.ROOT,
			"PINT: pixel phase done after %d iterations; image phase (INT) for %d iterations at lr %s", step, params
				.imageIterations(), Check.fmt(params.int_lr)));
	}

	/** Measures the first steps and logs the expected training time once. */
	@Override
	public void afterStep(final StepContext c, final double loss) {
		if (timed) return;
		final long step = c.step();
		if (step == 0) {
			timerStart = System.nanoTime(); // the first step includes TensorFlow's warm-up
			return;
		}
		final long last = Math.min(TIMED_STEPS, c.totalSteps() - 1);
		if (step >= last) {
			timed = true;
			final double ms = (System.nanoTime() - timerStart) / 1e6 / step;
			log.accept(String.format(Locale.ROOT,
				"expected training time: %s for %d iterations (%.0f ms per iteration measured over iterations 2-%d; validation extra)",
				duration(ms * c.totalSteps() / 1000), c.totalSteps(), ms, step + 1));
		}
	}

	/**
	 * A rough per-iteration time (ms) before anything runs: a supervised step of the suite's reference
	 * U-Net (66 ms on 2 cores, platform.md) scaled by pixels per step and channels², times (3 + M)/3 for the
	 * M teacher forward passes next to the student's forward and backward pass.
	 */
	public static double estimatedStepMillis(final int batch, final int patch, final int baseChannels, final int m) {
		final double pixels = (double) batch * patch * patch / (4.0 * 128 * 128);
		final double channels = (double) baseChannels * baseChannels / (16.0 * 16);
		return REFERENCE_STEP_MS * pixels * Math.max(channels, 0.05) * (3.0 + m) / 3.0;
	}

	/** "12s", "3m05s", "1h02m". */
	public static String duration(final double seconds) {
		final long s = Math.round(seconds);
		if (s < 60) return s + "s";
		if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
		return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
	}

	/** The last built step uncertainty (tests). */
	Uncertainty stepUncertainty() {
		return stepUncertainty;
	}

	/** The student network built by the trainer (tests). */
	UNet.Network studentNetwork() {
		return studentNet;
	}

	/** The teacher network built by the trainer (tests). */
	UNet.Network teacherNetwork() {
		return teacherNet;
	}

	/**
	 * After training (on the session of {@link org.noisylabels.train.Trainer.Outcome#session()}): the
	 * pixel uncertainty u of every sample and its per-image table ({@link UncertaintyMaps#compute}).
	 *
	 * @param weights the samples' pixel weights as given (null entries = all pixels count), for the table
	 */
	public UncertaintyMaps.Maps uncertaintyMaps(final Session session, final List<Sample> samples,
		final List<float[]> weights, final int tile, final String title, final Progress progress)
	{
		if (maps == null) throw new IllegalStateException("train first: the uncertainty path is built with the loss");
		return maps.compute(session, samples, weights, tile, title, progress);
	}

	/** The loss of a phase (PNT: {@link NoiseTolerantLoss#pntLoss}, INT: {@link NoiseTolerantLoss#intLoss}). */
	public static Operand<TFloat32> loss(final Ops tf, final Phase phase, final Operand<TFloat32> studentProb,
		final Operand<TFloat32> target, final Operand<TFloat32> weight, final Uncertainty unc)
	{
		return phase == Phase.INT ? NoiseTolerantLoss.intLoss(tf, studentProb, target, weight, unc)
			: NoiseTolerantLoss.pntLoss(tf, studentProb, target, weight, unc);
	}

	/**
	 * The warning for INT/PINT when the training data has a single image (null when there is nothing to
	 * warn about): the image weight exp(−U) cannot then prefer the cleaner images.
	 */
	public static String singleImageWarning(final Mode mode, final int images) {
		if (mode == Mode.PNT || images > 1) return null;
		return "mode=" + mode + " with a single training image: the image-level weight exp(-U) cannot prefer cleaner images " +
			"over noisier ones, it only blends the label's CE with the teacher's MSE for each patch; give a stack or a folder " +
			"of several images for the image phase (training goes on)";
	}

	// ---- modes and parameters ---------------------------------------------------------------------

	/** What to train: the pixel phase alone, the image phase alone, or both in sequence. */
	public enum Mode {
		PNT, INT, PINT;

		/** Parses "PNT", "INT" or "PINT" (case-insensitive). */
		public static Mode parse(final String s) {
			return valueOf(Check.choice(s, "mode", "PNT", "INT", "PINT"));
		}
	}

	/** The loss used at a given step. */
	public enum Phase {
		/** Pixel-wise noise-tolerant loss. */
		PNT,
		/** Image-level noise-tolerant loss. */
		INT
	}

	/** PINT's parameters with the paper's defaults; keys of {@link #toMap()} are the command's keys. */
	public static final class Params {

		/** {@code mode}: PNT, INT or PINT. */
		@Parameter(label = "Mode", choices = { "PINT", "PNT", "INT" },
			description = "PINT: pixel phase then image phase; PNT: pixel-wise noise-tolerant loss only; INT: image-level only")
		public Mode mode = Mode.PINT;
		/** {@code ema_decay}: the teacher's γ (the warm-up min(1 − 1/(step+1), γ) is applied on top). */
		@Parameter(label = "EMA decay", min = "0", max = "0.9999", stepSize = "0.001",
			description = "Teacher = exponential moving average of the student with this decay (warm-up min(1 - 1/(step+1), decay))")
		public double ema_decay = 0.99;
		/** {@code m}: number of perturbed teacher passes per step. */
		@Parameter(label = "Perturbations (M)", min = "1", max = "32",
			description = "Perturbed stochastic teacher passes per step; their mean is the pseudo label, its entropy the uncertainty")
		public int m = 4;
		/** {@code noise_std}: σ of the Gaussian input perturbation (normalised intensities). */
		@Parameter(label = "Noise std", min = "0", max = "10", stepSize = "0.01",
			description = "Standard deviation of the Gaussian input noise (normalised intensities)")
		public double noise_std = 0.1;
		/** {@code noise_clip}: the perturbation is clamped to [−clip, clip]. */
		@Parameter(label = "Noise clip", min = "0", max = "100", stepSize = "0.01",
			description = "The input noise is clipped to [-noise_clip, noise_clip]")
		public double noise_clip = 0.2;
		/** {@code soft_pseudo_labels}: ŷ = p̂ (true) or one-hot(argmax p̂) (false). */
		@Parameter(label = "Soft pseudo labels",
			description = "Pseudo label = mean teacher probability (soft) or its one-hot argmax (hard)")
		public boolean soft_pseudo_labels = true;
		/** {@code pnt_iterations}: length of the pixel phase. */
		@Parameter(label = "Pixel phase iterations", min = "0", max = "10000000",
			description = "Iterations of the pixel phase (PNT; paper 6000)")
		public int pnt_iterations = 6000;
		/** {@code pnt_lr}: initial learning rate of the pixel phase. */
		@Parameter(label = "Pixel phase learning rate", min = "0.00000001", max = "10", stepSize = "0.001",
			description = "Initial learning rate of the pixel phase")
		public double pnt_lr = 0.01;
		/** {@code pnt_lr_step}: the pixel phase's lr is multiplied by pnt_lr_gamma every this many iterations. */
		@Parameter(label = "Pixel phase LR step", min = "1", max = "10000000",
			description = "The pixel phase's learning rate is multiplied by pnt_lr_gamma every this many iterations")
		public int pnt_lr_step = 2500;
		/** {@code pnt_lr_gamma}. */
		@Parameter(label = "Pixel phase LR gamma", min = "0.000001", max = "1",
			description = "Factor of the pixel phase's learning-rate steps")
		public double pnt_lr_gamma = 0.1;
		/** {@code int_iterations}: length of the image phase. */
		@Parameter(label = "Image phase iterations", min = "0", max = "10000000",
			description = "Iterations of the image phase (INT; paper 2000, early-stopped on validation)")
		public int int_iterations = 2000;
		/** {@code int_lr}: constant learning rate of the image phase ("high learning rate, early stop"). */
		@Parameter(label = "Image phase learning rate", min = "0.00000001", max = "10", stepSize = "0.001",
			description = "Constant (high) learning rate of the image phase")
		public double int_lr = 0.01;
		/**
		 * {@code warmup_iterations}: 0 = the paper. Otherwise the uncertainty enters the loss ramped in over
		 * the first warmup_iterations of the run, u' = r·u with r = exp(−5(1 − t)²), t = step/warmup (the
		 * mean-teacher ramp), so the loss starts as plain CE on the labels and becomes PNT/INT: a teacher
		 * that starts from random weights cannot then pull a short run into an all-uncertain state.
		 */
		@Parameter(label = "Warm-up iterations", min = "0", max = "10000000",
			description = "0 = the paper; else the uncertainty is ramped in over these first iterations (the loss starts as plain CE): steadier short runs")
		public int warmup_iterations = 0;
		/** {@code momentum} of SGD. */
		@Parameter(label = "Momentum", min = "0", max = "0.999", description = "SGD momentum")
		public double momentum = 0.9;
		/** {@code weight_decay} of SGD. */
		@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.00001", description = "L2 weight decay of SGD")
		public double weight_decay = 1e-4;
		/** {@code dropout} after the deepest encoder stage and the first decoder stage. */
		@Parameter(label = "Dropout", min = "0", max = "0.95", stepSize = "0.05",
			description = "Dropout after the deepest encoder stage and the first decoder stage (student and teacher)")
		public double dropout = 0.5;
		/** {@code seed} of the perturbations (and of the trainer's random choices). */
		public long seed = 42;

		/** Checks every value; throws {@link NoisyLabelsException} naming the key. Returns this. */
		public Params validate() {
			MethodParameters.check(this); // the declared ranges and choices
			// the phase a mode runs needs at least one iteration
			Check.range(pnt_iterations, mode == Mode.INT ? 0 : 1, 10_000_000, "pnt_iterations");
			Check.range(int_iterations, mode == Mode.PNT ? 0 : 1, 10_000_000, "int_iterations");
			return this;
		}

		/** Iterations of the pixel phase actually run (0 in INT mode). */
		public int pixelIterations() {
			return mode == Mode.INT ? 0 : pnt_iterations;
		}

		/** Iterations of the image phase actually run (0 in PNT mode). */
		public int imageIterations() {
			return mode == Mode.PNT ? 0 : int_iterations;
		}

		/** All iterations of the run: pixel phase then image phase. */
		public long totalIterations() {
			return (long) pixelIterations() + imageIterations();
		}

		/**
		 * The phase of global step {@code step} (0-based): PNT for the first pixelIterations() steps, then INT
		 * (always PNT in PNT mode, always INT in INT mode).
		 */
		public Phase phase(final long step) {
			if (mode == Mode.PNT) return Phase.PNT;
			return step < pixelIterations() ? Phase.PNT : Phase.INT;
		}

		/**
		 * The learning rate of global step {@code step} (0-based): pnt_lr·pnt_lr_gamma^⌊step/pnt_lr_step⌋ in
		 * the pixel phase, int_lr in the image phase.
		 */
		public double learningRate(final long step) {
			if (phase(step) == Phase.PNT) return pnt_lr * Math.pow(pnt_lr_gamma, step / pnt_lr_step);
			return int_lr;
		}

		/**
		 * The ramp r of the uncertainty at global step {@code step} (0-based): 1 without warm-up and from
		 * step warmup_iterations on, else exp(−5(1 − step/warmup)²).
		 */
		public double teacherRamp(final long step) {
			if (warmup_iterations <= 0 || step >= warmup_iterations) return 1;
			final double t = 1 - (double) step / warmup_iterations;
			return Math.exp(-5 * t * t);
		}

		/**
		 * Encoder dropout per resolution level 0..depth (level 0 = full resolution, as the U-Net's
		 * configuration): {@code dropout} at the deepest level, 0 elsewhere.
		 */
		public double[] encoderDropout(final int depth) {
			final double[] d = new double[depth + 1];
			d[depth] = dropout;
			return d;
		}

		/**
		 * Decoder dropout per resolution level 0..depth−1: {@code dropout} at level depth−1 (the first
		 * decoder stage after the bottleneck), 0 elsewhere.
		 */
		public double[] decoderDropout(final int depth) {
			final double[] d = new double[Math.max(depth, 0)];
			if (depth > 0) d[depth - 1] = dropout;
			return d;
		}

		/** The parameters by their command keys, in a stable order (for model.json). */
		public Map<String, Object> toMap() {
			// the declared keys (MethodParameters), then the shared seed
			final Map<String, Object> map = MethodParameters.values(this);
			map.put("seed", seed);
			return map;
		}

		@Override
		public String toString() {
			return "PINT " + toMap();
		}
	}
}
