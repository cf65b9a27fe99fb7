package org.noisylabels.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.ImageFolders;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.Predictor;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Applies one model to every image of a folder and its subfolders, loading the model once. Outputs go into
 * {@code output_folder} under the inputs' relative paths (or beside the inputs, with {@code suffix});
 * inputs are never overwritten. Unreadable images are skipped and listed (table {@code skipped}, one
 * warning each). Resumable: an image whose outputs all exist is not computed again (outputs are written
 * atomically, so an existing output is complete). {@code shard=i/n} processes one share of the files
 * (cluster array tasks, see {@link ImageFolders}).
 * <p>
 * Fails (exit 2 on the command line) when the folder holds no image, or when every image of this share was
 * unreadable (nothing could be processed); otherwise succeeds, listing what was skipped.
 */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Batch Apply Model",
	description = "Applies a model to every .tif/.png image of a folder and its subfolders (model loaded once); outputs under the same relative paths, existing outputs kept (resumable), unreadable files skipped and listed")
public class BatchApplyModelCommand extends NoisyLabelsCommand {

	static final String MASK = "mask", PROBABILITY = "probability", BOTH = "mask and probability";

	@Parameter(label = "Model folder", style = "directory", persist = false,
		description = "Folder (or .zip) written by a Noisy Labels training command")
	private File model;

	@Parameter(label = "Input folder", style = "directory", persist = false,
		description = "Folder of images (.tif, .tiff, .png; subfolders included)")
	private File input_folder;

	@Parameter(label = "Suffix", required = false, persist = false,
		description = "Added to each output's file name (a.tif -> a_mask.tif with _mask); needed when no output_folder is given (outputs beside the inputs)")
	private String suffix = "";

	@Parameter(label = "Save", choices = { MASK, PROBABILITY, BOTH }, persist = false,
		description = "What to write per image: the mask (same name and format as the input), the 32-bit probability map (.tif), or both (the map as NAME_probability.tif)")
	private String save = MASK;

	@Parameter(label = "Threshold", min = "0", max = "1", stepSize = "0.05", persist = false,
		description = "Foreground probability threshold of the mask (binary models); C-class models use the argmax")
	private double threshold = 0.5;

	@Parameter(label = "Shard (i/n)", required = false, persist = false,
		description = "Only the files of share i of n (0 <= i < n; a file's share depends on its relative path only), for cluster array tasks; 0/1 = every file")
	private String shard = "0/1";

	@Parameter(label = "Replace existing outputs", required = false, persist = false,
		description = "Compute again and replace outputs that exist (default: keep them, so an interrupted batch resumes)")
	private boolean replace_existing = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Skipped")
	private ResultsTable skipped;

	@Override
	boolean foldersInDialog() {
		return true;
	}

	@Override
	protected boolean executeOnFolders() {
		execute();
		return true;
	}

	/** One input and where its outputs go. */
	private static final class Job {

		final String relative;
		final Path input, mask, probability;

		Job(final String relative, final Path input, final Path mask, final Path probability) {
			this.relative = relative;
			this.input = input;
			this.mask = mask;
			this.probability = probability;
		}

		boolean done() {
			return (mask == null || Files.isRegularFile(mask)) && (probability == null || Files.isRegularFile(probability));
		}
	}

