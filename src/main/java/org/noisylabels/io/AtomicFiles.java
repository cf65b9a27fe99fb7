package org.noisylabels.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.noisylabels.NoisyLabelsException;

/**
 * Writes files so that a failure never leaves a half-written result: everything is first written to
 * hidden temporary names beside the targets and only renamed once all writes have succeeded.
 */
public final class AtomicFiles implements AutoCloseable {

	/** Writes one file (or folder) at the given temporary path. */
	public interface Writer {

		void write(Path tmp) throws IOException;
	}

	private final List<Path[]> staged = new ArrayList<>();
	private boolean committed;

	/** Writes a single file atomically. */
	public static void write(final Path target, final Writer writer) {
		try (AtomicFiles batch = new AtomicFiles()) {
			batch.stage(target, writer);
			batch.commit();
		}
	}

	/** A temporary sibling of {@code target} that keeps its extension (writers choose formats by it). */
	public static Path temporarySibling(final Path target) {
		final Path abs = target.toAbsolutePath();
		final String name = abs.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final String ext = dot > 0 ? name.substring(dot) : "";
		final String base = dot > 0 ? name.substring(0, dot) : name;
		return abs.resolveSibling("." + base + ".part-" + UUID.randomUUID().toString().substring(0, 8) + ext);
	}

	/** Checks that the folder of {@code target} exists and is writable, before any work is done. */
	public static void checkWritable(final Path target, final String key) {
		final Path parent = target.toAbsolutePath().getParent();
		if (parent == null || !Files.isDirectory(parent)) {
			throw new NoisyLabelsException(key + ": folder " + parent + " does not exist: create it or give another path");
		}
		if (!Files.isWritable(parent)) {
			throw new NoisyLabelsException(key + ": folder " + parent + " is not writable: give another path");
		}
		if (Files.isDirectory(target)) {
			throw new NoisyLabelsException(key + ": " + target + " is a folder: give a file name");
		}
	}

	/** Writes {@code target}'s content to a temporary sibling; nothing is visible until {@link #commit()}. */
	public void stage(final Path target, final Writer writer) {
		final Path tmp = temporarySibling(target);
		staged.add(new Path[] { tmp, target.toAbsolutePath() });
		try {
			writer.write(tmp);
			if (!Files.exists(tmp)) throw new IOException("nothing was written");
		}
		catch (final IOException | RuntimeException e) {
			final String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
			throw new NoisyLabelsException("cannot write " + target + ": " + why, e);
		}
	}

	/** Renames every staged file to its target. */
	public void commit() {
		for (final Path[] p : staged) {
			try {
				move(p[0], p[1]);
			}
			catch (final IOException e) {
				throw new NoisyLabelsException("cannot write " + p[1] + ": " + e.getMessage(), e);
			}
		}
		committed = true;
	}

	private static void move(final Path from, final Path to) throws IOException {
		if (Files.isDirectory(to)) deleteRecursively(to);
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (final AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/** Deletes the temporary files of a batch that was not committed. */
	@Override
	public void close() {
		if (committed) return;
		for (final Path[] p : staged) {
			try {
				deleteRecursively(p[0]);
			}
			catch (final IOException e) {
				// best effort: the temporary name is hidden and unique
			}
		}
	}

	/** Deletes a file or a folder with its content, if it exists. */
	public static void deleteRecursively(final Path path) throws IOException {
		if (!Files.exists(path)) return;
		if (Files.isDirectory(path)) {
			try (java.util.stream.Stream<Path> s = Files.list(path)) {
				for (final Path c : (Iterable<Path>) s::iterator) deleteRecursively(c);
			}
		}
		Files.delete(path);
	}
}
