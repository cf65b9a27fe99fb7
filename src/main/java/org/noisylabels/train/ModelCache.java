package org.noisylabels.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the most recently used model loaded, so that a macro loop applying one model to many images
 * loads it once. The key is the model's absolute path plus the modification times of its files; a
 * different path (or a rewritten model) releases the previous one. {@link #release()} frees it.
 */
public final class ModelCache {

	private static Predictor current;
	private static String currentKey;
	private static long loads;

	private ModelCache() {}

	/** The loaded model at {@code path}, loading it (and releasing any other) when needed. */
	public static synchronized Predictor get(final Path path) {
		final String key = key(path);
		if (current != null && key.equals(currentKey)) return current;
		release();
		current = Predictor.load(path);
		currentKey = key;
		loads++;
		return current;
	}

	/**
	 * Runs {@code work} with the loaded model at {@code path} while holding the cache's lock, so that no
	 * other thread can release the model during the prediction.
	 */
	public static synchronized <T> T withModel(final Path path, final java.util.function.Function<Predictor, T> work) {
		return work.apply(get(path));
	}

	/** Frees the cached model; returns whether one was loaded. */
	public static synchronized boolean release() {
		final boolean had = current != null;
		if (current != null) current.close();
		current = null;
		currentKey = null;
		return had;
	}

	/** How many times a model was loaded in this process (for tests and benchmarks). */
	public static synchronized long loads() {
		return loads;
	}

	/** Whether a model is cached (for tests). */
	public static synchronized boolean isLoaded() {
		return current != null;
	}

	private static String key(final Path path) {
		final Path abs = path.toAbsolutePath().normalize();
		return abs + "|" + mtime(abs) + "|" + mtime(abs.resolve(ModelInfo.JSON)) + "|" + mtime(abs.resolve(
			ModelInfo.SAVED_MODEL).resolve("saved_model.pb"));
	}

	private static long mtime(final Path p) {
		try {
			return Files.exists(p) ? Files.getLastModifiedTime(p).toMillis() : -1;
		}
		catch (final IOException e) {
			return -1;
		}
	}
}
