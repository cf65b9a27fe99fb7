package org.noisylabels.ij1;

import java.util.LinkedHashMap;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;

/**
 * Parses ImageJ 1.x macro option strings: {@code key=value key2=[value with spaces] flag}. A key without
 * "=value" (how ImageJ records a ticked checkbox) gets the value "true". Keys are kept as written, in order.
 */
public final class Options {

	private Options() {}

	public static Map<String, String> parse(final String options) {
		final Map<String, String> map = new LinkedHashMap<>();
		if (options == null) return map;
		final String s = options.trim();
		int i = 0;
		while (i < s.length()) {
			while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
			if (i >= s.length()) break;
			final int keyStart = i;
			while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
			final String key = s.substring(keyStart, i);
			String value = "true";
			if (i < s.length() && s.charAt(i) == '=') {
				i++;
				if (i < s.length() && s.charAt(i) == '[') {
					final int end = s.indexOf(']', i + 1);
					if (end < 0) throw new NoisyLabelsException("option '" + key + "' has a '[' without ']'");
					value = s.substring(i + 1, end);
					i = end + 1;
				}
				else {
					final int start = i;
					while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
					value = s.substring(start, i);
				}
			}
			if (key.isEmpty()) throw new NoisyLabelsException("options \"" + options + "\" contain '=' without a key");
			if (map.containsKey(key)) throw new NoisyLabelsException("key '" + key + "' is given twice");
			map.put(key, value);
		}
		return map;
	}
}
