package org.noisylabels.train;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Tables;
import org.noisylabels.metric.SegmentationMetrics;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import ij.measure.ResultsTable;

/**
 * The shared training loop. It owns the data (patches, augmentation, validation split), the graph (the
 * method's networks, its loss, the optimiser over the method's chosen variables, the EMA teacher, the
 * inference path), the schedule, progress and cancel, validation Dice, early stopping, checkpoints, the
 * device and the model files. A {@link TrainingMethod} supplies the rest.
 * <p>
 * Checkpoints: after every validation the weights are saved when the validation Dice improved (or, without
 * validation data, always). The model written at the end holds the best checkpoint. Cancelling stops after
 * the current step and writes the model from the last checkpoint (if any) before reporting the cancel.
 * A NaN/infinite loss stops training at once with a {@link NoisyLabelsException}; nothing is written.
 */
public final class Trainer {

	private final TrainingConfig cfg;
	private final TrainingMethod method;

	/**
	 * Refuses dimensions=3 for a method that declares it cannot train 3D networks
	 * ({@link TrainingMethod#supports3D()}), with a one-line error naming it.
	 */
	public static void require3D(final TrainingMethod method) {
		if (!method.supports3D()) throw new NoisyLabelsException("dimensions=3: " + method.methodName() +
			" cannot train 3D networks (it works on 2D images only): use dimensions=2 (slice by slice)");
	}

	public Trainer(final TrainingConfig cfg, final TrainingMethod method) {
		this.cfg = cfg;
		this.method = method;
	}

	/** The outcome of a training run; holds the trained graph until closed. */
	public static final class Outcome implements AutoCloseable {

		public ResultsTable curve;
		public ResultsTable validation;
		public double bestDice = Double.NaN;
		public long iterations;
		public String stopped = "finished";
		public String device;
		public ModelInfo info;
		public Path model;
		/** The learned-nothing warning (also logged), or null when the run learned something. */
		public String learnedNothing;
		Graph graph;
		Session session;
		Predictor predictor;

		/**
		 * The session holding the trained (best) weights of every network and the teacher, for a method's
		 * own outputs after training (e.g. PINT's uncertainty map); valid until {@link #close()}.
		 */
		public Session session() {
			return session;
		}

		/** Predicts with the trained (best) weights; valid until {@link #close()}. */
		public Predictor predictor() {
			return predictor;
		}

		@Override
		public void close() {
			if (session != null) session.close();
			if (graph != null) graph.close();
			session = null;
			graph = null;
		}
	}

	/** Predicts samples with the live weights. */
	final class Live {

		final Predictor predictor;
		final Session session;
		/** 3D: the volume of each known sample, and the last predicted volume (valid while the weights are unchanged). */
		Map<Sample, Volumes.Volume> volumes;
		long step;
		private Volumes.Volume lastVolume;
		private long lastStep = -1;
		private float[][][] lastResult;

		Live(final Predictor predictor, final Session session) {
			this.predictor = predictor;
			this.session = session;
		}

		/** Forgets the cached volume (the weights changed without a step, e.g. the best checkpoint was restored). */
		void invalidate() {
			lastVolume = null;
			lastResult = null;
		}

		float[][] predict(final Sample s) {
			if (volumes == null) return predictor.predictNormalized(s.image, s.width, s.height, Progress.NONE);
			// 3D: the sample's whole volume is predicted in 3D (once per volume and step), its slice returned
			Volumes.Volume v = volumes.get(s);
			if (v == null) {
				v = new Volumes.Volume();
				v.slices.add(s);
			}
			if (v != lastVolume || step != lastStep) {
				final float[][] im = new float[v.depth()][];
				for (int z = 0; z < im.length; z++) im[z] = v.slices.get(z).image;
				lastResult = predictor.predictVolume(im, v.width(), v.height(), Progress.NONE);
				lastVolume = v;
				lastStep = step;
			}
			final int z = v.slices.indexOf(s);
			final float[][] out = new float[lastResult.length][];
			for (int c = 0; c < out.length; c++) out[c] = lastResult[c][z];
			return out;
		}

		void run(final Op... targets) {
			final Session.Runner r = session.runner();
			for (final Op t : targets) r.addTarget(t);
			r.run().close();
		}
	}

	/**
	 * Trains {@code method} as a Train command does: in its stages when it has some
	 * ({@link TrainingMethod#trainInStages}), else in one {@link #train} run.
	 */
	public static Outcome run(final TrainingConfig cfg, final TrainingMethod method, final List<TrainingData> streams,
		final TrainingData validation, final Progress progress, final Consumer<String> log)
	{
		final Outcome staged = method.trainInStages(new Stages(cfg, streams, validation, progress, log));
		return staged != null ? staged : new Trainer(cfg, method).train(streams, validation, progress, log);
	}

