package org.noisylabels.command;

import org.noisylabels.train.ModelCache;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Frees the model that Apply Model keeps loaded (its native TensorFlow memory). */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Utilities>Release Models")
public class ReleaseModelsCommand extends NoisyLabelsCommand {

	@Parameter(type = ItemIO.OUTPUT, label = "Released")
	private String released;

	@Override
	protected void execute() {
		released = ModelCache.release() ? "1 model released" : "no model was loaded";
		log.info(released);
	}
}
