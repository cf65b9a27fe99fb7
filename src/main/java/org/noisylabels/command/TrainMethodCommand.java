package org.noisylabels.command;

import org.noisylabels.method.NoisyLabelMethod;

/**
 * Trains with one discovered {@link NoisyLabelMethod}: the shared Train keys ({@link TrainCommand},
 * {@link TrainOptimizerCommand}) plus the method's own keys, read from its {@code @Parameter} fields
 * ({@link org.noisylabels.method.MethodParameters}), never copied. This class itself has no {@code @Plugin} annotation: each
 * visible method gets an entry ({@link MethodCommandInfo}). A method that needs more inputs or outputs
 * than the Train keys (a second data set, extra result images) has a command of its own that extends this
 * class, names its method in {@link #boundMethod()} and adds only those fields; the method's keys still
 * come from the method.
 */
public class TrainMethodCommand extends TrainOptimizerCommand {

	// the binding to the method (its keys, its instance) is TrainCommand's, shared with PINT's command

	@Override
	protected void execute() {
		final NoisyLabelMethod m = method(pluginService);
		train(optimizerConfig(), m);
	}
}
