package org.noisylabels.method.igtt;

import java.util.Locale;
import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.noise.Skeleton;

/**
 * iGTT's EMS module, extraction of meta-structures (reference code: the data loader's inversion followed by
 * {@code emsModule}): turns the chosen candidate into the next epoch's label by inverting a majority
 * foreground, skeletonizing, shifting every skeleton pixel by up to r pixels per axis and keeping a random
 * fraction p.
 */
public final class Ems {

	/** The keys of r and p in error messages (the command's keys). */
	public static final String KEY_R = "r", KEY_P = "p";

	private Ems() {}

	/** What the EMS module did to one candidate. */
	public static final class Result {

		/** The next label (0/255): the kept shifted skeleton pixels. */
		public final byte[] label;
		/** Whether the candidate was inverted first because its foreground exceeded half the image. */
		public final boolean inverted;
		/** The skeleton of the (possibly inverted) candidate, and the shifted skeleton before sampling. */
		public final byte[] skeleton, shifted;
		/** Pixel counts: skeleton, distinct shifted pixels (n), kept = ceil(p·n). */
		public final int skeletonPixels, shiftedPixels, keptPixels;

		Result(final byte[] label, final boolean inverted, final byte[] skeleton, final byte[] shifted,
			final int skeletonPixels, final int shiftedPixels, final int keptPixels)
		{
			this.label = label;
			this.inverted = inverted;
			this.skeleton = skeleton;
			this.shifted = shifted;
			this.skeletonPixels = skeletonPixels;
			this.shiftedPixels = shiftedPixels;
			this.keptPixels = keptPixels;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "EMS%s: skeleton %d px, shifted %d px, kept %d px", inverted
				? " (inverted majority foreground)" : "", skeletonPixels, shiftedPixels, keptPixels);
		}
	}

	/** Checks the sampling ratio p: in (0, 1]. */
	public static void checkP(final double p) {
		Check.probability(p, KEY_P);
		if (p == 0) throw new NoisyLabelsException(KEY_P + "=0 keeps no pixel: use a sampling ratio in (0, 1]");
	}

	/**
	 * The EMS module:
	 * <ol>
	 * <li>if the candidate's foreground exceeds half the image (count·2 &gt; n), invert it;</li>
	 * <li>skeletonize ({@link Skeleton#thin}: ImageJ's thinning);</li>
	 * <li>move every skeleton pixel, in raster order, by an independent uniform integer shift in [−r, r]
	 * along y and then x, clipped to the image; pixels landing on the same place merge;</li>
	 * <li>keep a random ceil(p·n) of the n DISTINCT shifted pixels (n counted after merging, as the
	 * reference samples the non-zero pixels of the shifted image); ceil has a 1e-9 tolerance so that
	 * 0.07·100 (= 7.000000000000001 in floating point) keeps 7, not 8.</li>
	 * </ol>
	 * With r = 0 and p = 1 the result is the skeleton itself. An empty candidate gives an empty label.
	 */
	public static Result apply(final byte[] candidate, final int width, final int height, final int r,
		final double p, final SplittableRandom random)
	{
		Pixels.requireSameLength(width * height, candidate.length);
		Check.range(r, 0, 100, KEY_R);
		checkP(p);
		final boolean inverted = Pixels.isMajorityForeground(candidate);
		final byte[] skel = Skeleton.thin(inverted ? Pixels.invert(candidate) : candidate, width, height);
		final byte[] shifted = new byte[skel.length];
		final int[] order = new int[skel.length];
		int n = 0, nSkel = 0;
		final int span = 2 * r + 1;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				if (skel[y * width + x] == 0) continue;
				nSkel++;
				final int yy = clamp(y + random.nextInt(span) - r, height);
				final int xx = clamp(x + random.nextInt(span) - r, width);
				final int j = yy * width + xx;
				if (shifted[j] == 0) {
					shifted[j] = (byte) 255;
					order[n++] = j;
				}
			}
		}
		final int keep = keepCount(p, n);
		// partial Fisher-Yates: the first `keep` entries become a uniform random subset
		for (int i = 0; i < keep; i++) {
			final int j = i + random.nextInt(n - i);
			final int tmp = order[i];
			order[i] = order[j];
			order[j] = tmp;
		}
		final byte[] label = new byte[skel.length];
		for (int i = 0; i < keep; i++)
			label[order[i]] = (byte) 255;
		return new Result(label, inverted, skel, shifted, nSkel, n, keep);
	}

	/** ceil(p·n), tolerant to floating-point noise (0.07·100 = 7.000000000000001 gives 7), within [0, n]. */
	public static int keepCount(final double p, final int n) {
		return (int) Math.max(0, Math.min(n, Math.ceil(p * n - 1e-9)));
	}

	/**
	 * The random generator of one image's label update: depends only on (seed, epoch, image), so results
	 * do not depend on the order in which images are processed.
	 */
	public static SplittableRandom random(final long seed, final int epoch, final int image) {
		long h = seed * 0x9E3779B97F4A7C15L;
		h = (h ^ (h >>> 31)) + epoch * 0xBF58476D1CE4E5B9L;
		h = (h ^ (h >>> 29)) + image * 0x94D049BB133111EBL;
		return new SplittableRandom(h ^ (h >>> 32));
	}

	private static int clamp(final int v, final int size) {
		return v < 0 ? 0 : v >= size ? size - 1 : v;
	}
}
