package org.noisylabels.command;

import org.noisylabels.train.ModelCache;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Frees the model that Apply Model keeps loaded (its native TensorFlow memory) in Fiji, ImageJ or the macro
 * bridge. On the command line ({@code noisy-labels}) every call is its own process, so there is nothing to
 * release, and the command says so.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Utilities>Release Models")
public class ReleaseModelsCommand extends NoisyLabelsCommand {

	@Parameter(type = ItemIO.OUTPUT, label = "Released")
	private String released;

	@Override
	protected void execute() {
		if (isCommandLineProcess()) {
			// scripts/noisy-labels: each call is a new process that frees its model when it ends
			released = "nothing to release: on the command line every call runs in its own process and frees its model when it ends";
		}
		else released = ModelCache.release() ? "1 model released" : "no model was loaded";
		log.info(released);
	}
}
