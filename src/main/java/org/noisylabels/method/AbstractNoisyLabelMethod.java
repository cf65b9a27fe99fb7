package org.noisylabels.method;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.plugin.AbstractRichPlugin;

/** Base class of methods: a SciJava plugin with an empty parameter map to extend. */
public abstract class AbstractNoisyLabelMethod extends AbstractRichPlugin implements NoisyLabelMethod {

	@Override
	public Map<String, Object> parameters() {
		return new LinkedHashMap<>();
	}
}
