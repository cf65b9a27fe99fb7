package org.noisylabels.command;

import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.method.NoisyLabelMethodService;
import org.scijava.MenuPath;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
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
		super(TrainMethodCommand.class);
		this.method = method;
		final String label = NoisyLabelMethodService.label(method);
		setMenuPath(new MenuPath(TRAIN_MENU + label));
		setLabel(label);
		setName(NoisyLabelMethodService.name(method));
		final String d = method.getDescription();
		setDescription(d != null && !d.isEmpty() ? d : "Train a U-Net with the " + label + " method (" +
			method.getClassName() + ")");
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
