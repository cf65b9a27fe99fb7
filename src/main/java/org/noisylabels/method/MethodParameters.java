package org.noisylabels.method;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.util.ClassUtils;

/**
 * A method's own keys, declared once as {@code @Parameter} fields on the method class (the field name is
 * the key, its initial value the default, the annotation's label, description, min, max and choices the
 * rest). This class reads those declarations for everything that shows or takes a method's keys: the
 * Train commands' dialogs and macro keys, the command line and its {@code --help}, configuration files,
 * and the record in model.json. Keys are lowercase snake_case; supported types are double, float, int,
 * long, boolean and String.
 */
public final class MethodParameters {

	private MethodParameters() {}

	/** One declared key. */
	public static final class Key {

		public final String name;
		public final Class<?> type;
		public final Object defaultValue;
		public final String label, description;
		/** Null when not bounded. */
		public final Double min, max;
		/** Empty when free. */
		public final List<String> choices;
		final Field field;

		Key(final Field field, final Object defaultValue) {
			final Parameter p = field.getAnnotation(Parameter.class);
			this.field = field;
			this.name = field.getName();
			this.type = field.getType();
			this.defaultValue = defaultValue;
			this.label = p.label().isEmpty() ? name : p.label();
			this.description = p.description();
			this.min = p.min().isEmpty() ? null : Double.valueOf(p.min());
			this.max = p.max().isEmpty() ? null : Double.valueOf(p.max());
			final List<String> c = new ArrayList<>(Arrays.asList(p.choices()));
			if (c.isEmpty() && type.isEnum()) for (final Object e : type.getEnumConstants()) c.add(((Enum<?>) e).name());
			this.choices = c;
		}

		/** The value of this key in {@code method}. */
		public Object get(final Object method) {
			return ClassUtils.getValue(field, holder(method));
		}

		public boolean isNumber() {
			return type == double.class || type == float.class || type == int.class || type == long.class;
		}

		public boolean isWhole() {
			return type == int.class || type == long.class;
		}
	}

	/**
	 * The keys of method class {@code c} (its own and inherited {@code @Parameter} fields, superclass keys
	 * first), with the defaults of a new instance.
	 */
	public static List<Key> keys(final Class<?> c) {
		final Object fresh;
		try {
			fresh = c.getDeclaredConstructor().newInstance();
		}
		catch (final ReflectiveOperationException e) {
			throw new IllegalArgumentException(c.getName() + " needs a public no-argument constructor", e);
		}
		final Object holder = holder(fresh);
		return keys(holder.getClass(), holder);
	}

	/** Where {@code method}'s keys live ({@link NoisyLabelMethod#keys()}). */
	static Object holder(final Object method) {
		return method instanceof NoisyLabelMethod ? ((NoisyLabelMethod) method).keys() : method;
	}

	private static List<Key> keys(final Class<?> c, final Object defaults) {
		final List<Key> keys = new ArrayList<>();
		for (final Field f : fields(c)) keys.add(new Key(f, ClassUtils.getValue(f, defaults)));
		return keys;
	}

