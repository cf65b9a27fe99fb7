package org.noisylabels.command;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;

/**
 * In a macro call of a Noisy Labels command, keeps every input's value from before ImageJ's macro
 * preprocessor (priority 2 &times; VERY_HIGH) reads the macro's options, so that {@link MacroDefaultsPreprocessor}
 * can give back its default to a key that ImageJ found inside another key (see
 * {@link MacroDefaultsPreprocessor#exactKeys}).
 */
@Plugin(type = PreprocessorPlugin.class, priority = 2 * Priority.VERY_HIGH + 1)
public class MacroKeysSnapshot extends AbstractPreprocessorPlugin {

	private static final Map<Module, Map<String, Object>> BEFORE = Collections.synchronizedMap(new WeakHashMap<>());

	@Override
	public void process(final Module module) {
		if (!(module.getDelegateObject() instanceof NoisyLabelsCommand) || !MacroDefaultsPreprocessor.inMacroCall()) return;
		BEFORE.put(module, values(module));
	}

	/** The current value of every input. */
	static Map<String, Object> values(final Module module) {
		final Map<String, Object> v = new HashMap<>();
		for (final ModuleItem<?> item : module.getInfo().inputs()) v.put(item.getName(), module.getInput(item.getName()));
		return v;
	}

	/** The values kept for this module (then forgotten), or null. */
	static Map<String, Object> take(final Module module) {
		return BEFORE.remove(module);
	}
}
