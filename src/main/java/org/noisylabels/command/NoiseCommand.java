package org.noisylabels.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.ImageFolders;
import org.noisylabels.io.Tables;
import org.scijava.module.ModuleItem;
import org.scijava.plugin.Parameter;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * A noise generator: one {@code label} image, or with {@code label_folder} every label image of a folder
 * and its subfolders. Folder mode writes output KEY of the label at relative path R to
 * {@code output_folder/KEY/R} (images keep the label's format, tables are {@code .csv}), with the same
 * keys (and the same seed) for every file, so each file's output equals a single-image run of it. Existing
 * outputs are replaced; unreadable files and labels the generator refuses are skipped with a warning each;
 * a folder where nothing could be processed is an error.
 */
public abstract class NoiseCommand extends NoisyLabelsCommand {

	/** The image key every generator reads. */
	static final String LABEL = "label", LABEL_FOLDER = "label_folder";

	@Parameter(label = "Label folder", style = "directory", required = false, persist = false,
		description = "Instead of label (macros, headless and command line): every .tif/.tiff/.png label under this folder; outputs go to output_folder/KEY/<relative path>")
	private File label_folder;

	@Override
	List<String> folderKeys() {
		return Collections.singletonList(LABEL_FOLDER);
	}

	@Override
	protected boolean executeOnFolders() {
		final boolean folder = label_folder != null && !label_folder.getPath().trim().isEmpty();
		final Object single = getInput(LABEL);
		if (!folder) {
			if (single == null) throw new NoisyLabelsException("missing key 'label' for \"" + getInfo().getTitle() +
				"\": give label=PATH (or label_folder=FOLDER output_folder=FOLDER for a folder of labels)");
			return false;
		}
		if (single != null) {
			// the command line and the macro bridge pass only what the user gave; Fiji fills a single image input
			// with the active image by itself
			if (callerReportsErrors()) throw new NoisyLabelsException(
				"both label and label_folder are given: give one of them");
			if (log != null) log.info("label_folder is given: the image " + ((ImagePlus) single).getTitle() +
				" is not used");
		}
		runFolder(ImageFolders.requireFolder(label_folder, LABEL_FOLDER));
		return true;
	}

	private void runFolder(final Path in) {
		if (output_folder == null || output_folder.getPath().trim().isEmpty()) throw new NoisyLabelsException(
			"label_folder needs output_folder=FOLDER: the outputs are written there as KEY/<relative path>");
		final Path out = output_folder.toPath();
		if (Files.exists(out) && !Files.isDirectory(out)) throw new NoisyLabelsException("output_folder: " + out +
			" is a file, a folder is expected");
		final List<String> files = ImageFolders.list(in, ImageFolders.sameFile(in, out) ? null : out, LABEL_FOLDER);
		if (files.isEmpty()) throw new NoisyLabelsException("label_folder: no image (.tif, .tiff, .png) in " + in +
			" or its subfolders: give the folder that holds the labels");
		final Set<Path> inputs = new HashSet<>();
		for (final String r : files) inputs.add(ImageFolders.resolve(in, r).toAbsolutePath().normalize());
		final List<String> outputKeys = new ArrayList<>();
		for (final ModuleItem<?> o : getInfo().outputs()) outputKeys.add(o.getName());
		for (final String r : files) {
			for (final String key : outputKeys) {
				if (inputs.contains(target(out, key, r, ".tif").toAbsolutePath().normalize()) || inputs.contains(target(out,
					key, r, ImageFolders.extension(r)).toAbsolutePath().normalize())) throw new NoisyLabelsException(
						"output_folder: the output " + target(out, key, r, ImageFolders.extension(r)) +
							" would replace a label: give another output_folder");
			}
		}
		final List<String> skipped = new ArrayList<>();
		int done = 0;
		final org.noisylabels.Progress progress = progress();
		for (int i = 0; i < files.size(); i++) {
			final String r = files.get(i);
			progress.checkCanceled();
			progress.update(getInfo().getTitle() + ": " + (i + 1) + "/" + files.size() + " " + r, (double) i / files
				.size());
			ImagePlus label = null;
			try {
				label = ImageFiles.open(ImageFolders.resolve(in, r).toFile(), LABEL);
				setInput(LABEL, label);
				execute();
			}
			catch (final NoisyLabelsException e) {
				skipped.add(r);
				TrainingWarning.warn(log, "skipped " + r + ": " + e.getMessage());
				clearOutputs(outputKeys);
				continue;
			}
			finally {
				setInput(LABEL, null);
			}
			write(out, r, outputKeys);
			clearOutputs(outputKeys);
			label.flush();
			done++;
		}
		if (log != null) log.info(getInfo().getTitle() + ": " + done + " of " + files.size() + " labels written to " +
			out + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
		if (done == 0) throw new NoisyLabelsException("nothing could be processed: all " + files.size() +
			" labels in " + in + " were skipped (see the warnings)");
	}

	/** output_folder/KEY/R with R's extension replaced. */
	private static Path target(final Path out, final String key, final String relative, final String ext) {
		return ImageFolders.resolve(out.resolve(key), ImageFolders.stripExtension(relative) + ext);
	}

	private void write(final Path out, final String r, final List<String> keys) {
		try (AtomicFiles batch = new AtomicFiles()) {
			for (final String key : keys) {
				final Object v = getOutput(key);
				final Path p;
				if (v instanceof ImagePlus) {
					final ImagePlus imp = (ImagePlus) v;
					final String ext = ImageFolders.extension(r).equalsIgnoreCase(".png") && (imp.getStackSize() > 1 || imp
						.getBitDepth() == 32) ? ".tif" : ImageFolders.extension(r);
					p = target(out, key, r, ext);
					mkdirs(p);
					batch.stage(p, tmp -> ImageFiles.write(imp, tmp));
				}
				else if (v instanceof ResultsTable) {
					p = target(out, key, r, ".csv");
					mkdirs(p);
					batch.stage(p, tmp -> Tables.write((ResultsTable) v, tmp));
				}
			}
			batch.commit();
		}
	}

	private static void mkdirs(final Path p) {
		try {
			Files.createDirectories(p.toAbsolutePath().getParent());
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("output_folder: cannot create " + p.getParent() + " (" + e.getMessage() + ")");
		}
	}

	private void clearOutputs(final List<String> keys) {
		for (final String key : keys) {
			final Object v = getOutput(key);
			if (v instanceof ImagePlus) ((ImagePlus) v).flush();
			setOutput(key, null);
		}
	}
}
