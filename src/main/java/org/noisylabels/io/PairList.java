package org.noisylabels.io;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.noisylabels.NoisyLabelsException;

/**
 * A list of image/label pairs in PyMIC's CSV form: a header row naming the columns {@code image} and
 * {@code label} (others, e.g. PyMIC's {@code pixel_weight}, are refused by name), then one pair per row;
 * relative paths are relative to a root folder (PyMIC's {@code root_dir}) or, without one, to the CSV
 * file's folder. Fields are plain (no quotes, no commas inside paths).
 */
public final class PairList {

	public final List<File> images = new ArrayList<>(), labels = new ArrayList<>();

	private PairList() {}

	/**
	 * Reads {@code csv} (key {@code key} in errors); {@code root} may be null. With {@code needLabels}
	 * false a missing label column is allowed (labels then stay empty).
	 */
	public static PairList read(final File csv, final File root, final String key, final boolean needLabels) {
		if (csv == null || !csv.isFile()) throw new NoisyLabelsException(key + ": " + csv +
			" does not exist: give a CSV file with the columns image,label");
		final List<String> lines;
		try {
			lines = Files.readAllLines(csv.toPath(), StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new NoisyLabelsException(key + ": cannot read " + csv + ": " + e.getMessage());
		}
		final List<String> rows = new ArrayList<>();
		for (final String l : lines)
			if (!l.trim().isEmpty()) rows.add(l);
		if (rows.isEmpty()) throw new NoisyLabelsException(key + ": " + csv + " is empty: give a header row image,label and one row per pair");
		final List<String> header = split(rows.get(0));
		final int ci = header.indexOf("image"), cl = header.indexOf("label");
		if (ci < 0) throw new NoisyLabelsException(key + ": " + csv + " has no column 'image' (header: " + rows.get(0) +
			"): the first row must name the columns image,label");
		if (cl < 0 && needLabels) throw new NoisyLabelsException(key + ": " + csv + " has no column 'label' (header: " +
			rows.get(0) + "): the first row must name the columns image,label");
		for (final String h : header) {
			if (!h.equals("image") && !h.equals("label")) throw new NoisyLabelsException(key + ": " + csv + " has the column '" +
				h + "', which the suite does not support (only image and label)");
		}
		final File base = root != null ? root : csv.getAbsoluteFile().getParentFile();
		final PairList list = new PairList();
		for (int r = 1; r < rows.size(); r++) {
			if (rows.get(r).contains("\"")) throw new NoisyLabelsException(key + ": " + csv + " row " + (r + 1) +
				" has quotes: give plain paths without quotes or commas");
			final List<String> f = split(rows.get(r));
			if (f.size() != header.size()) throw new NoisyLabelsException(key + ": " + csv + " row " + (r + 1) + " has " + f
				.size() + " fields but the header has " + header.size());
			list.images.add(file(base, f.get(ci), csv, r, key));
			if (cl >= 0) list.labels.add(file(base, f.get(cl), csv, r, key));
		}
		if (list.images.isEmpty()) throw new NoisyLabelsException(key + ": " + csv + " lists no pair: add one row per image,label pair");
		return list;
	}

	private static File file(final File base, final String path, final File csv, final int r, final String key) {
		File f = new File(path);
		if (!f.isAbsolute()) f = new File(base, path);
		if (!f.isFile()) throw new NoisyLabelsException(key + ": " + csv.getName() + " row " + (r + 1) + " names " + f +
			", which does not exist" + (base != null ? " (relative paths are relative to " + base + ")" : ""));
		return f;
	}

	private static List<String> split(final String line) {
		final List<String> l = new ArrayList<>();
		for (final String s : line.split(",", -1)) l.add(s.trim());
		return l;
	}
}
