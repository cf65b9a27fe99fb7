package org.noisylabels.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Test helper: runs the suite's command line in this JVM and captures what it prints. */
public final class Cli {

	private Cli() {}

	/** {exit code (Integer), standard output, standard error} of {@code noisy-labels args...}. */
	public static Object[] cli(final String... args) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int code = new CommandLine(new PrintStream(out, true), new PrintStream(err, true)).run(args);
		return new Object[] { code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) };
	}
}
