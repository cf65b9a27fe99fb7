package org.noisylabels.train;

import java.util.List;
import java.util.function.Consumer;

/** What a method can do between epochs: read and change the data, predict with the current weights, log. */
public final class EpochContext {

	final int epoch;
	final long step;
	private final List<TrainingData> streams;
	private final Trainer.Live live;
	private final Consumer<String> log;

	EpochContext(final int epoch, final long step, final List<TrainingData> streams, final Trainer.Live live,
		final Consumer<String> log)
	{
		this.epoch = epoch;
		this.step = step;
		this.streams = streams;
		this.live = live;
		this.log = log;
	}

	/** The epoch just finished, 0-based. */
	public int epoch() {
		return epoch;
	}

	/** Steps done so far. */
	public long step() {
		return step;
	}

	/** The training data of stream {@code s}; samples' labels/weights/extras may be replaced. */
	public TrainingData data(final int s) {
		return streams.get(s);
	}

	/**
	 * Predicts one sample with the current weights (the method's prediction, inference mode): the
	 * probability of each output channel (1 channel = foreground for binary models, else C channels).
	 */
	public float[][] predict(final Sample sample) {
		return live.predict(sample);
	}

	public void log(final String message) {
		log.accept(message);
	}
}
