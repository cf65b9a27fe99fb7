package org.noisylabels.train;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws training batches: random square patches (a sample is chosen with probability proportional to
 * its area), with random flips and 90° rotations. Parts of a patch outside its image (images smaller than
 * the patch) get intensity 0, label 0 and weight 0, so they never count in the loss.
 * <p>
 * 3D ({@link #volumes}): each patch is {@code depth} consecutive slices of one volume (a volume is chosen
 * with probability proportional to its voxels), the same square window, flip and rotation in x/y for every
 * slice; slices past the volume's end (volumes shallower than the patch) are empty with weight 0. A batch of
 * n patches holds n·depth slices, volume after volume, as the 3D network reads them.
 */
public final class PatchSampler {

	/** One batch, row-major [n, p, p]. */
	public static final class Batch {

		public final int n, size;
		public final float[] image;
		public final int[] labels;
		public final float[] weights;
		public final float[][] extras;

		Batch(final int n, final int size, final int extraCount) {
			this.n = n;
			this.size = size;
			image = new float[n * size * size];
			labels = new int[n * size * size];
			weights = new float[n * size * size];
			extras = new float[extraCount][n * size * size];
		}
	}

	private final TrainingData data;
	private final int patch;
	private final boolean flip, rotate;
	private final SplittableRandom rnd;
	private final double[] cumulative;
	private final List<String> extraKeys;
	/** 3D: the volumes and the patch depth in slices (null / 1 in 2D). */
	private List<Volumes.Volume> volumes;
	private int depth = 1;
	private double[] volumeCumulative;

	public PatchSampler(final TrainingData data, final int patch, final boolean flip, final boolean rotate,
		final long seed, final List<String> extraKeys)
	{
		this.data = data;
		this.patch = patch;
		this.flip = flip;
		this.rotate = rotate;
		this.rnd = new SplittableRandom(seed);
		this.extraKeys = extraKeys;
		cumulative = new double[data.size()];
		double sum = 0;
		for (int i = 0; i < data.size(); i++) {
			final Sample s = data.sample(i);
			sum += s.usedPixels() > 0 ? (double) s.width * s.height : 0;
			cumulative[i] = sum;
		}
	}

	public int patchSize() {
		return patch;
	}

	/** Switches to 3D patches of {@code slices} slices of the volumes of the data (see the class comment). */
	PatchSampler volumes(final int slices) {
		volumes = Volumes.of(data.samples());
		depth = slices;
		volumeCumulative = new double[volumes.size()];
		double sum = 0;
		for (int i = 0; i < volumes.size(); i++) {
			final Volumes.Volume v = volumes.get(i);
			sum += v.usedVoxels() > 0 ? (double) v.width() * v.height() * v.depth() : 0;
			volumeCumulative[i] = sum;
		}
		return this;
	}

	/** 3D: the next batch of n patches, n·depth slices. */
	private Batch nextVolumes(final int n) {
		final Batch b = new Batch(n * depth, patch, extraKeys.size());
		for (int k = 0; k < n; k++) {
			final Volumes.Volume v = volumes.get(pick(volumeCumulative));
			final Sample first = v.slices.get(0);
			final int z0 = v.depth() > depth ? rnd.nextInt(v.depth() - depth + 1) : 0;
			final int[] d = draws(first);
			for (int z = 0; z < depth && z0 + z < v.depth(); z++) fill(b, k * depth + z, v.slices.get(z0 + z), d);
		}
		return b;
	}

	private int pick(final double[] cum) {
		final double r = rnd.nextDouble() * cum[cum.length - 1];
		int idx = Arrays.binarySearch(cum, r);
		idx = idx < 0 ? -idx - 1 : idx + 1;
		idx = Math.min(idx, cum.length - 1);
		while (idx > 0 && cum[idx] == cum[idx - 1]) idx--;
		return idx;
	}

	/** Draws the next batch of {@code n} patches. */
	public Batch next(final int n) {
		if (volumes != null) return nextVolumes(n);
		final Batch b = new Batch(n, patch, extraKeys.size());
		for (int k = 0; k < n; k++) fill(b, k, drawSample());
		return b;
	}

	/** The sample of the next patch, drawn with probability proportional to its weight. */
	private Sample drawSample() {
		final double r = rnd.nextDouble() * cumulative[cumulative.length - 1];
		int idx = Arrays.binarySearch(cumulative, r);
		idx = idx < 0 ? -idx - 1 : idx + 1;
		idx = Math.min(idx, cumulative.length - 1);
		while (idx > 0 && cumulative[idx] == cumulative[idx - 1]) idx--;
		return data.sample(idx);
	}

	/**
	 * Draws the random numbers of {@code batches} batches of {@code n} patches without filling them, so that
	 * a resumed run continues with exactly the patches an uninterrupted run would draw next.
	 */
	public void skip(final long batches, final int n) {
		if (volumes != null) {
			for (long b = 0; b < batches; b++)
				for (int k = 0; k < n; k++) {
					final Volumes.Volume v = volumes.get(pick(volumeCumulative));
					if (v.depth() > depth) rnd.nextInt(v.depth() - depth + 1);
					draws(v.slices.get(0));
				}
			return;
		}
		for (long b = 0; b < batches; b++)
			for (int k = 0; k < n; k++) draws(drawSample());
	}

	/** The random draws of one patch of {@code s}: {x0, y0, rotation, flip x, flip y}. */
	private int[] draws(final Sample s) {
		final int p = patch;
		final int x0 = s.width > p ? rnd.nextInt(s.width - p + 1) : 0;
		final int y0 = s.height > p ? rnd.nextInt(s.height - p + 1) : 0;
		final int rot = rotate ? rnd.nextInt(4) : 0;
		final boolean fx = flip && rnd.nextBoolean(), fy = flip && rnd.nextBoolean();
		return new int[] { x0, y0, rot, fx ? 1 : 0, fy ? 1 : 0 };
	}

	private void fill(final Batch b, final int k, final Sample s) {
		fill(b, k, s, draws(s));
	}

	private void fill(final Batch b, final int k, final Sample s, final int[] d) {
		final int p = patch;
		final int x0 = d[0], y0 = d[1], rot = d[2];
		final boolean fx = d[3] == 1, fy = d[4] == 1;
		final byte[] labels = s.labels();
		final float[] weights = s.weights();
		final float[][] extras = new float[extraKeys.size()][];
		for (int e = 0; e < extras.length; e++) {
			extras[e] = s.extra(extraKeys.get(e));
			if (extras[e] == null) throw new IllegalStateException("sample " + s.name + " has no '" + extraKeys.get(e) + "'");
		}
		final int off = k * p * p;
		for (int y = 0; y < p; y++) {
			for (int x = 0; x < p; x++) {
				// patch coordinates (x, y) -> source patch coordinates (u, v)
				int u = x, v = y;
				for (int r = 0; r < rot; r++) {
					final int t = u;
					u = v;
					v = p - 1 - t;
				}
				if (fx) u = p - 1 - u;
				if (fy) v = p - 1 - v;
				final int sx = x0 + u, sy = y0 + v;
				final int o = off + y * p + x;
				if (sx >= s.width || sy >= s.height) continue; // zero image, label 0, weight 0
				final int i = sy * s.width + sx;
				b.image[o] = s.image[i];
				b.labels[o] = labels[i] & 0xff;
				b.weights[o] = weights == null ? 1f : weights[i];
				for (int e = 0; e < extras.length; e++) b.extras[e][o] = extras[e][i];
			}
		}
	}
}
