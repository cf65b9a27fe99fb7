package org.noisylabels.method.igtt;

import java.util.Locale;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.JavaLosses;

import ij.process.AutoThresholder;

/**
 * iGTT's candidate selection (algorithms.md §3): the prediction P of one image is thresholded at K evenly
 * spaced thresholds between min(P) and max(P) ({@link #thresholds}), and the candidate mask P &gt; t_k with
 * the lowest DMI(P, candidate) is chosen ({@link #select}, or {@link #selectShared} with one index for
 * several images).
 * <p>
 * A useful fact for reading the logs: for a candidate S = {P > t}, det U = n·Σ_{i∈S} p_i − Σp·|S|
 * = n·Σ_{i∈S}(p_i − mean P) ≥ 0, which is largest for S = {P &gt; mean(P)}. The DMI choice is
 * therefore that set, or the candidate next to it (the thresholds on either side of mean(P)); among
 * candidates giving the same set the smallest k is taken.
 */
public final class Candidates {

	/** The key of K in error messages (the command's key). */
	public static final String KEY_K = "k";

	/**
	 * How the candidate is chosen: {@link #DMI} (the paper: the lowest DMI(P, candidate), i.e. about
	 * P &gt; mean(P)), or, as a departure for sparse structures, {@link #OTSU}: the candidate whose threshold
	 * is nearest Otsu's threshold of P's 256-bin histogram over [min(P), max(P)] (ImageJ's
	 * {@link AutoThresholder}). DMI's |det U| for S = {P &gt; t} is |S|·|not S|·(mean_S P − mean_notS P),
	 * which puts the threshold at mean(P): on a sparse map that is just above the background and takes its
	 * upper tail; Otsu's threshold lies between the two classes' means. (Kittler and Illingworth's minimum
	 * error threshold was measured too and was worse than both on sparse structures:
	 * bench/results/IGTTExperiment-candidate-min_error.txt.)
	 */
	public enum Criterion {
		DMI(CANDIDATE_DMI, null), OTSU(CANDIDATE_OTSU, AutoThresholder.Method.Otsu);

		/** The key's value. */
		public final String key;
		final AutoThresholder.Method method;

		Criterion(final String key, final AutoThresholder.Method method) {
			this.key = key;
			this.method = method;
		}

		/** The criterion of a {@code candidate} value (any case), or a one-line error listing the choices. */
		public static Criterion of(final String value) {
			final String[] keys = new String[values().length];
			for (int i = 0; i < keys.length; i++)
				keys[i] = values()[i].key;
			final String v = Check.choice(value, KEY_CANDIDATE, keys);
			for (final Criterion c : values())
				if (c.key.equals(v)) return c;
			throw new IllegalStateException(v);
		}
	}

	/** The key of the criterion (the command's key) and its values. */
	public static final String KEY_CANDIDATE = "candidate", CANDIDATE_DMI = "dmi", CANDIDATE_OTSU = "otsu";

	private Candidates() {}

	/**
	 * The K thresholds t_k = pmin + k·(pmax − pmin)/(K − 1), k = 0…K−1 (the last one is pmax exactly).
	 */
	public static double[] thresholds(final double pmin, final double pmax, final int k) {
		Check.range(k, 2, 10000, KEY_K);
		final double[] t = new double[k];
		final double delta = (pmax - pmin) / (k - 1);
		for (int i = 0; i < k; i++)
			t[i] = pmin + i * delta;
		t[k - 1] = pmax;
		return t;
	}

	/** The K thresholds of a probability map (from its min and max); rejects NaN. */
	public static double[] thresholds(final float[] prob, final int k) {
		final float[] mm = minMax(prob);
		return thresholds(mm[0], mm[1], k);
	}

	/** The candidate mask P &gt; t (0/255). */
	public static byte[] candidate(final float[] prob, final double t) {
		final byte[] s = new byte[prob.length];
		for (int i = 0; i < prob.length; i++)
			if (prob[i] > t) s[i] = (byte) 255;
		return s;
	}

	/**
	 * DMI(P, S) = −log(|det U| + 0.001) with U = [p; 1−p]·[s; 1−s]ᵀ, the 2×2 matrix of raw sums over the
	 * image (s = 1 where the mask is non-zero): the binary DMI loss of algorithms.md §2 for one image,
	 * computed by {@link JavaLosses#dmiBinary(float[], byte[])}.
	 */
	public static double dmi(final float[] prob, final byte[] mask) {
		Pixels.requireSameLength(prob.length, mask.length);
		return JavaLosses.dmiBinary(prob, mask);
	}

