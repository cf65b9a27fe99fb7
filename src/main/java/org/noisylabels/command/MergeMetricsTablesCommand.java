package org.noisylabels.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.ImageFolders;
import org.noisylabels.metric.FolderMetrics;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.measure.ResultsTable;

/**
 * Merges the metrics tables of a folder (one per cluster array task, from Segmentation Metrics in folder
 * mode with a shard) into one: every row but the means, sorted by image, and the mean computed again over
 * all rows.
 */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Evaluate>Merge Metrics Tables",
	description = "Merges the .csv metrics tables of a folder (Segmentation Metrics of folder shares) into one table with the mean over all rows")
public class MergeMetricsTablesCommand extends NoisyLabelsCommand {

	@Parameter(label = "Table folder", style = "directory", persist = false,
		description = "Folder holding the .csv metrics tables to merge (every .csv in it, not in subfolders)")
	private File table_folder;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics")
	private ResultsTable metrics;

	@Override
	protected void execute() {
		final Path dir = ImageFolders.requireFolder(table_folder, "table_folder");
		final List<Path> csv;
		try (Stream<Path> s = Files.list(dir)) {
			csv = s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".") && p.getFileName()
				.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")).sorted().collect(Collectors.toList());
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("table_folder: cannot list " + dir + " (" + e.getMessage() + ")");
		}
		if (csv.isEmpty()) throw new NoisyLabelsException("table_folder: no .csv table in " + dir);
		metrics = FolderMetrics.merge(csv);
		if (log != null) log.info("merged " + csv.size() + " tables of " + dir);
		show(metrics, "Segmentation Metrics");
	}
}
