package org.noisylabels.command;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.method.MethodParameters;
import org.noisylabels.method.NoisyLabelMethod;
import org.scijava.command.DynamicCommandInfo;
import org.scijava.module.DefaultMutableModuleItem;
import org.scijava.plugin.PluginInfo;

/**
 * Trains with one discovered {@link NoisyLabelMethod}: the shared Train keys ({@link TrainCommand},
 * {@link TrainOptimizerCommand}) plus the method's own keys, read from its {@code @Parameter} fields
 * ({@link MethodParameters}). There is one menu entry per method ({@link MethodCommandInfo}); this class
 * has no {@code @Plugin} annotation of its own.
 */
public class TrainMethodCommand extends TrainOptimizerCommand {

	private MethodCommandInfo commandInfo;
	private DynamicCommandInfo info;

	/** Binds this instance to its menu entry (before anything else is called). */
	void bind(final MethodCommandInfo ci) {
		this.commandInfo = ci;
	}

	/** The method this instance trains with. */
	public PluginInfo<NoisyLabelMethod> method() {
		return commandInfo == null ? null : commandInfo.method();
	}

	@Override
	public DynamicCommandInfo getInfo() {
		if (info == null) {
			if (commandInfo == null) throw new IllegalStateException(
				"TrainMethodCommand runs through a method's entry (MethodCommandInfo)");
			info = new DynamicCommandInfo(commandInfo, getClass());
			for (final MethodParameters.Key k : keys()) {
				info.addInput(item(info, k));
				setInput(k.name, k.defaultValue);
			}
		}
		return info;
	}

	private java.util.List<MethodParameters.Key> keys() {
		try {
			return MethodParameters.keys(commandInfo.method().loadClass());
		}
		catch (final org.scijava.InstantiableException e) {
			throw new IllegalStateException("cannot load method " + commandInfo.method().getClassName(), e);
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static DefaultMutableModuleItem<?> item(final DynamicCommandInfo info, final MethodParameters.Key k) {
		final DefaultMutableModuleItem item = new DefaultMutableModuleItem<>(info, k.name, k.type);
		item.setLabel(k.label);
		item.setDescription(k.description);
		item.setPersisted(false);
		item.setRequired(true);
		item.setDefaultValue(k.defaultValue);
		if (k.isNumber()) {
			if (k.min != null) item.setMinimumValue(MethodParameters.convert(k.type, k.name, k.min));
			if (k.max != null) item.setMaximumValue(MethodParameters.convert(k.type, k.name, k.max));
		}
		if (!k.choices.isEmpty()) item.setChoices(k.choices);
		return item;
	}

	/** A new instance of the method with this command's values of its keys, checked. */
	NoisyLabelMethod method(final org.scijava.plugin.PluginService plugins) {
		final NoisyLabelMethod m = plugins.createInstance(commandInfo.method());
		if (m == null) throw new NoisyLabelsException("method " + commandInfo.method().getClassName() +
			" cannot be created (see the log)");
		for (final MethodParameters.Key k : keys()) MethodParameters.set(m, k.name, getInput(k.name));
		m.validate();
		return m;
	}

	@Override
	protected void execute() {
		final NoisyLabelMethod m = method(pluginService);
		train(optimizerConfig(), m);
	}
}
