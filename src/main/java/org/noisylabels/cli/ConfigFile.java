package org.noisylabels.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ini4j.Config;
import org.ini4j.Ini;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.Profile;
import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;

/**
 * A PyMIC configuration file (INI; sections {@code [dataset]}, {@code [network]}, {@code [training]},
 * {@code [noisy_label_learning]}, {@code [testing]}), read with ini4j and typed as PyMIC types its values:
 * whole numbers, numbers, {@code True}/{@code False}, {@code None}, lists in brackets, otherwise text.
 * {@link ConfigRun} turns it into the suite's commands and keys.
 */
public final class ConfigFile {

	/** The file (absolute). */
	public final File file;
	private final Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
	private final Map<String, Map<String, String>> raw = new LinkedHashMap<>();
	private final Set<String> read = new HashSet<>();

	private ConfigFile(final File file) {
		this.file = file.getAbsoluteFile();
	}

	/** Reads {@code file}; a missing, unreadable or malformed file is refused in one line. */
	public static ConfigFile read(final File file) {
		if (file == null || !file.isFile()) throw new NoisyLabelsException("configuration file " + file +
			" does not exist: give the path of a PyMIC-style .cfg file");
		final Ini ini = new Ini();
		final Config c = ini.getConfig().clone();
		c.setEscape(false); // Windows paths keep their backslashes
		c.setMultiOption(true); // to see (and refuse) a key given twice
		c.setMultiSection(true);
		c.setEmptyOption(true);
		c.setLowerCaseSection(false);
		c.setLowerCaseOption(false);
		ini.setConfig(c);
		try {
			ini.load(file);
		}
		catch (final InvalidFileFormatException e) {
			throw new NoisyLabelsException("configuration file " + file + " is not an INI file (" + e.getMessage()
				.replace('\n', ' ') + "): give [section] lines and key = value lines");
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("cannot read configuration file " + file + ": " + e.getMessage());
		}
		final ConfigFile cfg = new ConfigFile(file);
		for (final String name : ini.keySet()) {
			if (ini.getAll(name).size() > 1) throw new NoisyLabelsException(file.getName() + ": section [" + name +
				"] is given twice: merge its keys into one section");
			final Profile.Section s = ini.get(name);
			final Map<String, Object> typed = new LinkedHashMap<>();
			final Map<String, String> text = new LinkedHashMap<>();
			for (final String key : s.keySet()) {
				if (s.getAll(key).size() > 1) throw new NoisyLabelsException(file.getName() + ": [" + name + "] " + key +
					" is given twice: keep one");
				final String v = s.get(key) == null ? "" : stripComment(s.get(key)).trim();
				text.put(key, v);
				typed.put(key, value(v));
			}
			cfg.sections.put(name.trim(), typed);
			cfg.raw.put(name.trim(), text);
		}
		if (cfg.sections.isEmpty()) throw new NoisyLabelsException("configuration file " + file +
			" has no section: give at least [dataset], [network] and [training]");
		return cfg;
	}

	/** An inline comment after the value ("0.8  # ratio") is dropped, as PyMIC's parser does with '#'. */
	private static String stripComment(final String v) {
		final int hash = v.indexOf(" #");
		return hash >= 0 ? v.substring(0, hash) : v;
	}

	/** PyMIC's typing of one value. */
	public static Object value(final String s) {
		final String t = s.trim();
		if (t.startsWith("[") && t.endsWith("]")) {
			final List<Object> l = new ArrayList<>();
			final String inner = t.substring(1, t.length() - 1).trim();
			if (!inner.isEmpty()) for (final String e : inner.split(",")) l.add(value(e));
			return l;
		}
		if (t.equals("None")) return null;
		if (t.equalsIgnoreCase("true")) return Boolean.TRUE;
		if (t.equalsIgnoreCase("false")) return Boolean.FALSE;
		try {
			return Long.parseLong(t);
		}
		catch (final NumberFormatException e) {
			// not a whole number
		}
		try {
			if (t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) return Double.parseDouble(t);
		}
		catch (final NumberFormatException e) {
			// text
		}
		return t;
	}

	public boolean has(final String section) {
		return sections.containsKey(section);
	}

	public boolean has(final String section, final String key) {
		return has(section) && sections.get(section).containsKey(key);
	}

	/** The section names in file order. */
	public List<String> sectionNames() {
		return new ArrayList<>(sections.keySet());
	}

