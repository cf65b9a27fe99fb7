package org.noisylabels.command;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.WindowManager;

/**
 * After a Noisy Labels command has shown its outputs, its first image output becomes the current image,
 * so that a macro's {@code run(...)} followed by {@code saveAs(...)} saves the result, not the input. Runs
 * after every display postprocessor.
 */
@Plugin(type = PostprocessorPlugin.class, priority = -1000001)
public class FirstOutputPostprocessor extends AbstractPostprocessorPlugin {

	@Override
	public void process(final Module module) {
		if (!(module.getDelegateObject() instanceof NoisyLabelsCommand)) return;
		if (module.getDelegateObject() instanceof org.scijava.Cancelable && ((org.scijava.Cancelable) module
			.getDelegateObject()).isCanceled()) return;
		for (final ModuleItem<?> item : module.getInfo().outputs()) {
			final Object v = module.getOutput(item.getName());
			if (!(v instanceof ImagePlus)) continue;
			final ImagePlus imp = (ImagePlus) v;
			// only an image that is open (shown, or registered by batch mode) can become the current one
			if (imp.getWindow() != null) WindowManager.setCurrentWindow(imp.getWindow());
			else if (ij.macro.Interpreter.isBatchMode() && WindowManager.getImage(imp.getID()) == imp) ij.macro.Interpreter
				.activateImage(imp);
			return;
		}
	}
}
