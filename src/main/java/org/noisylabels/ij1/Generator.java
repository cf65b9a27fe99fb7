package org.noisylabels.ij1;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.noise.ContourPerturbation;
import org.noisylabels.noise.Morphology;
import org.noisylabels.noise.RandomFlipping;
import org.noisylabels.noise.RandomLabels;
import org.noisylabels.noise.RandomSampling;
import org.noisylabels.noise.Skeleton;

import ij.ImagePlus;

/**
 * The noise generators as seen from ImageJ 1.x: title, snake_case keys with defaults and ranges, output
 * names, and a call of the generator in {@code org.noisylabels.noise}. The keys, defaults and titles are
 * those of the SciJava commands, so a macro or command line written for one works with the other. This class
 * needs only ImageJ 1.x (no SciJava).
 */
public final class Generator {

	/** Kinds of parameter. */
	public enum Type {
		PROBABILITY, INT, SEED, BOOLEAN
	}

	/** One parameter: its key, type, default and (for numbers) range. */
	public static final class Param {

		public final String key;
		public final Type type;
		public final Object defaultValue;
		public final double min, max;
		public final String help;

		Param(final String key, final Type type, final Object defaultValue, final double min, final double max,
			final String help)
		{
			this.key = key;
			this.type = type;
			this.defaultValue = defaultValue;
			this.min = min;
			this.max = max;
			this.help = help;
		}

		/** Converts a text value (from a macro option) into this parameter's type, checking its range. */
		public Object parse(final String text) {
			final String v = text.trim();
			try {
				switch (type) {
					case BOOLEAN:
						if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return Boolean.TRUE;
						if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return Boolean.FALSE;
						throw new NoisyLabelsException(key + "=" + text + " is not a boolean: use true or false");
					case SEED:
						return Long.parseLong(v);
					case INT:
						return check(Integer.parseInt(v));
					default:
						return check(Double.parseDouble(v));
				}
			}
			catch (final NumberFormatException e) {
				throw new NoisyLabelsException(key + "=" + text + " is not " + (type == Type.PROBABILITY ? "a number"
					: "a whole number"));
			}
		}

		/** Checks the range of a number; returns it. */
		public Number check(final Number n) {
			if (type == Type.INT) Check.range(n.intValue(), (int) min, (int) max, key);
			else if (type == Type.PROBABILITY) Check.range(n.doubleValue(), min, max, key);
			return n;
		}
	}

	/** Titles, the same as the SciJava command titles. */
	public static final String SAMPLING = "Random Sampling (RCL)", FLIPPING = "Random Flipping (RCL)",
			DILATION = "Dilation (PCL)", EROSION = "Erosion (PCL)", SKELETON = "Skeleton (PCL)",
			RANDOM_LABELS = "Random Labels (RL)", CONTOUR = "Contour Perturbation";

	/** The suffix of the ImageJ 1.x menu labels, which must differ from the SciJava titles. */
	public static final String IJ1_SUFFIX = " [IJ1]";

	private static final Map<String, Generator> ALL = new LinkedHashMap<>();

	static {
		final Param seed = new Param("seed", Type.SEED, 42L, 0, 0, "random seed");
		final Param iterations = new Param("iterations", Type.INT, 1, 1, Morphology.MAX_ITERATIONS,
			"times the 3x3 element is applied");
		final Param threeD = new Param("three_d", Type.BOOLEAN, false, 0, 0, "3x3x3 cube across slices");
		add(new Generator("sampling", SAMPLING, "Keeps ceil(p_sample*n) random pixels of each class; the rest is ignored",
			new String[] { "noisy_label", "ignore_mask" }, new Param("p_sample", Type.PROBABILITY, 0.1, 0, 1,
				"fraction kept"), seed));
		add(new Generator("flipping", FLIPPING, "Flips round(p_flip*n) random pixels of each class to another class",
			new String[] { "noisy_label" }, new Param("p_flip", Type.PROBABILITY, 0.45, 0, 1, "fraction flipped"),
			seed));
		add(new Generator("dilation", DILATION, "Dilates with a 3x3 square (outside the image = background)",
			new String[] { "noisy_label" }, iterations, threeD));
		add(new Generator("erosion", EROSION, "Erodes with a 3x3 square (outside the image = background)",
			new String[] { "noisy_label" }, iterations, threeD));
		add(new Generator("skeleton", SKELETON, "One-pixel-wide skeleton of every object", new String[] {
			"noisy_label" }));
		add(new Generator("random", RANDOM_LABELS, "Every pixel is foreground with probability p_generate",
			new String[] { "noisy_label" }, new Param("p_generate", Type.PROBABILITY, 0.1, 0, 1,
				"foreground probability"), seed));
		add(new Generator("contour", CONTOUR,
			"Dilates, erodes or distorts round(noise_rate*N) random slices by r in [r_min, r_max]; dimensions=3: dilates or erodes the volume (per_object: the objects) once with an r x r x r cube", new String[] {
				"noisy_label", "perturbation" }, new Param("noise_rate", Type.PROBABILITY, 0.5, 0, 1,
					"fraction of slices perturbed (3D: of volumes or objects)"), new Param("r_min", Type.INT, 5, 1, ContourPerturbation.MAX_RADIUS,
						"smallest r"), new Param("r_max", Type.INT, 18, 1, ContourPerturbation.MAX_RADIUS, "largest r"),
			new Param("dimensions", Type.INT, 2, 2, 3, "2 = slice by slice, 3 = the stack is one volume"), new Param(
				"ball", Type.BOOLEAN, false, 0, 0, "3D: ball of diameter r instead of the r x r x r cube"), new Param(
					"per_object", Type.BOOLEAN, false, 0, 0, "3D: perturb round(noise_rate*N) of the N objects"), seed));
	}

