package org.noisylabels.metric;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.ImageFolders;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Segmentation metrics over two folders, and the merge of metrics tables (cluster array tasks).
 * <p>
 * Pairs: every ground truth under the ground-truth folder (subfolders included) with the prediction of the
 * same relative path, the extension aside ({@code a/b.png} pairs with {@code a/b.tif}). One row per pair,
 * named by the ground truth's relative path: a 2D image's scores, or a stack's 3D row (the whole volume);
 * in multi-class mode one row per class and the pair's class mean. Then the {@code mean} row(s): the mean
 * over the pairs of each column (per class), skipping undefined values (AUC of masks), as the single-image
 * table does over slices. A ground truth without prediction is an error; predictions without ground truth
 * are left out with a warning.
 */
public final class FolderMetrics {

	private FolderMetrics() {}

	/** The metrics table of the pairs of {@code shard} (all pairs for 0/1). */
	public static ResultsTable evaluate(final Path predictions, final Path groundTruths, final double threshold,
		final boolean multiClass, final ImageFolders.Shard shard, final Progress progress, final Consumer<String> warn)
	{
		final List<String> gts = ImageFolders.list(groundTruths, null, "ground_truth_folder");
		if (gts.isEmpty()) throw new NoisyLabelsException("ground_truth_folder: no image (.tif, .tiff, .png) in " +
			groundTruths + " or its subfolders");
		final Map<String, String> predByBase = new TreeMap<>();
		for (final String p : ImageFolders.list(predictions, null, "prediction_folder")) {
			final String other = predByBase.put(ImageFolders.stripExtension(p), p);
			if (other != null) throw new NoisyLabelsException("prediction_folder: " + other + " and " + p +
				" are both predictions of the same image: keep one of them");
		}
		final List<String[]> pairs = new ArrayList<>();
		final List<String> missing = new ArrayList<>();
		final java.util.Set<String> gtBases = new java.util.HashSet<>();
		for (final String g : gts) {
			final String base = ImageFolders.stripExtension(g);
			gtBases.add(base);
			if (!shard.contains(g)) continue;
			final String p = predByBase.get(base);
			if (p == null) missing.add(g);
			else pairs.add(new String[] { p, g });
		}
		if (!missing.isEmpty()) throw new NoisyLabelsException("prediction_folder: " + missing.size() +
			" ground truths have no prediction in " + predictions + " (first: " + missing.get(0) +
			"): predict them first, or remove them from ground_truth_folder");
		int extra = 0;
		for (final String base : predByBase.keySet())
			if (!gtBases.contains(base) && shard.contains(predByBase.get(base))) extra++;
		if (extra > 0 && warn != null) warn.accept(extra + " prediction(s) in " + predictions +
			" have no ground truth and are not scored");
		final ResultsTable table = new ResultsTable();
		// the columns exist even for a share without any pair (its table is then the header alone)
		table.getFreeColumn("image");
		if (multiClass) table.getFreeColumn("class");
		for (final String c : SegmentationMetrics.COLUMNS) table.getFreeColumn(c);
		for (int i = 0; i < pairs.size(); i++) {
			progress.checkCanceled();
			progress.update("Segmentation metrics: " + (i + 1) + "/" + pairs.size() + " " + pairs.get(i)[1], (double) i /
				pairs.size());
			final ImagePlus pred = ImageFiles.open(ImageFolders.resolve(predictions, pairs.get(i)[0]).toFile(),
				"prediction");
			final ImagePlus gt = ImageFiles.open(ImageFolders.resolve(groundTruths, pairs.get(i)[1]).toFile(),
				"ground_truth");
			final ResultsTable one;
			try {
				one = SegmentationMetrics.evaluate(pred, gt, threshold, multiClass, Progress.NONE);
			}
			catch (final NoisyLabelsException e) {
				throw new NoisyLabelsException(pairs.get(i)[1] + ": " + e.getMessage(), e);
			}
			final String row = gt.getStackSize() > 1 ? "3D" : "slice 1";
			for (int r = 0; r < one.size(); r++) {
				if (!row.equals(one.getStringValue("image", r))) continue;
				table.incrementCounter();
				table.addValue("image", pairs.get(i)[1]);
				if (multiClass) table.addValue("class", one.getStringValue("class", r));
				for (final String c : SegmentationMetrics.COLUMNS) table.addValue(c, one.getValue(c, r));
			}
			pred.flush();
			gt.flush();
		}
		addMeans(table, multiClass);
		table.setPrecision(6);
		table.showRowNumbers(false);
		return table;
	}

