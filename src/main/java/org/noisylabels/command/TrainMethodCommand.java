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
 * ({@link MethodParameters}), never copied. This class itself has no {@code @Plugin} annotation: each
 * visible method gets an entry ({@link MethodCommandInfo}). A method that needs more inputs or outputs
 * than the Train keys (a second data set, extra result images) has a command of its own that extends this
 * class, names its method in {@link #boundMethod()} and adds only those fields; the method's keys still
 * come from the method.
 */
public class TrainMethodCommand extends TrainOptimizerCommand {

	private MethodCommandInfo commandInfo;
	private PluginInfo<NoisyLabelMethod> method;
	private DynamicCommandInfo info;

	/** Binds this instance to its menu entry (before anything else is called). */
	void bind(final MethodCommandInfo ci) {
		this.commandInfo = ci;
		this.method = ci.method();
	}

	/**
	 * For a command class of its own: the name of its method (the {@code name} of the method's
	 * {@code @Plugin}); null for the generic entries.
	 */
	protected String boundMethod() {
		return null;
	}

	/** The method this instance trains with. */
	public PluginInfo<NoisyLabelMethod> method() {
		if (method == null && boundMethod() != null) {
			for (final PluginInfo<NoisyLabelMethod> m : pluginService.getPluginsOfType(NoisyLabelMethod.class)) {
				if (org.noisylabels.method.NoisyLabelMethodService.name(m).equals(boundMethod())) method = m;
			}
			if (method == null) throw new IllegalStateException("no NoisyLabelMethod plugin named " + boundMethod());
		}
		return method;
	}

	@Override
	public DynamicCommandInfo getInfo() {
		if (info == null) {
			final org.scijava.command.CommandInfo base;
			if (commandInfo != null) base = commandInfo;
			else if (boundMethod() != null) base = new org.scijava.command.CommandInfo(getClass());
			else throw new IllegalStateException(
				"TrainMethodCommand runs through a method's entry (MethodCommandInfo) or a subclass naming its method");
			info = new DynamicCommandInfo(base, getClass());
			for (final MethodParameters.Key k : keys()) {
				info.addInput(item(info, k));
				setInput(k.name, k.defaultValue);
			}
		}
		return info;
	}

	private java.util.List<MethodParameters.Key> keys() {
		try {
			return MethodParameters.keys(method().loadClass());
		}
		catch (final org.scijava.InstantiableException e) {
			throw new IllegalStateException("cannot load method " + method().getClassName(), e);
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
	protected NoisyLabelMethod method(final org.scijava.plugin.PluginService plugins) {
		final NoisyLabelMethod m = plugins.createInstance(method());
		if (m == null) throw new NoisyLabelsException("method " + method().getClassName() +
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
