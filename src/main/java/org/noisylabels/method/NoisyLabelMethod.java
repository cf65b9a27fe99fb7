package org.noisylabels.method;

import org.noisylabels.train.TrainingMethod;
import org.scijava.plugin.SciJavaPlugin;

/**
 * A noisy-label learning method as a SciJava plugin: the trainer's hooks (see {@link TrainingMethod},
 * driven by the shared {@link org.noisylabels.train.Trainer}) plus discovery.
 * <p>
 * A method is a SciJava plugin ({@code @Plugin(type = NoisyLabelMethod.class, name = "...", label = "...")}),
 * discovered by {@link NoisyLabelMethodService}; its keys are its {@code @Parameter} fields, declared once
 * ({@link MethodParameters}), and every visible method gets the menu entry Plugins › Noisy Labels › Train ›
 * label with the shared Train keys and its own. An instance is used for ONE training run. Extend
 * {@link AbstractNoisyLabelMethod}; see {@link Supervised} and examples/user-method/WeightedCE.java.
 */
public interface NoisyLabelMethod extends TrainingMethod, SciJavaPlugin {
	// the hooks are TrainingMethod's; methodName() and parameters() are recorded in model.json

	/**
	 * The object whose {@code @Parameter} fields are this method's keys ({@link MethodParameters}): the
	 * method itself, unless it keeps them in a parameter object (PINT's {@code Params}).
	 */
	default Object keys() {
		return this;
	}
}
