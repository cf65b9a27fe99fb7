package org.noisylabels.train;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.function.Consumer;

import org.noisylabels.Progress;

/**
 * What a method trained in several stages gets ({@link TrainingMethod#trainInStages}): the user's
 * configuration and data, and one call per stage. A stage is a training run on the shared trainer
 * ({@link #train}) or a pass in Java between two runs (use the {@link Trainer.Outcome#predictor()} of the
 * run before, then {@link Sample#setLabels}, {@link Sample#setWeights} or per-pixel inputs on the data).
 * A run reinitialises every network (a new graph), so "train again from scratch" is simply a second
 * {@link #train}. Progress runs once from 0 to 1 over all stages, each stage over the part it is given;
 * cancel stops whichever stage runs. CLSLSR is the example: a CE baseline, confident learning on its
 * predictions, then SLSR on the flagged pixels.
 */
public final class Stages {

	private final TrainingConfig config;
	private final List<TrainingData> streams;
	private final TrainingData validation;
	private final Progress progress;
	private final Consumer<String> log;

	public Stages(final TrainingConfig config, final List<TrainingData> streams, final TrainingData validation,
		final Progress progress, final Consumer<String> log)
	{
		this.config = config;
		this.streams = streams;
		this.validation = validation;
		this.progress = progress;
		this.log = log;
	}

	/**
	 * The user's configuration: the final stage trains with it (its model is the method's model, written to
	 * the model folder).
	 */
	public TrainingConfig config() {
		return config;
	}

	/** A copy of the user's configuration for an intermediate stage: it writes no model and resumes nothing. */
	public TrainingConfig stageConfig() {
		final TrainingConfig c = copy(config);
		c.model = null;
		c.resume = null;
		return c;
	}

	/** The user's data streams (stream 0 = the training data). */
	public List<TrainingData> streams() {
		return streams;
	}

	/** The validation data, or null (then every run holds out the same part of stream 0). */
	public TrainingData validation() {
		return validation;
	}

	public Consumer<String> log() {
		return log;
	}

	/** The part [from, to] of the whole run's progress, with messages prefixed by {@code prefix}. */
	public Progress progress(final String prefix, final double from, final double to) {
		return new Progress() {

			@Override
			public void update(final String message, final double fraction) {
				progress.update(prefix + message, fraction < 0 ? -1 : from + (to - from) * fraction);
			}

			@Override
			public boolean isCanceled() {
				return progress.isCanceled();
			}
		};
	}

	/**
	 * One training stage: trains {@code method} with {@code cfg} on {@code data} (and this run's validation
	 * data) from freshly initialised networks, over the part [from, to] of the progress. The caller closes
	 * the outcome (try-with-resources).
	 */
	public Trainer.Outcome train(final String label, final TrainingMethod method, final TrainingConfig cfg,
		final List<TrainingData> data, final double from, final double to)
	{
		log.accept(label);
		return new Trainer(cfg, method).train(data, validation, progress(label + ": ", from, to), log);
	}

	/** A copy of every public field of a training configuration (network and optimiser settings copied deeply). */
	public static TrainingConfig copy(final TrainingConfig cfg) {
		final TrainingConfig c = copyFields(cfg, new TrainingConfig());
		c.network = cfg.network.copy();
		c.optimizer = copyFields(cfg.optimizer, new Optimizer.Config());
		return c;
	}

	private static <T> T copyFields(final T from, final T to) {
		try {
			for (final Field f : from.getClass().getFields())
				if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) f.set(to, f.get(from));
		}
		catch (final IllegalAccessException e) {
			throw new IllegalStateException(e);
		}
		return to;
	}
}
