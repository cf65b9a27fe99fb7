package org.noisylabels.ij1;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.Tables;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Static entry points for ImageJ 1.x macros, usable fully headless (no dialog, no display) through the
 * macro function {@code call}:
 *
 * <pre>
 * err = call("org.noisylabels.ij1.Macros.noise", "Random Flipping (RCL)",
 *     "label=/data/gt.tif noisy_label=/data/flipped.tif p_flip=0.45 seed=1");
 * if (err != "") exit(err);
 * </pre>
 *
 * Image inputs and outputs are file paths (TIFF, or PNG for single 2D images; paths with spaces in
 * [brackets]); the table output "perturbation" is a .csv path. Outputs are written only on success, all at
 * once.
 */
public final class Macros {

	private Macros() {}

	/**
	 * Runs one noise generator: {@code title} is the command title ("Random Flipping (RCL)", the " [IJ1]"
	 * label or the short id "flipping" also work); {@code options} are {@code key=value} pairs with
	 * {@code label=PATH}, the parameters (missing ones take their defaults) and at least one output path
	 * ({@code noisy_label=PATH}, {@code ignore_mask=PATH}, {@code perturbation=PATH.csv}). Returns "" on
	 * success, otherwise one line starting with "error: ".
	 */
	public static String noise(final String title, final String options) {
		try {
			run(title, options);
			return "";
		}
		catch (final NoisyLabelsException e) {
			return "error: " + e.getMessage();
		}
		catch (final RuntimeException | OutOfMemoryError e) {
			return "error: internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage();
		}
	}

	/** Like {@link #noise(String, String)} but throws {@link NoisyLabelsException} on bad input. */
	public static void run(final String title, final String options) {
		final Generator g = Generator.find(title);
		final Map<String, String> given = Options.parse(options);
		for (final String key : given.keySet()) {
			if (!key.equals("label") && g.param(key) == null && !g.outputs.contains(key)) {
				final List<String> valid = new ArrayList<>();
				valid.add("label");
				for (final Generator.Param p : g.params) valid.add(p.key);
				valid.addAll(g.outputs);
				throw new NoisyLabelsException("unknown key '" + key + "' for \"" + g.title + "\": valid keys are " + String
					.join(", ", valid));
			}
		}
		final String labelPath = given.get("label");
		if (labelPath == null) throw new NoisyLabelsException("missing key 'label' for \"" + g.title +
			"\": give label=PATH");
		final Map<String, Path> outPaths = new LinkedHashMap<>();
		for (final String o : g.outputs) {
			final String p = given.get(o);
			if (p == null) continue;
			final Path path = Paths.get(p.trim());
			if (o.equals("perturbation")) Tables.checkCsvPath(path, o);
			else ImageFiles.checkImagePath(path, o);
			outPaths.put(o, path);
		}
		if (outPaths.isEmpty()) throw new NoisyLabelsException("no output path for \"" + g.title + "\": give " + g.outputs
			.get(0) + "=PATH.tif");
		final Map<String, Object> values = new LinkedHashMap<>();
		for (final Generator.Param p : g.params) {
			final String v = given.get(p.key);
			if (v != null) values.put(p.key, p.parse(v));
		}
		final ImagePlus label = ImageFiles.open(new File(labelPath.trim()), "label");
		final Map<String, Object> outputs = g.run(label, values, Progress.NONE);
		try (AtomicFiles batch = new AtomicFiles()) {
			for (final Map.Entry<String, Path> e : outPaths.entrySet()) {
				final Object value = outputs.get(e.getKey());
				if (value instanceof ResultsTable) batch.stage(e.getValue(), tmp -> Tables.write((ResultsTable) value, tmp));
				else batch.stage(e.getValue(), tmp -> ImageFiles.write((ImagePlus) value, tmp));
			}
			batch.commit();
		}
	}
}