	/**
	 * DMI(P, P &gt; t_k) for every k = 0…K−1, with the thresholds of {@link #thresholds(float[], int)}:
	 * one pass over the image (each pixel goes into the bucket of thresholds it exceeds), then K suffix
	 * sums give U's four entries for every candidate ({@link JavaLosses#dmiFromU}). O(n + K).
	 */
	public static double[] dmiCurve(final float[] prob, final double[] t) {
		final int k = t.length, n = prob.length;
		final long[] count = new long[k + 1];
		final double[] sum = new double[k + 1];
		final double t0 = t[0], step = k > 1 ? (t[k - 1] - t[0]) / (k - 1) : 0;
		double total = 0;
		for (int i = 0; i < n; i++) {
			final float v = prob[i];
			if (v != v) throw nanPrediction(i);
			// m = #{k : t_k < v}; candidates 0..m-1 contain this pixel
			int m = step > 0 ? (int) Math.min(k, Math.max(0, Math.floor((v - t0) / step) + 1)) : 0;
			while (m < k && t[m] < v)
				m++;
			while (m > 0 && !(t[m - 1] < v))
				m--;
			count[m]++;
			sum[m] += v;
			total += v;
		}
		final double[] dmi = new double[k];
		long s1 = 0;
		double sp = 0;
		for (int j = k - 1; j >= 0; j--) {
			// candidate j holds the pixels with m > j
			s1 += count[j + 1];
			sp += sum[j + 1];
			// U = [[Σ_S p, Σ_notS p], [Σ_S (1-p), Σ_notS (1-p)]]
			dmi[j] = JavaLosses.dmiFromU(sp, total - sp, s1 - sp, (n - s1) - (total - sp));
		}
		return dmi;
	}

	/** The chosen threshold candidate of one image. */
	public static final class Selection {

		/** Index k of the chosen candidate. */
		public final int index;
		/** Its threshold t_k (the mask is P &gt; threshold). */
		public final double threshold;
		/** DMI(P, mask). */
		public final double dmi;
		/** The candidate mask, 0/255. */
		public final byte[] mask;
		/** All K thresholds and all K DMI values (the excluded extremes included, for the log). */
		public final double[] thresholds, dmis;
		/** Number of foreground pixels of the mask. */
		public final int foreground;

