package org.noisylabels;

/**
 * An error caused by the user's input (a wrong size, a missing file, a value out of range...).
 * <p>
 * The message is one line that says what is wrong and how to fix it; the command line prints it
 * as it is, Fiji shows it in a dialog. Programming errors use ordinary exceptions instead.
 */
public class NoisyLabelsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public NoisyLabelsException(final String message) {
		super(message);
	}

	public NoisyLabelsException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