	/**
	 * Trains. {@code streams} are the method's data streams (stream 0 = the training data);
	 * {@code validation} may be null (then a fraction of stream 0 is held out, see
	 * {@link TrainingConfig#validationFraction}).
	 */
	public Outcome train(final List<TrainingData> streams, final TrainingData validation, final Progress progress,
		final Consumer<String> log)
	{
		cfg.validate();
		method.validate();
		final Run run = new Run(streams, validation, progress, log);
		run.plan();
		run.describe();
		final Outcome out = run.out;
		boolean success = false;
		try {
			run.build();
			run.recordModelInfo();
			run.start();
			run.loop();
			run.finish();
			success = true;
			return out;
		}
		finally {
			if (!success) out.close();
		}
	}

	/** One training run's state, from the plan to the written model ({@link #train} calls its parts in order). */
	private final class Run {

		final List<TrainingData> streams;
		final TrainingData main;
		TrainingData validation;
		final boolean validationGiven;
		final Progress progress;
		final Consumer<String> log;
		final Outcome out = new Outcome();

		// the plan
		int[] batches;
		int classes, patch, multiple, stepsPerEpoch, validateEvery;
		long total;
		boolean threeD, keepBest;
		UNet.Config net;

		// the graph
		Graph graph;
		Ops tf;
		StepGraph sg;
		Operand<TFloat32> loss;
		Optimizer opt;
		Ema ema;
		Placeholder<TFloat32> predIn;
		Operand<TFloat32> predOut;
		ModelInfo info;

		// the session and the loop's state
		Checkpoint ckpt;
		Session session;
		Live live;
		List<PatchSampler> samplers;
		Schedule schedule;
		Map<String, Float> scalarValues;
		StepContext ctx;
		ResultsTable curve;
		double best, lossSum, normSum, secondsBefore;
		int sinceBest, lossCount;
		long t0, start, it;
		String stopped;
		boolean canceled;

		Run(final List<TrainingData> streams, final TrainingData validation, final Progress progress,
			final Consumer<String> log)
		{
			this.streams = streams;
			this.main = streams.get(0);
			this.validation = validation;
			this.validationGiven = validation != null;
			this.progress = progress;
			this.log = log;
		}

		/** Checks the data against the method, and plans the network, patches, validation and steps. */
		void plan() {
			checkStreams();
			classes = main.classes();
			net = cfg.network.copy();
			net.classes = classes == 2 && cfg.sigmoid ? 1 : classes;
			net.heads = method.heads();
			threeD = cfg.dimensions == 3;
			if (threeD) planVolumes();
			net.validate();
			multiple = net.sizeMultiple();
			int maxDim = 0;
			for (final TrainingData d : streams)
				for (final Sample s : d.samples()) maxDim = Math.max(maxDim, Math.max(s.width, s.height));
			patch = Math.max(multiple, cfg.patchSize / multiple * multiple);
			if (patch > Tiler.roundUp(maxDim, multiple)) patch = Tiler.roundUp(maxDim, multiple);
			if (patch != cfg.patchSize) log.accept("patch size " + cfg.patchSize + " -> " + patch +
				" (a multiple of 2^depth = " + multiple + ", at most the image size)");
			keepBest = cfg.keepModel.keepsBest(validationGiven);
			if (threeD && validation == null && cfg.validationFraction > 0) {
				final int before = Volumes.of(main.samples()).size();
				validation = main.splitValidationVolumes(cfg.validationFraction, cfg.seed);
				final List<Volumes.Volume> held = Volumes.of(validation.samples());
				final java.util.StringJoiner depths = new java.util.StringJoiner(", ");
				for (final Volumes.Volume v : held) depths.add(String.valueOf(v.depth()));
				log.accept("validation: " + (before >= 5 ? held.size() + " held-out volumes" : held.size() + " z-slab" + (held
					.size() == 1 ? "" : "s") + " of " + depths + " slices held out (their labels are not trained on)"));
			}
			else if (validation == null && cfg.validationFraction > 0) {
				validation = main.splitValidation(cfg.validationFraction, patch, cfg.seed);
				log.accept("validation: " + validation.size() + " held-out " + (main.size() >= 5 ? "images" : "tiles of " +
					patch + "×" + patch + " (their labels are not trained on)"));
			}
			long mainPixels = 0;
			for (final Sample s : main.samples()) mainPixels += (long) s.width * s.height;
			stepsPerEpoch = cfg.stepsPerEpoch > 0 ? cfg.stepsPerEpoch : stepsToCover(threeD ? (mainPixels + net.slices -
				1) / net.slices : mainPixels, batches[0], patch);
			total = cfg.epochs > 0 ? (long) cfg.epochs * stepsPerEpoch : cfg.iterations;
			validateEvery = cfg.validationInterval > 0 ? cfg.validationInterval : (int) Math.max(1, total / 20);
		}

