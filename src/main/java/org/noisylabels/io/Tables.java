package org.noisylabels.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;

import ij.measure.ResultsTable;

/** CSV for ImageJ {@link ResultsTable}s: full precision, string cells kept, row labels as a "Label" column. */
public final class Tables {

	private Tables() {}

	/** Writes the table as CSV (comma separated, header line, '.' decimals). */
	public static void writeCsv(final ResultsTable table, final Writer out) throws IOException {
		final String[] headings = table.getHeadings();
		out.write(String.join(",", quoteAll(headings)));
		out.write('\n');
		for (int row = 0; row < table.size(); row++) {
			for (int c = 0; c < headings.length; c++) {
				if (c > 0) out.write(',');
				out.write(quote(cell(table, headings[c], row)));
			}
			out.write('\n');
		}
		out.flush();
	}

	/** A cell as text: numbers in full precision (integers without ".0"), strings as they are. */
	public static String cell(final ResultsTable table, final String heading, final int row) {
		if ("Label".equals(heading)) {
			final String label = table.getLabel(row);
			return label == null ? "" : label;
		}
		final double v = table.getValue(heading, row);
		if (Double.isNaN(v)) {
			final String s = table.getStringValue(heading, row);
			return s == null ? "NaN" : s;
		}
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return String.format(Locale.ROOT, "%.8g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
	}

	/** Saves a table as CSV atomically. */
	public static void save(final ResultsTable table, final Path file) {
		AtomicFiles.write(file, tmp -> write(table, tmp));
	}

	/** Writes a table as CSV at a (temporary) path. */
	public static void write(final ResultsTable table, final Path tmp) throws IOException {
		try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
			writeCsv(table, w);
		}
	}

	/** Checks an output table path before any work is done. */
	public static void checkCsvPath(final Path path, final String key) {
		if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
			throw new NoisyLabelsException(key + "=" + path + ": a table output needs a .csv file name");
		}
		AtomicFiles.checkWritable(path, key);
	}

	private static String[] quoteAll(final String[] s) {
		final String[] q = new String[s.length];
		for (int i = 0; i < s.length; i++) q[i] = quote(s[i]);
		return q;
	}

	private static String quote(final String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
		return '"' + s.replace("\"", "\"\"") + '"';
	}
}