	private static List<Field> fields(final Class<?> c) {
		final List<Field> list = new ArrayList<>();
		final List<Class<?>> chain = new ArrayList<>();
		for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) chain.add(0, k);
		for (final Class<?> k : chain) {
			for (final Field f : k.getDeclaredFields()) {
				final Parameter p = f.getAnnotation(Parameter.class);
				if (p == null || Modifier.isStatic(f.getModifiers()) || p.type() == ItemIO.OUTPUT) continue;
				if (!supported(f.getType())) continue; // a service or context injected by SciJava
				checkName(c, f);
				f.setAccessible(true);
				list.add(f);
			}
		}
		return list;
	}

	private static boolean supported(final Class<?> t) {
		return t == double.class || t == float.class || t == int.class || t == long.class || t == boolean.class ||
			t == String.class || t.isEnum();
	}

	private static void checkName(final Class<?> c, final Field f) {
		if (!f.getName().matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException(c.getName() + "." + f
			.getName() + ": a method's keys are lowercase snake_case field names");
	}

	/** The current values of {@code method}'s keys, in declaration order (what model.json records). */
	public static Map<String, Object> values(final Object method) {
		final Object h = holder(method);
		final Map<String, Object> m = new LinkedHashMap<>();
		for (final Field f : fields(h.getClass())) {
			final Object v = ClassUtils.getValue(f, h);
			m.put(f.getName(), v instanceof Enum ? ((Enum<?>) v).name() : v);
		}
		return m;
	}

	/** The key named {@code key} of {@code c}, or null. */
	public static Key key(final Class<?> c, final String key) {
		for (final Key k : keys(c))
			if (k.name.equals(key)) return k;
		return null;
	}

	/**
	 * Sets key {@code key} of {@code method} to {@code value}: a value of the key's type, or text (as from
	 * a macro, the command line or a configuration file) converted to it. Unknown keys and text that is not
	 * of the key's type are refused naming the key.
	 */
	public static void set(final Object target, final String key, final Object value) {
		final Object method = holder(target);
		Field field = null;
		for (final Field f : fields(method.getClass()))
			if (f.getName().equals(key)) field = f;
		if (field == null) {
			final List<String> names = new ArrayList<>();
			for (final Field f : fields(method.getClass())) names.add(f.getName());
			throw new NoisyLabelsException("unknown key '" + key + "' for " + target.getClass().getSimpleName() + ": its keys are " +
				String.join(", ", names));
		}
		ClassUtils.setValue(field, method, convert(field.getType(), key, value));
	}

	/** {@code value} as a value of {@code type} (boxed); text is parsed. */
	public static Object convert(final Class<?> type, final String key, final Object value) {
		if (value == null) {
			if (type.isPrimitive()) throw new NoisyLabelsException(key + " needs a value");
			return null;
		}
		if (!(value instanceof String)) {
			if (type.isInstance(value)) return value;
			if (type == String.class) return String.valueOf(value);
			if (type == boolean.class && value instanceof Boolean) return value;
			if (value instanceof Number) {
				final Number n = (Number) value;
				if (type == double.class) return n.doubleValue();
				if (type == float.class) return n.floatValue();
				if ((type == int.class || type == long.class) && n.doubleValue() != Math.rint(n.doubleValue()))
					throw new NoisyLabelsException(key + "=" + value + " is not a whole number");
				if (type == int.class) return n.intValue();
				if (type == long.class) return n.longValue();
			}
			throw new NoisyLabelsException(key + "=" + value + " is not " + typeWord(type));
		}
		final String s = ((String) value).trim();
		if (type == String.class) return s;
		if (type.isEnum()) {
			final List<String> names = new ArrayList<>();
			for (final Object c : type.getEnumConstants()) {
				if (((Enum<?>) c).name().equalsIgnoreCase(s)) return c;
				names.add(((Enum<?>) c).name());
			}
			throw new NoisyLabelsException(key + "=" + s + " is not allowed: use one of " + String.join(", ", names));
		}
		if (type == boolean.class) {
			if (s.equalsIgnoreCase("true")) return true;
			if (s.equalsIgnoreCase("false")) return false;
			throw new NoisyLabelsException(key + "=" + s + " is not true or false");
		}
		try {
			if (type == double.class) return Double.parseDouble(s);
			if (type == float.class) return Float.parseFloat(s);
			if (type == int.class) return Integer.parseInt(s);
			if (type == long.class) return Long.parseLong(s);
		}
		catch (final NumberFormatException e) {
			throw new NoisyLabelsException(key + "=" + s + " is not " + typeWord(type));
		}
		throw new IllegalArgumentException("unsupported key type " + type + " of " + key);
	}

	private static String typeWord(final Class<?> type) {
		if (type == int.class || type == long.class) return "a whole number";
		if (type == double.class || type == float.class) return "a number";
		if (type == boolean.class) return "true or false";
		return "text";
	}

	/**
	 * Checks every key of {@code method} against its declaration: numbers within [min, max] (and not NaN),
	 * text among the choices (matched ignoring case and stored in the declared spelling).
	 */
	public static void check(final Object target) {
		final Object method = holder(target);
		for (final Field f : fields(method.getClass())) {
			final Key k = new Key(f, null);
			final Object v = ClassUtils.getValue(f, method);
			if (k.isNumber()) {
				final double d = ((Number) v).doubleValue();
				if (Double.isNaN(d) || k.min != null && d < k.min || k.max != null && d > k.max) throw new NoisyLabelsException(
					k.name + "=" + fmt(v) + " is out of range: give a value in [" + (k.min == null ? "" : fmt(k.min)) + ", " +
						(k.max == null ? "" : fmt(k.max)) + "]");
			}
			else if (k.type.isEnum() && v == null) throw new NoisyLabelsException(k.name + " is missing: use one of " + String
				.join(", ", k.choices));
			else if (k.type == String.class && !k.choices.isEmpty()) {
				ClassUtils.setValue(f, method, Check.choice((String) v, k.name, k.choices.toArray(new String[0])));
			}
		}
	}

	private static String fmt(final Object v) {
		if (v instanceof Double || v instanceof Float) return Check.fmt(((Number) v).doubleValue());
		return String.valueOf(v).toLowerCase(Locale.ROOT);
	}
}