		private void checkStreams() {
			if (streams.size() != method.streams()) throw new IllegalArgumentException(method.methodName() + " needs " +
				method.streams() + " data streams, got " + streams.size());
			for (final TrainingData d : streams) {
				d.requireNotEmpty("image");
				if (d.classes() != main.classes()) throw new NoisyLabelsException("the data sets have " + main.classes() +
					" and " + d.classes() + " classes: give labels with the same classes");
				for (final String key : method.pixelInputs())
					for (final Sample s : d.samples())
						if (s.extra(key) == null) throw new NoisyLabelsException(method.methodName() + " needs '" + key +
							"' for every image, but " + s.name + " has none");
			}
			if (validation != null && validation.classes() != main.classes()) throw new NoisyLabelsException(
				"validation_label has " + validation.classes() + " classes but label has " + main.classes() +
					": give labels with the same classes");
			batches = new int[streams.size()];
			for (int s = 0; s < batches.length; s++) {
				batches[s] = method.batchSize(s, cfg.batchSize);
				if (batches[s] < 1) throw new IllegalArgumentException(method.methodName() + ": batch size of stream " + s +
					" is " + batches[s] + ", must be at least 1");
			}
		}

		/** 3D: the z pooling from the anisotropy, and the patch depth. */
		private void planVolumes() {
			require3D(method);
			net.dimensions = 3;
			int minSlices = Integer.MAX_VALUE;
			for (final Volumes.Volume v : Volumes.of(main.samples())) minSlices = Math.min(minSlices, v.depth());
			net.zPool = UNet.Config.anisotropicZPooling(net.depth, 1, cfg.zAnisotropy > 0 ? cfg.zAnisotropy : 1, minSlices);
			// patch depth: up to 16 slices (a multiple of the z pooling), the deepest volume's depth at most
			int maxSlices = 0;
			for (final TrainingData d : streams)
				for (final Volumes.Volume v : Volumes.of(d.samples())) maxSlices = Math.max(maxSlices, v.depth());
			final int zm = net.zMultiple();
			net.slices = Math.max(zm, Math.min(Tiler.roundUp(16, zm), Tiler.roundUp(maxSlices, zm)));
		}

		/** Logs the device, the kept model and the plan. */
		void describe() {
			out.device = Device.describe();
			log.accept("Noisy Labels " + ModelInfo.suiteVersion() + ": training '" + method.methodName() + "' on " +
				out.device);
			log.accept("the model keeps " + (keepBest ? "the best validation Dice (keep_model=" + cfg.keepModel.name()
				.toLowerCase(Locale.ROOT) + ")" : "the last step's weights (keep_model=" + cfg.keepModel.name().toLowerCase(
					Locale.ROOT) + (cfg.keepModel == TrainingConfig.KeepModel.AUTO
						? ": no validation_label given, and a best Dice against held-out noisy labels rewards agreeing with the noise"
						: "") + ")"));
			log.accept(net + "; patch " + patch + (threeD ? "×" + patch + "×" + net.slices + " slices" : "") + ", batch " +
				(batches.length == 1 ? String.valueOf(batches[0]) : Arrays.toString(batches) + " (per data stream)") + ", " +
				total + " iterations (" + stepsPerEpoch + " per epoch), " + cfg.optimizer + ", schedule " + cfg.schedule() +
				", seed " + cfg.seed);
		}

		/** The graph: the method's networks and loss, the optimiser, the EMA teacher, the inference path. */
		void build() {
			graph = new Graph();
			out.graph = graph;
			tf = Ops.create(graph);
			final List<UNet.Network> nets = new ArrayList<>();
			for (int i = 0; i < method.networks(); i++) nets.add(UNet.build(tf, "net" + i, net, cfg.seed * 1000 + i));
			final UNet.Network teacher = method.emaTeacher() ? UNet.build(tf, "teacher", net, cfg.seed * 1000 + 999) : null;
			sg = new StepGraph(tf, nets, teacher, net.classes, method.streams(), method.pixelInputs(), cfg.seed);
			loss = method.buildLoss(sg);
			final List<Optimizer.Group> groups = method.optimizerGroups(sg);
			opt = Optimizer.ofGroups(tf, loss, groups, cfg.optimizer, sg.updates);
			if (groups.size() > 1) log.accept(groups.size() + " optimiser groups (each clipped on its own" +
				(cfg.optimizer.clipNorm > 0 ? "" : "; clip_norm is 0") + "), learning-rate factors " + groupFactors(groups));
			// EMA teacher: t = d·t + (1 − d)·s
			ema = teacher == null ? null : Ema.build(tf.withSubScope("ema"), nets.get(0).allVariables(), teacher
				.allVariables());
			// inference path, exported with the model
			final Ops p = tf.withSubScope("predict");
			predIn = p.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Operand<TFloat32> probs = method.prediction(new PredictionGraph(p, predIn, nets, teacher));
			predOut = p.withName("probability").identity(classes == 2 ? p.slice(probs, p.constant(new int[] { 0, 0, 0, 1 }), p
				.constant(new int[] { -1, -1, -1, 1 })) : probs);
		}

