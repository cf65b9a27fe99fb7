package org.noisylabels.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.noisylabels.NoisyLabelsException;

/**
 * Runs any Noisy Labels command from an ImageJ 1.x or Fiji macro, with or without a display:
 *
 * <pre>
 * r = call("org.noisylabels.cli.Macro.run", "Random Flipping (RCL)",
 *          "label=/data/mask.tif p_flip=0.45 seed=1 noisy_label=/data/noisy.tif");
 * if (r != "") exit(r);
 * </pre>
 *
 * The options use the macro syntax {@code key=value key=[value with spaces]}; images are file paths and
 * outputs are written to the paths given by their keys, exactly as on the command line. Returns "" on
 * success, otherwise the one-line error (and nothing is written). A table output without a path is
 * returned as CSV text instead. An existing output file or model folder is refused unless the options
 * hold the word {@code overwrite}.
 */
public final class Macro {

	private Macro() {}

	/** Runs the command {@code title} with macro-style options; "" or the CSV of unsaved tables on success. */
	public static String run(final String title, final String options) {
		final List<String> args = new ArrayList<>();
		args.add("--quiet");
		args.add(title);
		try {
			for (final String token : split(options == null ? "" : options)) {
				// the macro-style flag "overwrite" (or "--overwrite") replaces existing outputs
				args.add(token.equals("overwrite") ? "--overwrite" : token);
			}
		}
		catch (final NoisyLabelsException e) {
			return "error: " + e.getMessage();
		}
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final org.scijava.Context fiji = fijiContext();
		// plain ImageJ 1.x loads the suite from its plugins folder: SciJava must find the commands there too
		final Thread thread = Thread.currentThread();
		final ClassLoader previous = thread.getContextClassLoader();
		if (fiji == null) thread.setContextClassLoader(Macro.class.getClassLoader());
		final int code;
		try {
			code = new CommandLine(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
				StandardCharsets.UTF_8)).run(args.toArray(new String[0]), fiji);
		}
		finally {
			thread.setContextClassLoader(previous);
		}
		if (code != 0) {
			final String msg = err.toString(StandardCharsets.UTF_8).trim();
			return msg.isEmpty() ? "error: exit code " + code : msg.substring(msg.lastIndexOf('\n') + 1);
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Fiji's SciJava context when the bridge runs inside Fiji (ImageJ2's legacy layer answers
	 * {@code IJ.runPlugIn("org.scijava.Context", "")} with it), or null in plain ImageJ 1.x and outside
	 * ImageJ: then the command line starts its own small context.
	 */
	static org.scijava.Context fijiContext() {
		try {
			Class.forName("net.imagej.legacy.LegacyService", false, Macro.class.getClassLoader());
		}
		catch (final ClassNotFoundException | LinkageError e) {
			return null; // no legacy layer: asking IJ.runPlugIn would create a full context of its own
		}
		try {
			final Object o = ij.IJ.runPlugIn("org.scijava.Context", "");
			return o instanceof org.scijava.Context ? (org.scijava.Context) o : null;
		}
		catch (final RuntimeException | LinkageError e) {
			return null;
		}
	}

	/** Splits {@code k=v k2=[v w] k3="v w"} into {@code k=v} tokens. */
	static List<String> split(final String options) {
		final List<String> tokens = new ArrayList<>();
		final StringBuilder cur = new StringBuilder();
		char close = 0;
		for (int i = 0; i < options.length(); i++) {
			final char c = options.charAt(i);
			if (close != 0) {
				if (c == close) close = 0;
				else cur.append(c);
			}
			else if (c == '[' && cur.length() > 0 && cur.charAt(cur.length() - 1) == '=') close = ']';
			else if (c == '"' && cur.length() > 0 && cur.charAt(cur.length() - 1) == '=') close = '"';
			else if (Character.isWhitespace(c)) {
				if (cur.length() > 0) tokens.add(cur.toString());
				cur.setLength(0);
			}
			else cur.append(c);
		}
		if (close != 0) throw new NoisyLabelsException("unbalanced " + (close == ']' ? "[" : "\"") + " in the macro options: " + options);
		if (cur.length() > 0) tokens.add(cur.toString());
		return tokens;
	}
}
