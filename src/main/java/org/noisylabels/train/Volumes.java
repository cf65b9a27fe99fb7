package org.noisylabels.train;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The volumes of a training set for 3D training: runs of consecutive samples that are the slices of one
 * stack ({@link TrainingData#fromImages} names them {@code base:1 .. base:n}, all of one size). A 2D image is a
 * volume of one slice.
 */
public final class Volumes {

	/** One volume: its slices in z order. */
	public static final class Volume {

		final List<Sample> slices = new ArrayList<>();

		/** The slices in z order (read only). */
		public List<Sample> slices() {
			return java.util.Collections.unmodifiableList(slices);
		}

		public int width() {
			return slices.get(0).width;
		}

		public int height() {
			return slices.get(0).height;
		}

		public int depth() {
			return slices.size();
		}

		long usedVoxels() {
			long n = 0;
			for (final Sample s : slices) n += s.usedPixels();
			return n;
		}
	}

	private Volumes() {}

	private static String base(final String name) {
		final int c = name.lastIndexOf(':');
		return c < 0 ? null : name.substring(0, c);
	}

	private static int index(final String name) {
		try {
			return Integer.parseInt(name.substring(name.lastIndexOf(':') + 1));
		}
		catch (final NumberFormatException e) {
			return -1;
		}
	}

	/** The volumes of {@code samples} in their order (see the class comment). */
	public static List<Volume> of(final List<Sample> samples) {
		final List<Volume> out = new ArrayList<>();
		Volume cur = null;
		Sample prev = null;
		for (final Sample s : samples) {
			final String b = base(s.name);
			final boolean next = cur != null && b != null && b.equals(base(prev.name)) && index(s.name) == index(prev.name) +
				1 && s.width == prev.width && s.height == prev.height;
			if (!next) {
				cur = new Volume();
				out.add(cur);
			}
			cur.slices.add(s);
			prev = s;
		}
		return out;
	}

	/** Which volume each sample belongs to. */
	public static Map<Sample, Volume> index(final List<Volume> volumes) {
		final Map<Sample, Volume> m = new IdentityHashMap<>();
		for (final Volume v : volumes)
			for (final Sample s : v.slices) m.put(s, v);
		return m;
	}
}