		/** What model.json records: the method and its keys, the data, the network, the training keys. */
		void recordModelInfo() {
			info = new ModelInfo();
			info.tensorflowVersion = TensorFlow.version();
			info.method = method.methodName();
			info.methodParameters.putAll(method.parameters());
			for (final TrainingData d : streams) info.trainingData.addAll(d.sourceNames());
			info.depth = net.depth;
			info.baseChannels = net.baseChannels;
			info.batchNorm = net.batchNorm;
			info.heads = net.heads;
			info.classes = classes;
			info.networkOutputs = net.outputChannels();
			info.outputChannels = classes == 2 ? 1 : classes;
			info.normalization = main.normalization().name();
			info.normLow = main.normalization().low;
			info.normHigh = main.normalization().high;
			info.patchSize = patch;
			info.sizeMultiple = multiple;
			info.margin = net.receptiveMargin();
			if (threeD) {
				info.dimensions = 3;
				info.zPool = net.zPoolFactors();
				info.zMultiple = net.zMultiple();
				info.zMargin = net.zReceptiveMargin();
				info.patchDepth = net.slices;
				info.training.put("z_anisotropy", cfg.zAnisotropy);
			}
			info.device = Device.name();
			info.training.putAll(trainingParameters(patch, total, stepsPerEpoch));
			if (batches.length > 1) info.training.put("stream_batch_sizes", Arrays.toString(batches));
			info.training.put("keep_model", keepBest ? "best" : "last");
			info.training.put("keep_model_rule", cfg.keepModel.name().toLowerCase(Locale.ROOT) + ": " + (keepBest
				? "the weights of the validation with the best Dice" + (!validationGiven
					? " (validation labels held out from the training labels)" : " (validation labels given)")
				: "the weights of the last step" + (cfg.keepModel == TrainingConfig.KeepModel.AUTO ? (!validationGiven
					? " (no validation labels given: a best Dice against held-out noisy labels would reward agreeing with the noise)"
					: "") : "")));
			if (cfg.resume != null) info.training.put("resumed_from", cfg.resume.toString());
			out.info = info;
		}

		/** The session, the live predictor, the patch samplers, and the state (resumed when asked). */
		void start() {
			ckpt = new Checkpoint(graph, tf);
			session = new Session(graph, cfg.threads > 0 ? org.tensorflow.proto.ConfigProto.newBuilder()
				.setIntraOpParallelismThreads(cfg.threads).setInterOpParallelismThreads(cfg.threads).build() : Device
					.sessionConfig());
			out.session = session;
			session.initialize();
			if (ema != null) ema.copy(session);
			final Predictor predictor = Predictor.live(info, session, predIn, predOut).setTiling(Math.max(cfg.tileSize,
				patch), 2);
			out.predictor = predictor;
			live = new Live(predictor, session);
			if (threeD) {
				final List<Sample> all = new ArrayList<>();
				for (final TrainingData d : streams) all.addAll(d.samples());
				final Map<Sample, Volumes.Volume> index = Volumes.index(Volumes.of(all));
				if (validation != null) index.putAll(Volumes.index(Volumes.of(validation.samples())));
				live.volumes = index;
			}
			samplers = new ArrayList<>();
			for (int s = 0; s < streams.size(); s++) samplers.add(new PatchSampler(streams.get(s), patch, cfg.flip,
				cfg.rotate, cfg.seed * 31 + s, method.pixelInputs()));
			if (threeD) for (final PatchSampler ps : samplers) ps.volumes(net.slices);
			schedule = cfg.schedule();
			scalarValues = new LinkedHashMap<>(sg.scalarDefaults);
			ctx = new StepContext(total, stepsPerEpoch, scalarValues).withFeeds(sg);
			curve = new ResultsTable();
			out.curve = curve;
			final RunState state = new RunState();
			if (cfg.resume != null) {
				final Map<String, Object> same = new LinkedHashMap<>(method.parameters());
				for (final String k : new String[] { "seed", "batch_size", "patch_size", "validation_fraction", "flip",
					"rotate", "optimizer", "schedule" })
					same.put(RunState.TRAINING + k, info.training.get(k));
				state.resume(cfg.resume, ckpt, session, schedule, curve, method.methodName(), same, total, log);
				for (int s = 0; s < samplers.size(); s++) samplers.get(s).skip(state.step, batches[s]);
				out.iterations = state.bestIteration;
			}
			best = state.best;
			sinceBest = state.sinceBest;
			lossSum = state.lossSum;
			normSum = state.normSum;
			lossCount = state.lossCount;
			secondsBefore = state.seconds;
			start = state.step;
			stopped = "finished after " + total + " iterations";
		}

