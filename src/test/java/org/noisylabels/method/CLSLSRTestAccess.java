package org.noisylabels.method;

import org.noisylabels.train.TrainingConfig;

/** Test access to CLSLSR's package-private helpers from other packages. */
public final class CLSLSRTestAccess {

	private CLSLSRTestAccess() {}

	public static TrainingConfig copy(final TrainingConfig c) {
		return CLSLSR.copy(c);
	}
}
