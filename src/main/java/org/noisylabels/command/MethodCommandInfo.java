package org.noisylabels.command;

import java.lang.reflect.Proxy;

import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.method.NoisyLabelMethodService;
import org.scijava.MenuPath;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.plugin.Plugin;
import org.scijava.plugin.PluginInfo;

/**
 * The menu entry Plugins › Noisy Labels › Train › <i>label</i> of one discovered method: a
 * {@link TrainMethodCommand} bound to that method, so that the method's own keys join the Train keys in
 * its dialog, macro calls, the Recorder, the command line and {@code --help}. Created by
 * {@link TrainMenuService} for every visible {@link NoisyLabelMethod}.
 */
public class MethodCommandInfo extends CommandInfo {

	/** Where the methods' entries go. */
	public static final String TRAIN_MENU = "Plugins>Noisy Labels>Train>";

	private final PluginInfo<NoisyLabelMethod> method;

	public MethodCommandInfo(final PluginInfo<NoisyLabelMethod> method) {
		super(TrainMethodCommand.class, annotation());
		this.method = method;
		final String label = NoisyLabelMethodService.label(method);
		setMenuPath(new MenuPath(TRAIN_MENU + label));
		setLabel(label);
		setName(NoisyLabelMethodService.name(method));
		final String d = method.getDescription();
		setDescription(d != null && !d.isEmpty() ? d : "Train a U-Net with the " + label + " method (" +
			method.getClassName() + ")");
	}

	/**
	 * The {@code @Plugin} annotation an entry would have if it were written as a class: a Command, headless,
	 * visible, every other attribute at its default (ImageJ's legacy layer reads {@code visible()}).
	 */
	static Plugin annotation() {
		return (Plugin) Proxy.newProxyInstance(Plugin.class.getClassLoader(), new Class<?>[] { Plugin.class }, (proxy,
			m, args) -> {
			switch (m.getName()) {
				case "type":
					return Command.class;
				case "headless":
				case "visible":
					return true;
				case "annotationType":
					return Plugin.class;
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "@" + Plugin.class.getName() + "(type = Command.class, headless = true)";
				default:
					return m.getDefaultValue();
			}
		});
	}

	/** The method this entry trains with. */
	public PluginInfo<NoisyLabelMethod> method() {
		return method;
	}

	@Override
	public Module createModule() {
		final TrainMethodCommand c = new TrainMethodCommand();
		c.bind(this);
		return c;
	}

	@Override
	public boolean canRunHeadless() {
		return true;
	}

	@Override
	public String getInitializer() {
		return "";
	}

	@Override
	public String getIdentifier() {
		return "command:" + TrainMethodCommand.class.getName() + "(method=" + NoisyLabelMethodService.name(method) +
			")";
	}
}
