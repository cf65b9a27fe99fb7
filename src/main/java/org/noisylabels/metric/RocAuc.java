package org.noisylabels.metric;

import java.util.Arrays;

/**
 * Area under the ROC curve of a probability map against a binary ground truth, computed exactly as the
 * Mann-Whitney statistic: the fraction of (object, background) pixel pairs in which the object pixel
 * has the higher probability, ties counting one half (the same as the trapezoidal ROC area with tied
 * scores, e.g. scikit-learn's {@code roc_auc_score}).
 */
public final class RocAuc {

	private RocAuc() {}

	/**
	 * AUC of {@code prob} (values in [0, 1]) against {@code truth} (non-zero = object); NaN when the ground
	 * truth has no object or no background pixel (the area is undefined).
	 */
	public static double auc(final float[][] prob, final byte[][] truth) {
		int n = 0;
		for (final float[] p : prob) n += p.length;
		// key = the probability's bits (monotone for floats in [0, 1], at most 0x3F800000) shifted left, with
		// the label in bit 0: a non-negative int
		int[] keys = new int[n];
		long positives = 0;
		int k = 0;
		for (int z = 0; z < prob.length; z++) {
			final float[] p = prob[z];
			final byte[] t = truth[z];
			for (int i = 0; i < p.length; i++) {
				final float v = p[i] == 0 ? 0f : p[i]; // -0 -> +0
				if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("probability " + v + " outside [0, 1]");
				final int label = t[i] != 0 ? 1 : 0;
				positives += label;
				keys[k++] = Float.floatToIntBits(v) << 1 | label;
			}
		}
		final long negatives = n - positives;
		if (positives == 0 || negatives == 0) return Double.NaN;
		keys = radixSort(keys);
		// walk groups of equal probability in ascending order
		long twiceConcordant = 0; // 2 * (pairs won by the object pixel) + tied pairs
		long negativesBelow = 0;
		int i = 0;
		while (i < n) {
			final int bits = keys[i] >>> 1;
			long pos = 0, neg = 0;
			while (i < n && keys[i] >>> 1 == bits) {
				if ((keys[i] & 1) != 0) pos++;
				else neg++;
				i++;
			}
			twiceConcordant += 2 * pos * negativesBelow + pos * neg;
			negativesBelow += neg;
		}
		return twiceConcordant / (2.0 * positives * negatives);
	}

	/** Sorts non-negative ints (least significant digit first, three passes of 11 bits); may reuse the array. */
	static int[] radixSort(final int[] a) {
		int[] from = a, to = new int[a.length];
		final int[] count = new int[2049];
		for (int shift = 0; shift < 33; shift += 11) {
			Arrays.fill(count, 0);
			for (final int x : from) count[(x >>> shift & 2047) + 1]++;
			for (int b = 0; b < 2048; b++) count[b + 1] += count[b];
			for (final int x : from) to[count[x >>> shift & 2047]++] = x;
			final int[] t = from;
			from = to;
			to = t;
		}
		return from;
	}
}
