package org.noisylabels.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.method.NoisyLabelMethodService;
import org.scijava.Priority;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.plugin.PluginInfo;
import org.scijava.plugin.PluginService;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

/**
 * Gives every discovered method its entry Plugins › Noisy Labels › Train › <i>label</i>
 * ({@link MethodCommandInfo}), when the context starts: the suite's methods and those of users' jars alike.
 * A method with {@code visible = false} in its {@code @Plugin} annotation gets none (PINT and iGTT have
 * commands of their own), nor does one whose entry a command already holds. Runs before ImageJ's legacy
 * layer builds its menus (priority above it).
 */
@Plugin(type = Service.class, priority = Priority.HIGH)
public class TrainMenuService extends AbstractService implements SciJavaService {

	@Parameter
	private PluginService plugins;

	@Parameter
	private CommandService commands;

	@Parameter
	private NoisyLabelMethodService methods;

	private final List<MethodCommandInfo> entries = new ArrayList<>();

	@Override
	public void initialize() {
		final Set<String> taken = new HashSet<>();
		for (final CommandInfo c : commands.getCommands()) {
			if (c.getMenuPath() != null && !c.getMenuPath().isEmpty()) taken.add(c.getMenuPath().getMenuString(true));
		}
		for (final PluginInfo<NoisyLabelMethod> m : methods.methods()) {
			if (!m.isVisible()) continue;
			final MethodCommandInfo e = new MethodCommandInfo(m);
			if (!taken.add(e.getMenuPath().getMenuString(true))) {
				log().warn("method " + NoisyLabelMethodService.name(m) + ": the menu entry " + e.getMenuPath()
					.getMenuString(true) + " is taken by another command; give the method another label");
				continue;
			}
			entries.add(e);
		}
		plugins.addPlugins(entries);
	}

	/** The entries this service added. */
	public List<MethodCommandInfo> entries() {
		return new ArrayList<>(entries);
	}
}
