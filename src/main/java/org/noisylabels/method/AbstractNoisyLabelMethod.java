package org.noisylabels.method;

import java.util.Map;

import org.scijava.plugin.AbstractRichPlugin;

/**
 * Base class of methods: a SciJava plugin whose keys are its {@code @Parameter} fields (see
 * {@link MethodParameters}); {@link #parameters()} records them and {@link #validate()} checks them against
 * their declared ranges and choices. Override {@link #validate()} (calling {@code super.validate()}) for
 * checks that involve several keys.
 */
public abstract class AbstractNoisyLabelMethod extends AbstractRichPlugin implements NoisyLabelMethod {

	@Override
	public Map<String, Object> parameters() {
		return MethodParameters.values(this);
	}

	@Override
	public void validate() {
		MethodParameters.check(this);
	}
}
