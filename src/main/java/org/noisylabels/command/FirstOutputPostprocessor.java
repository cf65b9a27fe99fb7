package org.noisylabels.command;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.thread.ThreadService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;

/**
 * After a Noisy Labels command has shown its outputs, its first image output becomes the current image,
 * so that a macro's {@code run(...)} followed by {@code saveAs(...)} saves the result, not the input. Runs
 * after every display postprocessor. In a batch-mode macro without a display (ImageJ2's {@code --headless
 * -macro}), where no display postprocessor opens them, it registers the image outputs as batch-mode images
 * first, so that {@code getTitle()}, {@code selectImage(...)} and later {@code run(...)} calls find them.
 */
@Plugin(type = PostprocessorPlugin.class, priority = -1000001)
public class FirstOutputPostprocessor extends AbstractPostprocessorPlugin {

	@Parameter(required = false)
	private ThreadService threadService;

	@Override
	public void process(final Module module) {
		if (!(module.getDelegateObject() instanceof NoisyLabelsCommand)) return;
		if (module.getDelegateObject() instanceof org.scijava.Cancelable && ((org.scijava.Cancelable) module
			.getDelegateObject()).isCanceled()) return;
		// a macro in batch mode without a display (ImageJ2 --headless -macro): no display postprocessor opens
		// the outputs, so they are registered here as batch-mode images, as ImageJ 1.x does for its own
		final boolean register = Interpreter.isBatchMode() && !((NoisyLabelsCommand) module.getDelegateObject())
			.callerReportsErrors();
		ImagePlus first = null;
		for (final ModuleItem<?> item : module.getInfo().outputs()) {
			final Object v = module.getOutput(item.getName());
			if (!(v instanceof ImagePlus)) continue;
			final ImagePlus imp = (ImagePlus) v;
			if (register && imp.getWindow() == null && WindowManager.getImage(imp.getID()) != imp) Interpreter
				.addBatchModeImage(imp);
			if (first == null) first = imp;
		}
		if (first == null) return;
		// only an image that is open (shown, or registered by batch mode) can become the current one
		if (first.getWindow() != null) WindowManager.setCurrentWindow(first.getWindow());
		else if (Interpreter.isBatchMode() && WindowManager.getImage(first.getID()) == first) {
			Interpreter.activateImage(first);
			// batch mode's current image is per thread: this runs on the module's thread, the macro waits on the
			// thread that started the command (ImageJ2 with the legacy layer)
			final Thread caller = threadService == null ? null : threadService.getParent(Thread.currentThread());
			if (caller != null) WindowManager.setTempCurrentImage(caller, first);
		}
	}
}