		/** The steps, with the method's hooks, progress, cancel, validation and early stopping. */
		void loop() {
			t0 = System.nanoTime();
			for (it = start; it < total; it++) {
				if (progress.isCanceled()) {
					canceled = true;
					stopped = "canceled at iteration " + it;
					break;
				}
				ctx.step = it;
				ctx.epoch = (int) (it / stepsPerEpoch);
				ctx.learningRate = schedule.lr((int) it);
				method.beforeStep(ctx);
				final double[] ln = step(session, sg, opt, loss, samplers, batches, ctx, scalarValues);
				live.step = it + 1;
				final double l = ln[0];
				if (Double.isNaN(l) || Double.isInfinite(l)) throw new NoisyLabelsException("training diverged: the loss became " +
					(Double.isNaN(l) ? "NaN" : "infinite") + " at iteration " + (it + 1) + ": lower learning_rate (now " +
					org.noisylabels.Check.fmt(ctx.learningRate) + ") or check the image for extreme values; no model was written");
				if (ema != null) ema.update(session, method.emaDecay(it));
				method.afterStep(ctx, l);
				lossSum += l;
				normSum += ln[1];
				lossCount++;
				final double secs = (System.nanoTime() - t0) / 1e9;
				progress.update(String.format(Locale.ROOT, "Training: iteration %d/%d  loss %.4f%s  (%s left)", it + 1, total,
					lossSum / lossCount, best == Double.NEGATIVE_INFINITY ? "" : String.format(Locale.ROOT,
						"  best validation Dice %.4f", best), time(secs / (it + 1 - start) * (total - it - 1))), (double) (it + 1) /
							total);
				if ((it + 1) % stepsPerEpoch == 0) method.afterEpoch(new EpochContext(ctx.epoch, it + 1, streams, live, log));
				if (((it + 1) % validateEvery == 0 || it + 1 == total) && validateAndStop()) {
					it++;
					break;
				}
			}
			out.stopped = stopped;
		}

		/** One validation: a row of the curve, the best checkpoint; true when early stopping ends the run. */
		private boolean validateAndStop() {
			final double dice = validation == null ? Double.NaN : dice(validation, live, null);
			final double secs = (System.nanoTime() - t0) / 1e9;
			curve.incrementCounter();
			curve.addValue("iteration", it + 1);
			curve.addValue("epoch", (double) (it + 1) / stepsPerEpoch);
			curve.addValue("loss", lossSum / lossCount);
			curve.addValue("learning_rate", ctx.learningRate);
			curve.addValue("gradient_norm", normSum / lossCount);
			curve.addValue("validation_dice", dice);
			curve.addValue("seconds", secondsBefore + secs);
			final double left = secs / (it + 1 - start) * (total - it - 1);
			log.accept(String.format(Locale.ROOT, "iteration %d/%d  loss %.4f  lr %.3g%s  (%s, %s left)", it + 1, total,
				lossSum / lossCount, ctx.learningRate, Double.isNaN(dice) ? "" : String.format(Locale.ROOT,
					"  validation Dice %.4f", dice), time(secondsBefore + secs), time(left)));
			lossSum = 0;
			normSum = 0;
			lossCount = 0;
			schedule.validated(dice);
			if (Double.isNaN(dice) || dice > best) {
				if (!Double.isNaN(dice)) best = dice;
				sinceBest = 0;
				if (keepBest) ckpt.save(session);
				out.iterations = it + 1;
			}
			else if (cfg.earlyStopping > 0 && ctx.earlyStopping && ++sinceBest >= cfg.earlyStopping) {
				stopped = "early stopping at iteration " + (it + 1) + " (no gain in " + cfg.earlyStopping + " validations)";
				return true;
			}
			return false;
		}

