package org.noisylabels.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;
import org.scijava.plugin.AbstractPTService;
import org.scijava.plugin.Plugin;
import org.scijava.plugin.PluginInfo;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

/**
 * Lists the noisy-label methods: every {@code @Plugin(type = NoisyLabelMethod.class)} on the class path,
 * the suite's and the users' own, as Labkit lists its segmenters. A method's name (the plugin's
 * {@code name}, e.g. {@code co_teaching}) is what model.json, configuration files and the command line use;
 * its label (e.g. "Co-Teaching") is its menu entry under Plugins › Noisy Labels › Train.
 */
@Plugin(type = Service.class)
public class NoisyLabelMethodService extends AbstractPTService<NoisyLabelMethod> implements SciJavaService {

	@Override
	public Class<NoisyLabelMethod> getPluginType() {
		return NoisyLabelMethod.class;
	}

	/** Every method, sorted by name. */
	public List<PluginInfo<NoisyLabelMethod>> methods() {
		final List<PluginInfo<NoisyLabelMethod>> l = new ArrayList<>(getPlugins());
		l.sort((a, b) -> name(a).compareTo(name(b)));
		return l;
	}

	/** The method named {@code name} (its name or label, ignoring case, '-' and '_'), or an error listing them. */
	public PluginInfo<NoisyLabelMethod> find(final String name) {
		final String n = normalise(name);
		for (final PluginInfo<NoisyLabelMethod> info : methods()) {
			if (normalise(name(info)).equals(n) || normalise(label(info)).equals(n)) return info;
		}
		final List<String> names = new ArrayList<>();
		for (final PluginInfo<NoisyLabelMethod> info : methods()) names.add(name(info));
		throw new NoisyLabelsException("unknown method '" + name + "': the methods are " + String.join(", ", names));
	}

	/** A new instance of method {@code name}, with its default keys. */
	public NoisyLabelMethod create(final String name) {
		final NoisyLabelMethod m = pluginService().createInstance(find(name));
		if (m == null) throw new NoisyLabelsException("method '" + name + "' cannot be created (see the log)");
		return m;
	}

	/** The method's stable name (model.json, configuration files); the class's simple name when not given. */
	public static String name(final PluginInfo<?> info) {
		final String n = info.getName();
		if (n != null && !n.isEmpty()) return n;
		final String c = info.getClassName();
		return c.substring(c.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
	}

	/** The method's menu label; its name when not given. */
	public static String label(final PluginInfo<?> info) {
		final String l = info.getLabel();
		return l != null && !l.isEmpty() ? l : name(info);
	}

	private static String normalise(final String s) {
		return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
	}
}
