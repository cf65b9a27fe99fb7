package org.noisylabels;

/**
 * Progress and cancellation for long algorithms, free of any UI. Commands adapt it to SciJava's
 * {@code StatusService} and {@code Cancelable}; tests and the command line may use {@link #NONE}.
 */
public interface Progress {

	/** Reports progress: {@code fraction} in [0, 1], or negative when unknown. */
	void update(String message, double fraction);

	/** Whether the user asked to stop; algorithms check it between units of work. */
	boolean isCanceled();

	/** Throws {@link CanceledException} when canceled. */
	default void checkCanceled() {
		if (isCanceled()) throw new CanceledException();
	}

	/** A progress that reports nothing and is never canceled. */
	Progress NONE = new Progress() {

		@Override
		public void update(final String message, final double fraction) {}

		@Override
		public boolean isCanceled() {
			return false;
		}
	};

	/** Thrown by {@link #checkCanceled()}; commands turn it into a clean cancel. */
	class CanceledException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public CanceledException() {
			super("canceled by the user");
		}

		/** A cancel with its own message, e.g. "canceled: best model so far (iteration 40) written to /m". */
		public CanceledException(final String message) {
			super(message);
		}
	}
}