		/**
		 * The kept weights (best or last), the final validation, the learned-nothing check, and the model
		 * folder with the state to resume from; a cancel is reported after the model is written.
		 */
		void finish() {
			// the state to resume from: the weights of the last step, before the best ones are restored
			// keeping the best but canceled before the first validation: the current weights are all there is
			final boolean fromCheckpoint = keepBest && ckpt.saved();
			final boolean haveModel = fromCheckpoint || it > 0;
			final float[][] lastWeights = cfg.model != null && haveModel ? ckpt.snapshot(session) : null;
			final int bestIteration = (int) out.iterations;
			if (fromCheckpoint) {
				ckpt.restore(session);
				live.invalidate();
			}
			else out.iterations = it;
			out.bestDice = best == Double.NEGATIVE_INFINITY ? Double.NaN : best;
			info.iterations = out.iterations;
			info.validationDice = out.bestDice;
			info.stopped = stopped;
			if (validation != null && haveModel) {
				final ResultsTable vt = new ResultsTable();
				info.validationDice = dice(validation, live, vt);
				out.validation = vt;
			}
			if (haveModel) {
				out.learnedNothing = learnedNothing(streams, validation, live, curve, cfg.learningRate);
				if (out.learnedNothing != null) log.accept(out.learnedNothing);
			}
			if (cfg.model != null && haveModel) writeModel(fromCheckpoint, bestIteration, lastWeights);
			log.accept(stopped);
			if (canceled) throw new Progress.CanceledException(cfg.model != null && haveModel ? "canceled: " +
				(fromCheckpoint ? "best model so far" : "model") + " (iteration " + out.iterations + ") written to " + cfg.model
				: "canceled by the user");
		}

		private void writeModel(final boolean fromCheckpoint, final int bestIteration, final float[][] lastWeights) {
			out.model = cfg.model;
			final RunState saved = new RunState();
			saved.step = it;
			saved.total = total;
			saved.best = best;
			saved.bestIteration = bestIteration;
			saved.sinceBest = sinceBest;
			saved.lossSum = lossSum;
			saved.normSum = normSum;
			saved.lossCount = lossCount;
			saved.seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
			saved.schedule = schedule.state();
			saved.method = method.methodName();
			ModelFiles.write(cfg.model, session, Signature.builder().key(Signature.DEFAULT_KEY).input("image", predIn).output(
				"probability", predOut).build(), info, csv(curve), folder -> saved.write(folder, ckpt, lastWeights,
					fromCheckpoint ? ckpt.values() : null, curve));
			log.accept("model (" + (info.validationDice == info.validationDice ? "validation Dice " + String.format(
				Locale.ROOT, "%.4f", info.validationDice) + ", " : "") + "iteration " + out.iterations + ", keep_model=" +
				(fromCheckpoint ? "best" : "last") + ") written to " + cfg.model);
		}
	}

	/**
	 * The warning for a run that learned nothing, or null: the kept model predicts one class everywhere (on
	 * the validation data, or on up to 4 training images without validation), or the validation Dice stayed
	 * 0 at every validation. It names the likely cause: labels without foreground, a learning rate too high
	 * (also when the loss never fell below 95 % of its first logged value), or too little training.
	 */
	static String learnedNothing(final List<TrainingData> streams, final TrainingData validation, final Live live,
		final ResultsTable curve, final double learningRate)
	{
		final TrainingData main = streams.get(0);
		final int c = main.classes();
		// predicted classes of the kept model
		final long[] predicted = new long[c];
		final List<Sample> check = validation != null ? validation.samples() : main.samples().subList(0, Math.min(4, main
			.size()));
		for (final Sample s : check) {
			final float[][] p = live.predict(s);
			for (int i = 0; i < s.width * s.height; i++)
				if (s.weight(i) > 0) predicted[Math.min(c - 1, predictedClass(p, i))]++;
		}
		// the training labels' classes (pixels with a non-zero weight)
		final long[] labelled = new long[c];
		for (final Sample s : main.samples())
			for (int i = 0; i < s.width * s.height; i++)
				if (s.weight(i) > 0) labelled[Math.min(c - 1, s.label(i))]++;
		return diagnose(predicted, labelled, curve, learningRate);
	}

	/**
	 * {@link #learnedNothing}'s decision from the kept model's predicted class counts, the training labels'
	 * class counts and the curve.
	 */
	static String diagnose(final long[] predicted, final long[] labelled, final ResultsTable curve,
		final double learningRate)
	{
		final int c = predicted.length;
		int classesPredicted = 0, only = -1;
		for (int k = 0; k < c; k++)
			if (predicted[k] > 0) {
				classesPredicted++;
				only = k;
			}
		final boolean constant = classesPredicted == 1;
		boolean diceZero = true, anyDice = false;
		double firstLoss = Double.NaN, minLater = Double.POSITIVE_INFINITY;
		for (int r = 0; r < curve.size(); r++) {
			final double d = curve.getValue("validation_dice", r);
			if (!Double.isNaN(d)) {
				anyDice = true;
				if (d > 1e-6) diceZero = false;
			}
			final double l = curve.getValue("loss", r);
			if (r == 0) firstLoss = l;
			else minLater = Math.min(minLater, l);
		}
		diceZero &= anyDice;
		final boolean lossFlat = curve.size() >= 3 && !(minLater < 0.95 * firstLoss);
		// a loss that stays high alone is no sign: with heavily noisy labels (45 % flipped) the best reachable
		// loss is high, and robust losses (GCE, MAE) are bounded; it only helps to name the cause
		if (!constant && !diceZero) return null;
		int labelClasses = 0;
		for (final long n : labelled)
			if (n > 0) labelClasses++;
		final List<String> signs = new ArrayList<>();
		if (constant) signs.add("the model predicts class " + only + (only == 0 ? " (background)" : "") + " everywhere");
		if (diceZero) signs.add("the validation Dice stayed 0");
		if (lossFlat) signs.add(String.format(Locale.ROOT, "the loss did not fall (first %.4g, lowest later %.4g)",
			firstLoss, minLater));
		final String cause;
		if (labelClasses <= 1) cause = "the labels hold only class " + (labelled[0] > 0 ? "0 (all zero: no foreground)"
			: "other than 0") + ": give labels with foreground (a mask 0/255 or classes 0..C-1)";
		else if (lossFlat || learningRate >= 0.1) cause = "learning_rate " + org.noisylabels.Check.fmt(learningRate) +
			" is probably too high: try 10 times lower";
		else cause = "too little training or labels that do not match the image: train longer or check the labels";
		return "WARNING: the training learned nothing: " + String.join(", ", signs) + ". Likely cause: " + cause;
	}

