package org.noisylabels.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.AtomicFiles;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;

/**
 * Model folders: {@code model.json} + {@code saved_model/} (a TensorFlow SavedModel, tag "serve",
 * signature "serving_default": image -> probability) + {@code curve.csv}. A path ending in {@code .zip}
 * holds the same content zipped. Writes are atomic: everything goes to a hidden temporary sibling that
 * is renamed at the end, so a crash or cancel never leaves a half-written model.
 */
public final class ModelFiles {

	private ModelFiles() {}

	public static boolean isZip(final Path p) {
		return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip");
	}

	/** Checks, before training, that a model can be written at {@code target}. */
	public static void checkTarget(final Path target, final String key) {
		final Path abs = target.toAbsolutePath();
		final Path parent = abs.getParent();
		if (parent == null || !Files.isDirectory(parent)) throw new NoisyLabelsException(key + ": folder " + parent +
			" does not exist: create it or give another path");
		if (!Files.isWritable(parent)) throw new NoisyLabelsException(key + ": folder " + parent +
			" is not writable: give another path");
		if (Files.isDirectory(abs)) {
			if (isZip(abs)) throw new NoisyLabelsException(key + ": " + abs + " is a folder");
			final boolean model = Files.isRegularFile(abs.resolve(ModelInfo.JSON));
			boolean empty;
			try (Stream<Path> s = Files.list(abs)) {
				empty = !s.findAny().isPresent();
			}
			catch (final IOException e) {
				empty = false;
			}
			if (!model && !empty) throw new NoisyLabelsException(key + ": " + abs +
				" exists and is not a Noisy Labels model folder: give a new folder name (it would be replaced)");
		}
		else if (Files.exists(abs) && !isZip(abs)) {
			throw new NoisyLabelsException(key + ": " + abs + " is a file: give a folder name (or a .zip name)");
		}
	}

	/** Test hook: when set, thrown while writing (after the SavedModel) to check atomicity. */
	static volatile RuntimeException failAfterExport;

	/** Writes the model at {@code target} atomically from a live session. */
	public static void write(final Path target, final Session session, final Signature signature, final ModelInfo info,
		final String curveCsv)
	{
		write(target, session, signature, info, curveCsv, null);
	}

	/** Writes more files into a model folder before it is renamed into place. */
	public interface Extra {

		void write(Path folder) throws IOException;
	}

	/** As {@link #write(Path, Session, Signature, ModelInfo, String)}, plus {@code extra} files (may be null). */
	public static void write(final Path target, final Session session, final Signature signature, final ModelInfo info,
		final String curveCsv, final Extra extra)
	{
		AtomicFiles.write(target, tmp -> {
			final Path folder = isZip(target) ? Files.createTempDirectory("noisylabels-model") : tmp;
			try {
				Files.createDirectories(folder);
				SavedModelBundle.exporter(folder.resolve(ModelInfo.SAVED_MODEL).toString()).withTags("serve").withFunction(
					SessionFunction.create(signature, session)).export();
				final RuntimeException fail = failAfterExport;
				if (fail != null) throw fail;
				Files.write(folder.resolve(ModelInfo.JSON), info.toJson().getBytes(StandardCharsets.UTF_8));
				if (curveCsv != null) Files.write(folder.resolve("curve.csv"), curveCsv.getBytes(StandardCharsets.UTF_8));
				if (extra != null) extra.write(folder);
				if (isZip(target)) zip(folder, tmp);
			}
			finally {
				if (isZip(target)) AtomicFiles.deleteRecursively(folder);
			}
		});
	}

	private static void zip(final Path folder, final Path zipFile) throws IOException {
		try (OutputStream os = Files.newOutputStream(zipFile); ZipOutputStream zos = new ZipOutputStream(os);
			Stream<Path> walk = Files.walk(folder))
		{
			for (final Path p : (Iterable<Path>) walk.sorted()::iterator) {
				if (Files.isDirectory(p)) continue;
				zos.putNextEntry(new ZipEntry(folder.relativize(p).toString().replace('\\', '/')));
				Files.copy(p, zos);
				zos.closeEntry();
			}
		}
	}

	/** Test hook: the folder in which zipped models are extracted (null: the system's temporary folder). */
	static volatile Path unzipRoot;

	/** Extracts a zipped model into a new temporary folder (the caller deletes it). */
	public static Path unzip(final Path zipFile) {
		Path dir = null;
		try {
			final Path root = unzipRoot;
			dir = root == null ? Files.createTempDirectory("noisylabels-model") : Files.createTempDirectory(root,
				"noisylabels-model");
			int entries = 0;
			boolean json = false;
			try (InputStream is = Files.newInputStream(zipFile); ZipInputStream zis = new ZipInputStream(is)) {
				ZipEntry e;
				while ((e = zis.getNextEntry()) != null) {
					entries++;
					final Path out = dir.resolve(e.getName()).normalize();
					if (!out.startsWith(dir)) throw new IOException("bad entry " + e.getName());
					if (e.isDirectory()) Files.createDirectories(out);
					else {
						Files.createDirectories(out.getParent());
						Files.copy(zis, out);
						if (out.equals(dir.resolve(ModelInfo.JSON))) json = true;
					}
				}
			}
			if (entries == 0) throw new NoisyLabelsException("model: " + zipFile +
				" is not a model: it is not a zip file (or an empty one); give a model folder or the .zip a training command wrote");
			if (!json) throw new NoisyLabelsException("model: " + zipFile + " is not a model: the zip holds no " +
				ModelInfo.JSON + "; give the .zip a training command wrote");
			return dir;
		}
		catch (final IOException | RuntimeException e) {
			if (dir != null) {
				try {
					AtomicFiles.deleteRecursively(dir);
				}
				catch (final IOException x) {
					// temporary folder: best effort
				}
			}
			if (e instanceof NoisyLabelsException) throw (NoisyLabelsException) e;
			throw new NoisyLabelsException("model: " + zipFile + " is not a model: cannot read it as a zip file (" + e
				.getMessage() + ")");
		}
	}
}