	@Override
	protected void execute() {
		Check.present(model, "model");
		final Path in = ImageFolders.requireFolder(input_folder, "input_folder");
		final String sfx = suffix == null ? "" : suffix.trim();
		if (!sfx.isEmpty() && (sfx.contains("/") || sfx.contains("\\"))) throw new NoisyLabelsException("suffix=" + sfx +
			" contains a path separator: give a plain name part such as _mask");
		Check.probability(threshold, "threshold");
		final String what = Check.choice(save, "save", MASK, PROBABILITY, BOTH);
		final ImageFolders.Shard share = ImageFolders.shard(shard, "shard");
		final boolean beside = output_folder == null || output_folder.getPath().trim().isEmpty();
		final Path root = beside ? in : output_folder.toPath();
		if (!beside && Files.exists(root) && !Files.isDirectory(root)) throw new NoisyLabelsException("output_folder: " +
			root + " is a file, a folder is expected");
		final boolean sameRoot = ImageFolders.sameFile(root, in);
		if (sameRoot && sfx.isEmpty()) throw new NoisyLabelsException((beside ? "no output_folder and no suffix"
			: "output_folder is the input folder and suffix is empty") +
			": the outputs would replace the inputs; give output_folder=FOLDER or a suffix (e.g. suffix=_mask)");
		final boolean writeMask = !PROBABILITY.equals(what), writeProb = !MASK.equals(what);
		final String probSuffix = sfx + (writeMask ? "_probability" : "");

		// the inputs: every image under the folder, without the output tree and without earlier outputs
		final List<String> all = ImageFolders.list(in, sameRoot ? null : root, "input_folder");
		final List<String> inputs = new ArrayList<>();
		for (final String r : all) {
			if (sameRoot && isOutputName(r, sfx, writeMask, probSuffix, writeProb)) continue;
			inputs.add(r);
		}
		if (inputs.isEmpty()) throw new NoisyLabelsException("input_folder: no image (.tif, .tiff, .png) in " + in +
			" or its subfolders: give the folder that holds the images");
		final Set<Path> inputPaths = new HashSet<>();
		for (final String r : inputs) inputPaths.add(ImageFolders.resolve(in, r).toAbsolutePath().normalize());
		final List<Job> jobs = new ArrayList<>();
		for (final String r : inputs) {
			if (!share.contains(r)) continue;
			final String base = ImageFolders.stripExtension(r);
			final Path mask = writeMask ? ImageFolders.resolve(root, base + sfx + ImageFolders.extension(r)) : null;
			final Path prob = writeProb ? ImageFolders.resolve(root, base + probSuffix + ".tif") : null;
			for (final Path out : new Path[] { mask, prob }) {
				if (out != null && inputPaths.contains(out.toAbsolutePath().normalize())) throw new NoisyLabelsException(
					"the output " + out + " would replace an input image: give another output_folder or suffix");
			}
			jobs.add(new Job(r, ImageFolders.resolve(in, r), mask, prob));
		}

		skipped = new ResultsTable();
		skipped.showRowNumbers(false);
		// the columns exist even when nothing is skipped: an empty table is still "file,reason" as CSV
		skipped.getFreeColumn("file");
		skipped.getFreeColumn("reason");
		int written = 0, existing = 0;
		final List<Job> todo = new ArrayList<>();
		for (final Job j : jobs) {
			if (!replace_existing && j.done()) existing++;
			else todo.add(j);
		}
		final Progress progress = progress();
		if (!todo.isEmpty()) {
			final int[] count = { 0 }, done = { 0 };
			ModelCache.withModel(model.toPath(), predictor -> {
				for (final Job j : todo) {
					progress.checkCanceled();
					final int index = done[0]++;
					final String step = "Batch Apply Model: " + (index + 1) + "/" + todo.size() + " " + j.relative;
					progress.update(step, (double) index / todo.size());
					final Progress sub = new Progress() {

						@Override
						public void update(final String message, final double fraction) {
							progress.update(step + ": " + message, (index + Math.max(0, fraction)) / todo.size());
						}

						@Override
						public boolean isCanceled() {
							return progress.isCanceled();
						}
					};
					if (apply(predictor, j, sub)) count[0]++;
				}
				return null;
			});
			written = count[0];
		}
		final int failed = skipped.size();
		final String summary = "Batch Apply Model: " + jobs.size() + " of " + inputs.size() + " images in shard " +
			share + ": " + written + " written, " + existing + " already complete, " + failed + " skipped" +
			(beside ? " (outputs beside the inputs)" : " (outputs in " + root + ")");
		if (log != null) log.info(summary);
		if (failed > 0 && written == 0 && existing == 0) {
			throw new NoisyLabelsException("nothing could be processed: all " + failed +
				" images of this share were skipped (first: " + skipped.getStringValue("file", 0) + ": " + skipped
					.getStringValue("reason", 0) + ")");
		}
		if (failed > 0) show(skipped, "Skipped files");
	}

	/** Predicts one image and writes its outputs; false (and a row of the skipped table) when unreadable. */
	private boolean apply(final Predictor predictor, final Job j, final Progress progress) {
		final Predictor.Prediction p;
		ImagePlus imp = null;
		try {
			imp = ImageFiles.open(j.input.toFile(), "input_folder");
			p = predictor.predict(imp, threshold, progress);
		}
		catch (final NoisyLabelsException e) {
			final String reason = e.getMessage().startsWith("input_folder: ") ? e.getMessage().substring(
				"input_folder: ".length()) : e.getMessage();
			skipped.incrementCounter();
			skipped.addValue("file", j.relative);
			skipped.addValue("reason", reason);
			if (log != null) TrainingWarning.warn(log, "skipped " + j.relative + ": " + reason);
			return false;
		}
		finally {
			if (imp != null) imp.flush();
		}
		try (AtomicFiles batch = new AtomicFiles()) {
			for (final Path out : new Path[] { j.mask, j.probability }) {
				if (out == null) continue;
				try {
					Files.createDirectories(out.toAbsolutePath().getParent());
				}
				catch (final IOException e) {
					throw new NoisyLabelsException("cannot create the folder of " + out + " (" + e.getMessage() + ")");
				}
			}
			if (j.mask != null) batch.stage(j.mask, tmp -> ImageFiles.write(p.mask, tmp));
			if (j.probability != null) batch.stage(j.probability, tmp -> ImageFiles.write(p.probability, tmp));
			batch.commit();
		}
		p.mask.flush();
		p.probability.flush();
		return true;
	}

	/** Whether a file beside the inputs is an output of an earlier run (its name ends with the suffixes). */
	private static boolean isOutputName(final String relative, final String sfx, final boolean mask,
		final String probSuffix, final boolean prob)
	{
		final String base = ImageFolders.stripExtension(relative);
		return mask && base.endsWith(sfx) || prob && base.endsWith(probSuffix) && ImageFolders.extension(relative)
			.equalsIgnoreCase(".tif");
	}
}