		Selection(final int index, final double[] thresholds, final double[] dmis, final byte[] mask) {
			this.index = index;
			this.threshold = thresholds[index];
			this.dmi = dmis[index];
			this.thresholds = thresholds;
			this.dmis = dmis;
			this.mask = mask;
			this.foreground = Pixels.countForeground(mask);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "candidate k=%d, t=%.4g, DMI=%.4f, foreground %.2f%%", index,
				threshold, dmi, 100.0 * foreground / Math.max(1, mask.length));
		}
	}

	/**
	 * Picks the candidate P &gt; t_k with the lowest DMI(P, candidate) among k = 1…K−2 (reference code,
	 * {@code fullRange = false}) or k = 0…K−1 (paper). Ties go to the smallest k. A constant P gives
	 * equal DMIs and thus the first considered candidate (an empty mask).
	 */
	public static Selection select(final float[] prob, final int k, final boolean fullRange) {
		return select(prob, k, fullRange, Criterion.DMI);
	}

	/**
	 * Like {@link #select(float[], int, boolean)} with another {@link Criterion}: with {@link Criterion#OTSU}
	 * the candidate among the same k whose threshold is nearest the
	 * auto-threshold of P (ties to the smaller k); the DMI values are still computed, for the log.
	 */
	public static Selection select(final float[] prob, final int k, final boolean fullRange,
		final Criterion criterion)
	{
		Check.range(k, fullRange ? 2 : 3, 10000, KEY_K);
		final double[] t = thresholds(prob, k);
		final double[] dmi = dmiCurve(prob, t);
		final int best = criterion == Criterion.DMI ? argmin(dmi, fullRange) : nearest(t, autoThreshold(prob,
			criterion), fullRange);
		return new Selection(best, t, dmi, candidate(prob, t[best]));
	}

	/**
	 * The auto-threshold of P for a histogram criterion: ImageJ's {@link AutoThresholder} on 256 bins over
	 * [min(P), max(P)]; the mask is P &gt; the returned value (the upper edge of the threshold bin). A flat P
	 * gives its value.
	 */
	public static double autoThreshold(final float[] prob, final Criterion criterion) {
		if (criterion.method == null) throw new IllegalArgumentException(criterion + " is not a histogram rule");
		final float[] mm = minMax(prob);
		final double lo = mm[0], hi = mm[1];
		if (!(hi > lo)) return lo;
		final int bins = 256;
		final int[] hist = new int[bins];
		final double scale = bins / (hi - lo);
		for (final float v : prob)
			hist[Math.min(bins - 1, (int) ((v - lo) * scale))]++;
		final int level = new AutoThresholder().getThreshold(criterion.method, hist);
		return lo + (level + 1) / scale;
	}

	private static int nearest(final double[] t, final double target, final boolean fullRange) {
		final int from = fullRange ? 0 : 1, to = fullRange ? t.length - 1 : t.length - 2;
		int best = from;
		for (int j = from + 1; j <= to; j++)
			if (Math.abs(t[j] - target) < Math.abs(t[best] - target)) best = j;
		return best;
	}

	/**
	 * Like {@link #select} for several images at once, but with ONE index k for all of them: the one
	 * with the lowest mean DMI (the reference code evaluates DMI on a whole batch). Each image keeps its
	 * own thresholds (from its own min and max).
	 */
	public static Selection[] selectShared(final float[][] probs, final int k, final boolean fullRange) {
		Check.range(k, fullRange ? 2 : 3, 10000, KEY_K);
		final double[][] t = new double[probs.length][];
		final double[][] dmi = new double[probs.length][];
		final double[] mean = new double[k];
		for (int i = 0; i < probs.length; i++) {
			t[i] = thresholds(probs[i], k);
			dmi[i] = dmiCurve(probs[i], t[i]);
			for (int j = 0; j < k; j++)
				mean[j] += dmi[i][j] / probs.length;
		}
		final int best = argmin(mean, fullRange);
		final Selection[] out = new Selection[probs.length];
		for (int i = 0; i < probs.length; i++)
			out[i] = new Selection(best, t[i], dmi[i], candidate(probs[i], t[i][best]));
		return out;
	}

	/**
	 * Every image's selection by {@code criterion}: each its own ({@link #select}), or one shared index
	 * ({@link #selectShared}; with {@link Criterion#DMI} only, as the reference code's batch DMI).
	 */
	public static Selection[] selectAll(final float[][] probs, final int k, final boolean fullRange,
		final boolean sharedIndex, final Criterion criterion)
	{
		if (sharedIndex) {
			requireSharedDmi(criterion);
			return selectShared(probs, k, fullRange);
		}
		final Selection[] out = new Selection[probs.length];
		for (int i = 0; i < probs.length; i++)
			out[i] = select(probs[i], k, fullRange, criterion);
		return out;
	}

	/** A one-line error unless {@code criterion} is {@link Criterion#DMI} (for shared_index=true). */
	public static void requireSharedDmi(final Criterion criterion) {
		if (criterion != Criterion.DMI) throw new NoisyLabelsException("shared_index=true works with " +
			KEY_CANDIDATE + "=" + CANDIDATE_DMI + " only, not " + KEY_CANDIDATE + "=" + criterion.key +
			": set shared_index=false");
	}

	private static int argmin(final double[] v, final boolean fullRange) {
		final int from = fullRange ? 0 : 1, to = fullRange ? v.length - 1 : v.length - 2;
		int best = from;
		for (int j = from + 1; j <= to; j++)
			if (v[j] < v[best]) best = j;
		return best;
	}

	/** {min, max} of a probability map; throws a {@link NoisyLabelsException} at the first NaN. */
	public static float[] minMax(final float[] prob) {
		if (prob.length == 0) throw new IllegalArgumentException("empty probability map");
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < prob.length; i++) {
			final float v = prob[i];
			if (v != v) throw nanPrediction(i);
			if (v < min) min = v;
			if (v > max) max = v;
		}
		return new float[] { min, max };
	}

	private static NoisyLabelsException nanPrediction(final int i) {
		return new NoisyLabelsException("the network's prediction has NaN values (first at pixel " + i +
			"): training diverged; run again with clip_norm=10 (or another seed, or a lower learning_rate)");
	}
}
