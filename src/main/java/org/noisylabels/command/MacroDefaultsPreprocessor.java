package org.noisylabels.command;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Parameter;
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

	@Parameter(required = false)
	private ConvertService convert;

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
		if (inMacroCall()) {
			exactKeys(module, Macro.getOptions(), MacroKeysSnapshot.take(module), convert);
			resolveDefaults(module);
		}
	}

	/**
	 * Reads every key of the macro's options exactly. ImageJ's macro preprocessor reads a key {@code k} from
	 * the first {@code k=} not preceded by a letter, so it finds {@code label=} inside {@code validation_label=}
	 * when that comes first, {@code gamma=} inside {@code lr_gamma=} when the macro gives no {@code gamma}, and
	 * {@code k=} inside a bracketed path. Where ImageJ's reading differs from the key's own value, the key
	 * gets its own value, or back the value it had before ({@code before}, its default) when the macro does
	 * not give it.
	 */
	static void exactKeys(final Module module, final String options, final Map<String, Object> before,
		final ConvertService convert)
	{
		if (options == null) return;
		final Map<String, String> given = parseOptions(options);
		for (final ModuleItem<?> item : module.getInfo().inputs()) {
			final String name = item.getName();
			final Class<?> type = item.getType();
			if (org.scijava.service.Service.class.isAssignableFrom(type) || org.scijava.Context.class.isAssignableFrom(
				type)) continue;
			final String read = Macro.getValue(options, name, null);
			if (read == null) continue; // ImageJ read nothing for this key: nothing was misread
			final String exact = given.get(name.toLowerCase(Locale.ROOT));
			if (read.equals(exact) || convert == null) continue;
			if (exact != null) {
				if (!convert.supports(exact, type)) continue;
				module.setInput(name, convert.convert(exact, type));
				module.resolveInput(name);
			}
			else if (before != null && before.containsKey(name) && convert.supports(read, type)) {
				// ImageJ set what it misread (it skips a value it cannot convert): the value from before, unresolved
				module.setInput(name, before.get(name));
				module.unresolveInput(name);
			}
		}
	}

	/**
	 * The {@code key=value} pairs of macro options ({@code key=[value with spaces]}, {@code key='value'}), keys
	 * in lower case, the first of a key kept; words without {@code =} are skipped.
	 */
	static Map<String, String> parseOptions(final String options) {
		final Map<String, String> map = new HashMap<>();
		int i = 0;
		final int n = options.length();
		while (i < n) {
			while (i < n && Character.isWhitespace(options.charAt(i))) i++;
			final int keyStart = i;
			while (i < n && options.charAt(i) != '=' && !Character.isWhitespace(options.charAt(i))) i++;
			if (i >= n || options.charAt(i) != '=') continue; // a word without a value
			final String key = options.substring(keyStart, i).toLowerCase(Locale.ROOT);
			i++;
			final String value;
			if (i < n && options.charAt(i) == '[') {
				int depth = 1, j = i + 1;
				for (; j < n && depth > 0; j++) {
					if (options.charAt(j) == '[') depth++;
					else if (options.charAt(j) == ']') depth--;
				}
				value = options.substring(i + 1, depth == 0 ? j - 1 : n);
				i = j;
			}
			else if (i < n && options.charAt(i) == '\'') {
				final int end = options.indexOf('\'', i + 1);
				value = options.substring(i + 1, end < 0 ? n : end);
				i = end < 0 ? n : end + 1;
			}
			else {
				final int start = i;
				while (i < n && !Character.isWhitespace(options.charAt(i))) i++;
				value = options.substring(start, i);
			}
			map.putIfAbsent(key, value);
		}
		return map;
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