	/** The keys of {@code section} in file order (empty when absent). */
	public List<String> keys(final String section) {
		return has(section) ? new ArrayList<>(sections.get(section).keySet()) : new ArrayList<>();
	}

	/** The typed value (marks the key as read); null when absent or None. */
	public Object get(final String section, final String key) {
		read.add(section + "\u0000" + key);
		return has(section) ? sections.get(section).get(key) : null;
	}

	/** The value as written in the file. */
	public String text(final String section, final String key) {
		return has(section) ? raw.get(section).get(key) : null;
	}

	/** Marks a key as read without using it (accepted PyMIC keys without effect in the suite). */
	public void accept(final String section, final String... keys) {
		for (final String k : keys) read.add(section + "\u0000" + k);
	}

	/** Keys of {@code section} nobody read, "[section] key" each. */
	public List<String> unread(final String section) {
		final List<String> l = new ArrayList<>();
		for (final String k : keys(section))
			if (!read.contains(section + "\u0000" + k)) l.add(k);
		return l;
	}

	// -- typed getters: errors name the section, the key and what is allowed --

	public NoisyLabelsException bad(final String section, final String key, final String what) {
		return new NoisyLabelsException(file.getName() + ": [" + section + "] " + key + " = " + text(section, key) + ": " +
			what);
	}

	public String string(final String section, final String key, final String def) {
		final Object v = get(section, key);
		if (v == null) return def;
		if (v instanceof List) throw bad(section, key, "give one value, not a list");
		return String.valueOf(v instanceof Double ? text(section, key) : v);
	}

	public String choice(final String section, final String key, final String def, final String... allowed) {
		final String v = string(section, key, def);
		if (v == null) return null;
		for (final String a : allowed)
			if (a.equalsIgnoreCase(v)) return a;
		throw bad(section, key, "allowed: " + String.join(", ", allowed));
	}

	public Long whole(final String section, final String key, final Long def, final long min, final long max) {
		final Object v = get(section, key);
		if (v == null) return def;
		if (!(v instanceof Long)) throw bad(section, key, "must be a whole number in [" + min + ", " + max + "]");
		final long l = (Long) v;
		if (l < min || l > max) throw bad(section, key, "must be a whole number in [" + min + ", " + max + "]");
		return l;
	}

	public Double number(final String section, final String key, final Double def, final double min,
		final double max)
	{
		final Object v = get(section, key);
		if (v == null) return def;
		if (!(v instanceof Long || v instanceof Double)) throw bad(section, key, "must be a number in [" + Check.fmt(min) +
			", " + Check.fmt(max) + "]");
		final double d = ((Number) v).doubleValue();
		if (Double.isNaN(d) || d < min || d > max) throw bad(section, key, "must be a number in [" + Check.fmt(min) + ", " +
			Check.fmt(max) + "]");
		return d;
	}

	public Boolean bool(final String section, final String key, final Boolean def) {
		final Object v = get(section, key);
		if (v == null) return def;
		if (!(v instanceof Boolean)) throw bad(section, key, "must be True or False");
		return (Boolean) v;
	}

	/** A list of numbers (a single number is a list of one). */
	public List<Double> numbers(final String section, final String key) {
		final Object v = get(section, key);
		if (v == null) return null;
		final List<?> l = v instanceof List ? (List<?>) v : Arrays.asList(v);
		final List<Double> d = new ArrayList<>();
		for (final Object o : l) {
			if (!(o instanceof Number)) throw bad(section, key, "must be a list of numbers, e.g. [16, 32, 64]");
			d.add(((Number) o).doubleValue());
		}
		return d;
	}

	/** A list of names. */
	public List<String> names(final String section, final String key) {
		final Object v = get(section, key);
		if (v == null) return null;
		final List<?> l = v instanceof List ? (List<?>) v : Arrays.asList(v);
		final List<String> s = new ArrayList<>();
		for (final Object o : l) s.add(String.valueOf(o));
		return s;
	}

	/** A path relative to the configuration file's folder (absolute paths stay). */
	public File path(final String section, final String key) {
		final String s = string(section, key, null);
		if (s == null || s.isEmpty()) return null;
		final File f = new File(s);
		return (f.isAbsolute() ? f : new File(file.getParentFile(), s)).toPath().normalize().toFile();
	}
}
