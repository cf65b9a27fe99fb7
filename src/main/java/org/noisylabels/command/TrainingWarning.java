package org.noisylabels.command;

import org.scijava.log.LogService;

/**
 * Logs a training warning from its own class: the command line silences log calls made by
 * {@link NoisyLabelsCommand} itself (its errors are printed once, as the "error:" line), and a warning
 * such as "the training learned nothing" must still reach standard error.
 */
final class TrainingWarning {

	private TrainingWarning() {}

	static void warn(final LogService log, final String message) {
		log.warn(message);
	}
}