	/**
	 * Merges metrics tables written by {@link #evaluate} for shares of one folder (CSV files): their rows
	 * without the mean rows, sorted by image, and the mean rows computed again over all of them (not the mean
	 * of the tables' means).
	 */
	public static ResultsTable merge(final List<Path> csvFiles) {
		if (csvFiles.isEmpty()) throw new NoisyLabelsException("table_folder: no .csv table to merge");
		final List<String[]> rows = new ArrayList<>();
		String[] header = null;
		Path first = null;
		for (final Path f : csvFiles) {
			final List<String[]> lines = readCsv(f);
			// the table of a share without any image is empty
			if (lines.isEmpty()) continue;
			final String[] h = lines.get(0);
			if (header == null) {
				header = h;
				first = f;
				if (!Arrays.asList(h).contains("image") || !Arrays.asList(h).contains("dice")) throw new NoisyLabelsException(
					"table_folder: " + f + " is not a metrics table (no image and dice columns)");
			}
			else if (!Arrays.equals(header, h)) throw new NoisyLabelsException("table_folder: " + f +
				" has other columns than " + first + ": merge tables of one kind only");
			for (int i = 1; i < lines.size(); i++) {
				if (lines.get(i).length != h.length) throw new NoisyLabelsException("table_folder: line " + (i + 1) + " of " +
					f + " has " + lines.get(i).length + " cells, the header " + h.length);
				if (!"mean".equals(lines.get(i)[0])) rows.add(lines.get(i));
			}
		}
		if (header == null) throw new NoisyLabelsException("table_folder: every table is empty: no image was scored");
		final List<String> cols = Arrays.asList(header);
		final int imageCol = cols.indexOf("image"), classCol = cols.indexOf("class");
		// stable: rows of one image keep their class order
		final Map<String, List<String[]>> byImage = new TreeMap<>();
		for (final String[] r : rows) byImage.computeIfAbsent(r[imageCol], k -> new ArrayList<>()).add(r);
		final ResultsTable table = new ResultsTable();
		for (final List<String[]> group : byImage.values()) {
			if (classCol < 0 && group.size() > 1) throw new NoisyLabelsException("table_folder: the image " + group.get(0)[
				imageCol] + " is in several tables: were the shares overlapping?");
			for (final String[] r : group) {
				table.incrementCounter();
				for (int c = 0; c < header.length; c++) {
					if (c == imageCol || c == classCol) table.addValue(header[c], r[c]);
					else table.addValue(header[c], parse(r[c], header[c]));
				}
			}
		}
		addMeans(table, classCol >= 0);
		table.setPrecision(6);
		table.showRowNumbers(false);
		return table;
	}

	private static double parse(final String s, final String column) {
		if (s.isEmpty() || s.equals("NaN")) return Double.NaN;
		try {
			return Double.parseDouble(s);
		}
		catch (final NumberFormatException e) {
			throw new NoisyLabelsException("table_folder: '" + s + "' in column " + column + " is not a number");
		}
	}

	/** Appends the mean row (per class in multi-class tables) over the rows present, skipping NaN. */
	static void addMeans(final ResultsTable table, final boolean multiClass) {
		final int n = table.size();
		final Map<String, List<Integer>> groups = new LinkedHashMap<>();
		for (int r = 0; r < n; r++)
			groups.computeIfAbsent(multiClass ? table.getStringValue("class", r) : "", k -> new ArrayList<>()).add(r);
		for (final Map.Entry<String, List<Integer>> g : groups.entrySet()) {
			final double[] sum = new double[SegmentationMetrics.COLUMNS.length];
			final int[] k = new int[sum.length];
			for (final int r : g.getValue()) {
				for (int c = 0; c < sum.length; c++) {
					final double v = table.getValue(SegmentationMetrics.COLUMNS[c], r);
					if (Double.isNaN(v)) continue;
					sum[c] += v;
					k[c]++;
				}
			}
			table.incrementCounter();
			table.addValue("image", "mean");
			if (multiClass) table.addValue("class", g.getKey());
			for (int c = 0; c < sum.length; c++) table.addValue(SegmentationMetrics.COLUMNS[c], k[c] == 0 ? Double.NaN
				: sum[c] / k[c]);
		}
	}

	/** The cells of a CSV file written by {@link org.noisylabels.io.Tables} (quotes as RFC 4180). */
	static List<String[]> readCsv(final Path f) {
		final List<String[]> lines = new ArrayList<>();
		try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
			String line;
			while ((line = r.readLine()) != null) {
				if (line.isEmpty()) continue;
				final List<String> cells = new ArrayList<>();
				final StringBuilder cell = new StringBuilder();
				boolean quoted = false;
				for (int i = 0; i < line.length(); i++) {
					final char ch = line.charAt(i);
					if (quoted) {
						if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
							cell.append('"');
							i++;
						}
						else if (ch == '"') quoted = false;
						else cell.append(ch);
					}
					else if (ch == '"') quoted = true;
					else if (ch == ',') {
						cells.add(cell.toString());
						cell.setLength(0);
					}
					else cell.append(ch);
				}
				cells.add(cell.toString());
				lines.add(cells.toArray(new String[0]));
			}
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("table_folder: cannot read " + f + " (" + e.getMessage() + ")");
		}
		return lines;
	}
}
