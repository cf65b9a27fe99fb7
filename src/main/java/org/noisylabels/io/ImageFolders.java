package org.noisylabels.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.noisylabels.NoisyLabelsException;

/**
 * Folders of images for batch runs: the image files of a folder and its subfolders by relative path
 * ('/'-separated, sorted), and the shares of a folder for cluster runs.
 * <p>
 * Image files are the {@code .tif}, {@code .tiff} and {@code .png} files (any case); hidden files (their
 * name starts with '.', e.g. the temporary files of an unfinished write) are never listed.
 * <p>
 * <b>Shards.</b> {@code shard=i/n} (0 &le; i &lt; n) selects the files whose relative path without
 * extension has a CRC-32 that is i modulo n. The share of a file depends only on its own name, not on the
 * other files of the folder: an image and its ground truth, or its prediction, land in the same share even
 * when the folders differ (a file missing or unreadable in one of them), so the array task that wrote a
 * prediction is the one that scores it. With many files the shares are about equal.
 */
public final class ImageFolders {

	private ImageFolders() {}

	/** A shard: this task's index (0-based) and the number of tasks. */
	public static final class Shard {

		public final int index, count;

		public Shard(final int index, final int count) {
			this.index = index;
			this.count = count;
		}

		/** Whether the file of this relative path belongs to this shard. */
		public boolean contains(final String relativePath) {
			if (count == 1) return true;
			final CRC32 crc = new CRC32();
			crc.update(stripExtension(relativePath).getBytes(StandardCharsets.UTF_8));
			return crc.getValue() % count == index;
		}

		public boolean isAll() {
			return count == 1;
		}

		@Override
		public String toString() {
			return index + "/" + count;
		}
	}

	/** Parses {@code i/n} (0 &le; i &lt; n); an empty value is the whole folder (0/1). */
	public static Shard shard(final String value, final String key) {
		if (value == null || value.trim().isEmpty()) return new Shard(0, 1);
		final String v = value.trim();
		final int slash = v.indexOf('/');
		final String how = ": give " + key + "=i/n with 0 <= i < n (e.g. " + key +
			"=$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT for an array --array=0-(n-1)), or 0/1 for every file";
		if (slash <= 0) throw new NoisyLabelsException(key + "=" + v + " is not i/n" + how);
		final int i, n;
		try {
			i = Integer.parseInt(v.substring(0, slash).trim());
			n = Integer.parseInt(v.substring(slash + 1).trim());
		}
		catch (final NumberFormatException e) {
			throw new NoisyLabelsException(key + "=" + v + " is not i/n with whole numbers" + how);
		}
		if (n < 1 || i < 0 || i >= n) throw new NoisyLabelsException(key + "=" + v + " is out of range" + how);
		return new Shard(i, n);
	}

	/** Whether a file name is an image the suite reads (.tif, .tiff, .png). */
	public static boolean isImageName(final String name) {
		final String l = name.toLowerCase(Locale.ROOT);
		return !name.startsWith(".") && (l.endsWith(".tif") || l.endsWith(".tiff") || l.endsWith(".png"));
	}

	/** Checks that {@code folder} is an existing folder (one-line error naming {@code key}). */
	public static Path requireFolder(final java.io.File folder, final String key) {
		if (folder == null || folder.getPath().trim().isEmpty()) throw new NoisyLabelsException("missing key '" + key +
			"': give " + key + "=FOLDER");
		final Path p = folder.toPath();
		if (!Files.exists(p)) throw new NoisyLabelsException(key + ": folder not found: " + p + " (check the path)");
		if (!Files.isDirectory(p)) throw new NoisyLabelsException(key + ": " + p + " is a file, a folder is expected");
		return p;
	}

	/**
	 * The image files under {@code root} (recursively) as '/'-separated relative paths, sorted; files under
	 * {@code exclude} (an output folder inside the input folder; may be null) are left out.
	 */
	public static List<String> list(final Path root, final Path exclude, final String key) {
		final Path abs = root.toAbsolutePath().normalize();
		final Path ex0 = exclude == null ? null : exclude.toAbsolutePath().normalize();
		// only an output folder strictly inside the input folder is left out
		final Path ex = ex0 != null && ex0.startsWith(abs) && !ex0.equals(abs) ? ex0 : null;
		final List<String> files = new ArrayList<>();
		try (Stream<Path> s = Files.walk(abs, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
			s.filter(p -> ex == null || !p.startsWith(ex)).filter(p -> !hiddenBelow(abs, p)).filter(
				p -> Files.isRegularFile(p) && isImageName(p.getFileName().toString())).forEach(p -> files.add(relative(abs,
					p)));
		}
		catch (final IOException | java.io.UncheckedIOException e) {
			throw new NoisyLabelsException(key + ": cannot list " + root + " (" + e.getMessage() + ")");
		}
		files.sort(null);
		return files;
	}

	/** Whether a path has a hidden component (name starting with '.') below {@code root}. */
	private static boolean hiddenBelow(final Path root, final Path p) {
		for (final Path part : root.relativize(p))
			if (part.toString().startsWith(".")) return true;
		return false;
	}

	/** The '/'-separated path of {@code p} relative to {@code root}. */
	public static String relative(final Path root, final Path p) {
		final StringBuilder sb = new StringBuilder();
		for (final Path part : root.relativize(p)) {
			if (sb.length() > 0) sb.append('/');
			sb.append(part);
		}
		return sb.toString();
	}

	/** {@code root} resolved by a '/'-separated relative path. */
	public static Path resolve(final Path root, final String relative) {
		Path p = root;
		for (final String part : relative.split("/"))
			p = p.resolve(part);
		return p;
	}

	/** A relative path without its extension ("a/b.tif" gives "a/b"). */
	public static String stripExtension(final String relative) {
		final int slash = relative.lastIndexOf('/');
		final int dot = relative.lastIndexOf('.');
		return dot > slash + 1 ? relative.substring(0, dot) : relative;
	}

	/** The extension of a relative path with its dot (".tif"), or "". */
	public static String extension(final String relative) {
		final int slash = relative.lastIndexOf('/');
		final int dot = relative.lastIndexOf('.');
		return dot > slash + 1 ? relative.substring(dot) : "";
	}

	/** Whether two paths name the same file (after resolving links where they exist). */
	public static boolean sameFile(final Path a, final Path b) {
		try {
			if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
		}
		catch (final IOException e) {
			// fall through to the textual comparison
		}
		return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
	}
}