	/**
	 * The steps of an automatic epoch: as many batches of {@code batch} patches of {@code patch}² as cover
	 * {@code pixels} once (at least 1).
	 */
	public static int stepsToCover(final long pixels, final int batch, final int patch) {
		return (int) Math.max(1, Math.ceil(pixels / ((double) batch * patch * patch)));
	}

	private Map<String, Object> trainingParameters(final int patch, final long total, final int stepsPerEpoch) {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("iterations", total);
		if (cfg.epochs > 0) {
			m.put("epochs", cfg.epochs);
			m.put("steps_per_epoch", stepsPerEpoch);
		}
		m.put("batch_size", cfg.batchSize);
		m.put("patch_size", patch);
		m.put("optimizer", cfg.optimizer.type.name());
		m.put("learning_rate", cfg.learningRate);
		m.put("momentum", cfg.optimizer.momentum);
		m.put("weight_decay", cfg.optimizer.weightDecay);
		m.put("clip_norm", cfg.optimizer.clipNorm);
		m.put("schedule", cfg.schedule.name().toLowerCase(Locale.ROOT));
		m.put("lr_gamma", cfg.lrGamma);
		m.put("lr_step", cfg.lrStep);
		m.put("lr_milestones", cfg.lrMilestones);
		m.put("lr_patience", cfg.lrPatience);
		m.put("flip", cfg.flip);
		m.put("rotate", cfg.rotate);
		m.put("sigmoid", cfg.sigmoid);
		m.put("validation_fraction", cfg.validationFraction);
		m.put("early_stopping", cfg.earlyStopping);
		m.put("seed", cfg.seed);
		return m;
	}

	private static String time(final double s) {
		if (s < 60) return String.format(Locale.ROOT, "%.0fs", s);
		if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", (int) s / 60, (int) s % 60);
		return String.format(Locale.ROOT, "%dh%02dm", (int) s / 3600, (int) s % 3600 / 60);
	}

	private static String csv(final ResultsTable t) {
		try {
			final StringWriter w = new StringWriter();
			Tables.writeCsv(t, w);
			return w.toString();
		}
		catch (final IOException e) {
			return null;
		}
	}

	private static String groupFactors(final List<Optimizer.Group> groups) {
		final List<String> f = new ArrayList<>();
		for (final Optimizer.Group g : groups) f.add(org.noisylabels.Check.fmt(g.learningRateFactor));
		return String.join(", ", f);
	}

