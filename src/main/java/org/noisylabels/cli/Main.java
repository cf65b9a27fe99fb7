package org.noisylabels.cli;

/** Entry point of the self-contained jar: {@code java -jar Noisy_Labels-*-all.jar --list}. */
public final class Main {

	private Main() {}

	public static void main(final String[] args) {
		CommandLine.main(args);
	}
}
