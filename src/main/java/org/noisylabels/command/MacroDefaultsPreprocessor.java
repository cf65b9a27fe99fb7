package org.noisylabels.command;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;

/**
 * In a macro call of a Noisy Labels command ({@code run("Title", "k=v ...")}), every key the macro left out
 * takes its documented default: no dialog, and (every parameter is {@code persist = false}) no value
 * remembered from an earlier run. Only a required image that the macro did not give stays unresolved (Fiji
 * uses the active image when there is one required image, as ImageJ 1.x does). Runs after Fiji's macro
 * preprocessor (priority 20000) and its active-image preprocessor, before the dialog. In every run,
 * {@code output_folder} is resolved (left out of the dialog) unless given.
 */
@Plugin(type = PreprocessorPlugin.class, priority = 5000)
public class MacroDefaultsPreprocessor extends AbstractPreprocessorPlugin {

	static final String OUTPUT_FOLDER = "output_folder";

	@Override
	public void process(final Module module) {
		if (!(module.getDelegateObject() instanceof NoisyLabelsCommand)) return;
		// output_folder is for macros and headless runs (which give it): never in the dialog, and never asked
		// for by SciJava's file chooser (which would take it for the command's single file input)
		// the same for the folder keys of single-image commands (label_folder of the noise generators, ...), except
		// in a command made for folders (Batch Apply Model), whose dialog asks for them
		final NoisyLabelsCommand command = (NoisyLabelsCommand) module.getDelegateObject();
		if (!command.foldersInDialog()) {
			for (final String name : command.folderKeys()) {
				if (!module.isInputResolved(name)) module.resolveInput(name);
			}
			if (!module.isInputResolved(OUTPUT_FOLDER)) module.resolveInput(OUTPUT_FOLDER);
		}
		if (inMacroCall()) resolveDefaults(module);
	}

	/** Whether the current thread runs a command from a macro's run(...) call with options. */
	static boolean inMacroCall() {
		return IJ.isMacro() && Macro.getOptions() != null;
	}

	/** Marks every input except unresolved required images as resolved (each keeps its current value). */
	static void resolveDefaults(final Module module) {
		for (final ModuleItem<?> item : module.getInfo().inputs()) {
			final String name = item.getName();
			if (module.isInputResolved(name)) continue;
			if (item.getType() == ImagePlus.class && item.isRequired() && module.getInput(name) == null) continue;
			module.resolveInput(name);
		}
	}
}
