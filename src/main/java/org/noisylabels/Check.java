package org.noisylabels;

/** One-line validation of parameter values; every failure is a {@link NoisyLabelsException}. */
public final class Check {

	private Check() {}

	/** Requires {@code min <= value <= max} (and not NaN). */
	public static double range(final double value, final double min, final double max, final String key) {
		if (Double.isNaN(value) || value < min || value > max) {
			throw new NoisyLabelsException(key + "=" + fmt(value) + " is out of range: it must be between " +
				fmt(min) + " and " + fmt(max));
		}
		return value;
	}

	/** Requires {@code min <= value <= max}. */
	public static int range(final int value, final int min, final int max, final String key) {
		if (value < min || value > max) {
			throw new NoisyLabelsException(key + "=" + value + " is out of range: it must be between " + min +
				" and " + max);
		}
		return value;
	}

	/** Requires a probability in [0, 1]. */
	public static double probability(final double value, final String key) {
		return range(value, 0, 1, key);
	}

	/** Requires a non-null input, naming the missing key. */
	public static <T> T present(final T value, final String key) {
		if (value == null) throw new NoisyLabelsException("missing input '" + key + "': give " + key + "=...");
		return value;
	}

	/** Requires that {@code value} is one of {@code choices} (case-insensitive); returns the canonical choice. */
	public static String choice(final String value, final String key, final String... choices) {
		if (value != null) {
			for (final String c : choices) {
				if (c.equalsIgnoreCase(value.trim())) return c;
			}
		}
		throw new NoisyLabelsException(key + "=" + value + " is not allowed: use one of " + String.join(", ",
			choices));
	}

	public static String fmt(final double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return Double.toString(v);
	}
}
