package org.noisylabels.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.command.NoisyLabelsCommand;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins › Noisy Labels › Run Configuration File: trains (or tests) as a PyMIC configuration file says,
 * exactly as {@code noisy-labels train|test CONFIG.cfg}: the model goes to {@code ckpt_save_dir}, the test
 * masks to {@code output_dir}, both relative to the file. Warnings (unknown keys) go to the log.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Run Configuration File")
public class RunConfigurationCommand extends NoisyLabelsCommand {

	@Parameter(label = "Configuration file", style = "open", persist = false,
		description = "A PyMIC-style .cfg file ([dataset], [network], [training], [noisy_label_learning], [testing])")
	private File config;

	@Parameter(label = "Stage", choices = { "train", "test" }, persist = false,
		description = "train: train the model; test: segment the test_csv images with it into output_dir")
	private String stage = "train";

	@Parameter(label = "Overwrite", persist = false,
		description = "Replace an existing model folder or output files (otherwise they are refused)")
	private boolean overwrite = false;

	@Override
	protected void execute() {
		if (config == null) throw new NoisyLabelsException("missing input 'config': give config=PATH of a .cfg file");
		final List<String> args = new ArrayList<>();
		if (overwrite) args.add("--overwrite");
		args.add(stage);
		args.add(config.getPath());
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final PrintStream tee = new PrintStream(new java.io.OutputStream() {

			@Override
			public void write(final int b) {
				System.err.write(b);
				err.write(b);
			}
		}, true, StandardCharsets.UTF_8);
		final int code = new CommandLine(new PrintStream(System.err, true, StandardCharsets.UTF_8), tee).run(args.toArray(
			new String[0]), context());
		if (code != 0) {
			final String msg = err.toString(StandardCharsets.UTF_8).trim();
			final String last = msg.substring(msg.lastIndexOf('\n') + 1);
			throw new NoisyLabelsException(last.startsWith("error: ") ? last.substring(7) : last.isEmpty() ? "exit code " +
				code : last);
		}
	}
}
