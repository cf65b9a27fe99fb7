package org.noisylabels.method;

import java.util.Locale;
import java.util.Map;

import org.scijava.plugin.AbstractRichPlugin;
import org.scijava.plugin.Plugin;

/**
 * Base class of methods: a SciJava plugin whose keys are its {@code @Parameter} fields (see
 * {@link MethodParameters}); {@link #parameters()} records them and {@link #validate()} checks them against
 * their declared ranges and choices. Override {@link #validate()} (calling {@code super.validate()}) for
 * checks that involve several keys.
 */
public abstract class AbstractNoisyLabelMethod extends AbstractRichPlugin implements NoisyLabelMethod {

	/** The {@code name} of the class's {@code @Plugin} annotation (its simple name in lower case when none). */
	@Override
	public String methodName() {
		final Plugin p = getClass().getAnnotation(Plugin.class);
		if (p != null && !p.name().isEmpty()) return p.name();
		return getClass().getSimpleName().toLowerCase(Locale.ROOT);
	}

	@Override
	public Map<String, Object> parameters() {
		return MethodParameters.values(this);
	}

	@Override
	public void validate() {
		MethodParameters.check(this);
	}
}