	/** One training step; returns {loss, global gradient norm}. */
	private double[] step(final Session session, final StepGraph sg, final Optimizer opt, final Operand<TFloat32> loss,
		final List<PatchSampler> samplers, final int[] batches, final StepContext ctx, final Map<String, Float> scalars)
	{
		final List<AutoCloseable> tensors = new ArrayList<>();
		try {
			final Session.Runner r = session.runner();
			for (int s = 0; s < samplers.size(); s++) {
				final PatchSampler.Batch b = samplers.get(s).next(batches[s]);
				final Shape s4 = Shape.of(b.n, b.size, b.size, 1);
				final TFloat32 img = TFloat32.tensorOf(s4, DataBuffers.of(b.image, true, false));
				tensors.add(img);
				final TInt32 lab = TInt32.tensorOf(Shape.of(b.n, b.size, b.size), DataBuffers.of(b.labels, true, false));
				tensors.add(lab);
				final TFloat32 w = TFloat32.tensorOf(s4, DataBuffers.of(b.weights, true, false));
				tensors.add(w);
				r.feed(sg.images.get(s), img).feed(sg.labels.get(s), lab).feed(sg.weights.get(s), w);
				int e = 0;
				for (final Placeholder<TFloat32> ph : sg.extras.get(s).values()) {
					final TFloat32 t = TFloat32.tensorOf(s4, DataBuffers.of(b.extras[e++], true, false));
					tensors.add(t);
					r.feed(ph, t);
				}
			}
			for (final Map.Entry<String, Float> e : scalars.entrySet()) {
				final TFloat32 t = TFloat32.scalarOf(e.getValue());
				tensors.add(t);
				r.feed(sg.scalars.get(e.getKey()), t);
			}
			for (final Map.Entry<String, PlaceholderWithDefault<TFloat32>> e : sg.feeds.entrySet()) {
				final TFloat32 t = TFloat32.tensorOf(Shape.of(ctx.feedShapes.get(e.getKey())), DataBuffers.of(ctx.feedValues
					.get(e.getKey()), true, false));
				tensors.add(t);
				r.feed(e.getValue(), t);
			}
			opt.feed(r, tensors, ctx.step, ctx.learningRate);
			// a tensor is fetched once (a run refuses the same output twice), e.g. when a method also fetches the loss
			final List<Output<?>> outputs = new ArrayList<>(Arrays.asList(loss.asOutput(), opt.gradientNorm().asOutput()));
			final int[] at = new int[sg.fetches.size()];
			int k = 0;
			for (final Operand<TFloat32> f : sg.fetches.values()) {
				final int i = outputs.indexOf(f.asOutput());
				if (i < 0) outputs.add(f.asOutput());
				at[k++] = i < 0 ? outputs.size() - 1 : i;
			}
			for (final Output<?> o : outputs) r.fetch(o);
			try (Result res = r.addTarget(opt.trainOp()).run()) {
				k = 0;
				for (final String name : sg.fetches.keySet()) {
					final TFloat32 t = (TFloat32) res.get(at[k++]);
					final float[] v = new float[(int) t.shape().size()];
					t.copyTo(DataBuffers.of(v, false, false));
					ctx.fetchedValues.put(name, v);
				}
				return new double[] { ((TFloat32) res.get(0)).getFloat(), ((TFloat32) res.get(1)).getFloat() };
			}
		}
		finally {
			for (final AutoCloseable t : tensors) {
				try {
					t.close();
				}
				catch (final Exception e) {
					// tensors close without checked failures
				}
			}
		}
	}

	/**
	 * Validation Dice over all validation pixels with a non-zero weight: foreground Dice for binary data,
	 * the mean over classes 1..C−1 otherwise; (2|S∩G| + 1e-5)/(|S| + |G| + 1e-5). Fills {@code table}
	 * (per sample and overall) when given.
	 */
	static double dice(final TrainingData val, final Live live, final ResultsTable table) {
		final int c = val.classes();
		final long[] tp = new long[c], ps = new long[c], gs = new long[c];
		long correct = 0, counted = 0;
		for (final Sample s : val.samples()) {
			final float[][] p = live.predict(s);
			final long[] stp = new long[c], sps = new long[c], sgs = new long[c];
			long sc = 0, sn = 0;
			for (int i = 0; i < s.width * s.height; i++) {
				if (s.weight(i) <= 0) continue;
				final int pred = predictedClass(p, i);
				final int g = s.label(i);
				sn++;
				if (pred == g) {
					sc++;
					stp[g]++;
				}
				sps[pred]++;
				sgs[g]++;
			}
			for (int k = 0; k < c; k++) {
				tp[k] += stp[k];
				ps[k] += sps[k];
				gs[k] += sgs[k];
			}
			correct += sc;
			counted += sn;
			if (table != null) addRow(table, s.name, meanDice(stp, sps, sgs), sn == 0 ? Double.NaN : (double) sc / sn, sn);
		}
		final double d = meanDice(tp, ps, gs);
		if (table != null) addRow(table, "all", d, counted == 0 ? Double.NaN : (double) correct / counted, counted);
		return d;
	}

	private static void addRow(final ResultsTable t, final String name, final double dice, final double acc,
		final long n)
	{
		t.incrementCounter();
		t.addLabel(name);
		t.addValue("dice", dice);
		t.addValue("accuracy", acc);
		t.addValue("pixels", n);
	}

	static int predictedClass(final float[][] p, final int i) {
		if (p.length == 1) return p[0][i] >= 0.5f ? 1 : 0;
		int best = 0;
		for (int k = 1; k < p.length; k++)
			if (p[k][i] > p[best][i]) best = k;
		return best;
	}

	static double meanDice(final long[] tp, final long[] ps, final long[] gs) {
		double sum = 0;
		for (int k = 1; k < tp.length; k++) sum += SegmentationMetrics.dice(tp[k], ps[k], gs[k]);
		return sum / (tp.length - 1);
	}

	/** For messages. */
	static String list(final int[] a) {
		return Arrays.toString(a);
	}
}