	private static void add(final Generator g) {
		ALL.put(g.id, g);
	}

	/** Short id used as the ImageJ 1.x plugin argument ("sampling", "flipping", ...). */
	public final String id;
	/** The title (SciJava command title, without the " [IJ1]" suffix). */
	public final String title;
	public final String description;
	/** Output names: "noisy_label", then "ignore_mask" or "perturbation" where there is one. */
	public final List<String> outputs;
	public final List<Param> params;

	private Generator(final String id, final String title, final String description, final String[] outputs,
		final Param... params)
	{
		this.id = id;
		this.title = title;
		this.description = description;
		this.outputs = Collections.unmodifiableList(java.util.Arrays.asList(outputs));
		this.params = Collections.unmodifiableList(java.util.Arrays.asList(params));
	}

	/** Every generator, in menu order. */
	public static List<Generator> all() {
		return new ArrayList<>(ALL.values());
	}

	/**
	 * Finds a generator by id ("flipping"), title ("Random Flipping (RCL)") or ImageJ 1.x label ("Random Flipping
	 * (RCL) [IJ1]"), ignoring case.
	 */
	public static Generator find(final String name) {
		final String n = name == null ? "" : name.trim();
		for (final Generator g : ALL.values()) {
			if (g.id.equalsIgnoreCase(n) || g.title.equalsIgnoreCase(n) || (g.title + IJ1_SUFFIX).equalsIgnoreCase(n))
				return g;
		}
		final List<String> titles = new ArrayList<>();
		for (final Generator g : ALL.values()) titles.add("\"" + g.title + "\"");
		throw new NoisyLabelsException("unknown noise generator \"" + n + "\": use one of " + String.join(", ",
			titles));
	}

	/** The parameter with this key, or null. */
	public Param param(final String key) {
		for (final Param p : params) if (p.key.equals(key)) return p;
		return null;
	}

	/** Default values of every parameter. */
	public Map<String, Object> defaults() {
		final Map<String, Object> v = new LinkedHashMap<>();
		for (final Param p : params) v.put(p.key, p.defaultValue);
		return v;
	}

	/**
	 * Runs the generator on {@code label} with the given parameter values (missing ones take their defaults) and
	 * returns the outputs by name (images, and a ResultsTable for "perturbation").
	 */
	public Map<String, Object> run(final ImagePlus label, final Map<String, Object> values,
		final Progress progress)
	{
		final Map<String, Object> v = defaults();
		for (final Map.Entry<String, Object> e : values.entrySet()) {
			final Param p = param(e.getKey());
			if (p == null) throw new NoisyLabelsException("unknown key '" + e.getKey() + "' for \"" + title + "\"");
			v.put(e.getKey(), e.getValue() instanceof Number ? p.check((Number) e.getValue()) : e.getValue());
		}
		final Map<String, Object> out = new LinkedHashMap<>();
		switch (id) {
			case "sampling": {
				final RandomSampling.Result r = RandomSampling.apply(label, num(v, "p_sample"), seed(v), progress);
				out.put("noisy_label", r.noisyLabel);
				out.put("ignore_mask", r.ignoreMask);
				break;
			}
			case "flipping":
				out.put("noisy_label", RandomFlipping.apply(label, num(v, "p_flip"), seed(v), progress));
				break;
			case "dilation":
			case "erosion":
				out.put("noisy_label", Morphology.apply(label, ((Number) v.get("iterations")).intValue(), (Boolean) v.get(
					"three_d"), id.equals("dilation"), progress));
				break;
			case "skeleton":
				out.put("noisy_label", Skeleton.apply(label, progress));
				break;
			case "random":
				out.put("noisy_label", RandomLabels.apply(label, num(v, "p_generate"), seed(v), progress));
				break;
			case "contour": {
				final ContourPerturbation.Result r = ContourPerturbation.apply(label, num(v, "noise_rate"),
					((Number) v.get("r_min")).intValue(), ((Number) v.get("r_max")).intValue(), seed(v), ((Number) v.get(
						"dimensions")).intValue(), (Boolean) v.get("ball"), (Boolean) v.get("per_object"), progress);
				out.put("noisy_label", r.noisyLabel);
				out.put("perturbation", r.table);
				break;
			}
			default:
				throw new IllegalStateException(id);
		}
		return out;
	}

	private static double num(final Map<String, Object> v, final String key) {
		return ((Number) v.get(key)).doubleValue();
	}

	private static long seed(final Map<String, Object> v) {
		return ((Number) v.get("seed")).longValue();
	}

	@Override
	public String toString() {
		return title;
	}
}
