package org.noisylabels.method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.noisylabels.NoisyLabelsException;

/**
 * Confident learning for segmentation (CLSLSR's stage 2, MICCAI 2020): which labelled pixels are probably
 * wrong, from a model's class probabilities and the (noisy) labels. Pure Java, no TensorFlow. Every counted
 * pixel of every image is one example, as in PyMIC, which concatenates the pixels of all training images
 * and calls cleanlab 1.0.1's {@code get_noise_indices(prune_method='both')}. The steps, with s = the given
 * (noisy) label and y = the guessed true class:
 * <ol>
 * <li><b>Thresholds</b>: t_k = mean of p_k over the pixels labelled k (a class without pixels has no
 * threshold: no pixel is confidently of that class).</li>
 * <li><b>Confident joint</b> C[s][y]: a pixel is confidently of class k when p_k ≥ t_k − 1e-6; with one such
 * class that class is y, with several the argmax of p, with none the pixel is not counted.</li>
 * <li><b>Calibration</b>: each row is rescaled to the label count n_s (C[s][y]·n_s / Σ_y C[s][y]), the whole
 * matrix to Σ n, and rounded to whole numbers keeping each row's total (the row's rounding error is given
 * to the entries with the largest fractional remainders). A labelled class without any confident pixel
 * (cleanlab divides by zero there) keeps all its pixels on the diagonal.</li>
 * <li><b>Noise matrix</b> P(s|y): the calibrated joint with each column divided by its total.</li>
 * <li><b>Prune counts</b>: per given class s the diagonal is raised to at least {@link #MIN_PER_CLASS}, the
 * raise taken evenly from the row's non-zero off-diagonal entries (clipped at 0), which are then truncated
 * to whole numbers.</li>
 * <li><b>Prune by class</b> (classes with more than {@link #MIN_PER_CLASS} pixels): e_s = n_s − prune[s][s];
 * flag the pixels labelled s whose p_s is below the e_s-th smallest p_s (0-based), i.e. at most the e_s
 * least confident ones.</li>
 * <li><b>Prune by noise rate</b> (same classes): for every y ≠ s with m = prune[s][y] > 0, flag the pixels
 * labelled s whose margin p_y − p_s is at least the m-th largest margin among them.</li>
 * <li>Flagged = by class ∧ by noise rate, then <b>unflagged</b> where argmax p equals the label.</li>
 * </ol>
 * Binary models with one output channel give p_1 = the channel and p_0 = 1 − p_1. The argmax takes the first
 * of equal maxima (numpy's rule). Pixels with weight ≤ 0 (ignored) are no examples and are never flagged.
 */
public final class ConfidentLearning {

	/** cleanlab's MIN_NUM_PER_CLASS: at least this many pixels of each given class are left unflagged. */
	public static final int MIN_PER_CLASS = 5;
	/** cleanlab's tolerance of the confident comparison p_k ≥ t_k − 1e-6. */
	public static final double TOLERANCE = 1e-6;

	private ConfidentLearning() {}

	/** One image: class probabilities, labels and weights. */
	public static final class Image {

		public final String name;
		/** Probabilities: C channels, or 1 (the foreground of a binary model), each of w·h pixels. */
		public final float[][] probabilities;
		/** Given labels 0..C−1 (unsigned bytes). */
		public final byte[] labels;
		/** Pixel weights, or null: pixels with weight ≤ 0 are ignored. */
		public final float[] weights;

		public Image(final String name, final float[][] probabilities, final byte[] labels, final float[] weights) {
			this.name = name;
			this.probabilities = probabilities;
			this.labels = labels;
			this.weights = weights;
			for (final float[] p : probabilities)
				if (p.length != labels.length) throw new IllegalArgumentException(name + ": " + p.length +
					" probabilities for " + labels.length + " labels");
			if (weights != null && weights.length != labels.length) throw new IllegalArgumentException(name +
				": weights do not match the labels");
		}

		boolean counted(final int i) {
			return weights == null || weights[i] > 0;
		}
	}

	/** Everything confident learning found. Matrices are indexed [given s][true y]. */
	public static final class Result {

		public final int classes;
		/** n_k: counted pixels labelled k. */
		public final long[] labelCounts;
		/** t_k (NaN for a class without pixels). */
		public final double[] thresholds;
		public final long[][] confidentJoint;
		public final long[][] calibratedJoint;
		/** P(s|y): the calibrated joint with columns normalised (NaN where a column is empty). */
		public final double[][] noiseMatrix;
		public final long[][] pruneCounts;
		/** Flagged pixels per image (true = the label is probably wrong). */
		public final List<boolean[]> flagged;
		/** Flagged pixels per image and given class, [image][class]. */
		public final long[][] flaggedPerImage;
		/** Pixels flagged by each rule alone, by both, and finally (both, minus argmax = label). */
		public long byClass, byNoiseRate, both, total;

		Result(final int classes, final int images) {
			this.classes = classes;
			labelCounts = new long[classes];
			thresholds = new double[classes];
			confidentJoint = new long[classes][classes];
			calibratedJoint = new long[classes][classes];
			noiseMatrix = new double[classes][classes];
			pruneCounts = new long[classes][classes];
			flagged = new ArrayList<>(Collections.nCopies(images, (boolean[]) null));
			flaggedPerImage = new long[images][classes];
		}

		/** Counted pixels. */
		public long pixels() {
			long n = 0;
			for (final long c : labelCounts) n += c;
			return n;
		}
	}

	/** Runs confident learning over all counted pixels of {@code images} with {@code classes} classes. */
	public static Result find(final List<Image> images, final int classes) {
		if (classes < 2) throw new IllegalArgumentException("classes must be at least 2");
		for (final Image im : images) {
			final int ch = im.probabilities.length;
			if (ch != classes && !(ch == 1 && classes == 2)) throw new IllegalArgumentException(im.name + ": " + ch +
				" probability channels for " + classes + " classes");
			for (int i = 0; i < im.labels.length; i++)
				if (im.counted(i) && (im.labels[i] & 0xff) >= classes) throw new NoisyLabelsException(im.name +
					" has the label " + (im.labels[i] & 0xff) + " but the model has only " + classes + " classes (0.." +
					(classes - 1) + ")");
		}
		final Result r = new Result(classes, images.size());
		final int k = classes;
		// 1. label counts and thresholds
		final double[] sums = new double[k];
		for (final Image im : images)
			for (int i = 0; i < im.labels.length; i++) {
				if (!im.counted(i)) continue;
				final int s = im.labels[i] & 0xff;
				r.labelCounts[s]++;
				sums[s] += p(im, s, i);
			}
		for (int c = 0; c < k; c++) r.thresholds[c] = r.labelCounts[c] == 0 ? Double.NaN : sums[c] / r.labelCounts[c];
		// 2. confident joint
		final double[] row = new double[k];
		for (final Image im : images)
			for (int i = 0; i < im.labels.length; i++) {
				if (!im.counted(i)) continue;
				probabilities(im, i, row);
				final int y = confidentClass(row, r.thresholds);
				if (y >= 0) r.confidentJoint[im.labels[i] & 0xff][y]++;
			}
		// 3. calibration, 4. noise matrix, 5. prune counts
		final long[][] cal = calibrate(r.confidentJoint, r.labelCounts);
		for (int s = 0; s < k; s++) r.calibratedJoint[s] = cal[s];
		final double[][] nm = noiseMatrix(cal);
		for (int s = 0; s < k; s++) r.noiseMatrix[s] = nm[s];
		final long[][] prune = pruneCounts(cal, MIN_PER_CLASS);
		for (int s = 0; s < k; s++) r.pruneCounts[s] = prune[s];
		// 6./7. cut-offs of both rules, per given class
		final double[] classCut = new double[k];
		final double[][] marginCut = new double[k][k];
		Arrays.fill(classCut, Double.NEGATIVE_INFINITY);
		for (final double[] m : marginCut) Arrays.fill(m, Double.NaN);
		for (int s = 0; s < k; s++) {
			if (r.labelCounts[s] <= MIN_PER_CLASS) continue;
			final int n = (int) r.labelCounts[s];
			final double[] v = new double[n];
			collect(images, s, -1, v);
			final int errors = (int) Math.max(0, Math.min(n - 1, r.labelCounts[s] - prune[s][s]));
			Arrays.sort(v);
			classCut[s] = v[errors];
			for (int y = 0; y < k; y++) {
				final long m = prune[s][y];
				if (y == s || m <= 0) continue;
				collect(images, s, y, v);
				Arrays.sort(v);
				marginCut[s][y] = v[n - (int) Math.min(m, n)];
			}
		}
		// 8. both rules, then unflag argmax = label
		for (int im = 0; im < images.size(); im++) {
			final Image img = images.get(im);
			final boolean[] f = new boolean[img.labels.length];
			for (int i = 0; i < f.length; i++) {
				if (!img.counted(i)) continue;
				final int s = img.labels[i] & 0xff;
				if (r.labelCounts[s] <= MIN_PER_CLASS) continue;
				probabilities(img, i, row);
				final boolean byClass = row[s] < classCut[s];
				boolean byRate = false;
				for (int y = 0; y < k && !byRate; y++)
					if (!Double.isNaN(marginCut[s][y]) && row[y] - row[s] >= marginCut[s][y]) byRate = true;
				if (byClass) r.byClass++;
				if (byRate) r.byNoiseRate++;
				if (byClass && byRate) {
					r.both++;
					if (argmax(row) != s) {
						f[i] = true;
						r.total++;
						r.flaggedPerImage[im][s]++;
					}
				}
			}
			r.flagged.set(im, f);
		}
		return r;
	}

	/** p_c of pixel i (binary one-channel models: p_0 = 1 − p_1). */
	static double p(final Image im, final int c, final int i) {
		if (im.probabilities.length == 1) return c == 1 ? im.probabilities[0][i] : 1.0 - im.probabilities[0][i];
		return im.probabilities[c][i];
	}

	private static void probabilities(final Image im, final int i, final double[] row) {
		for (int c = 0; c < row.length; c++) row[c] = p(im, c, i);
	}

	/**
	 * The values of the pixels labelled {@code s}, in image order: p_s when {@code y} < 0, else the margin
	 * p_y − p_s.
	 */
	private static void collect(final List<Image> images, final int s, final int y, final double[] out) {
		int j = 0;
		for (final Image im : images)
			for (int i = 0; i < im.labels.length; i++) {
				if (!im.counted(i) || (im.labels[i] & 0xff) != s) continue;
				out[j++] = y < 0 ? p(im, s, i) : p(im, y, i) - p(im, s, i);
			}
	}

	/** The first index of the largest value. */
	static int argmax(final double[] row) {
		int best = 0;
		for (int c = 1; c < row.length; c++)
			if (row[c] > row[best]) best = c;
		return best;
	}

	/**
	 * The guessed true class of one pixel: the only class with p_k ≥ t_k − 1e-6, the argmax of p when
	 * several are, −1 when none is. A NaN threshold (empty class) is never reached.
	 */
	static int confidentClass(final double[] row, final double[] thresholds) {
		int count = 0, only = -1;
		for (int c = 0; c < row.length; c++)
			if (row[c] >= thresholds[c] - TOLERANCE) {
				count++;
				only = c;
			}
		if (count == 0) return -1;
		return count == 1 ? only : argmax(row);
	}

	/**
	 * The calibrated joint: rows rescaled to the label counts, the matrix to their total, rounded keeping
	 * the row totals (see the class comment).
	 */
	static long[][] calibrate(final long[][] joint, final long[] labelCounts) {
		final int k = joint.length;
		final long[][] out = new long[k][];
		for (int s = 0; s < k; s++) {
			final double[] cal = new double[k];
			long rowSum = 0;
			for (final long v : joint[s]) rowSum += v;
			for (int y = 0; y < k; y++) {
				if (rowSum > 0) cal[y] = (double) joint[s][y] / rowSum * labelCounts[s];
				else if (y == s) cal[y] = labelCounts[s];
			}
			// cleanlab then rescales the matrix to Σ n: every row already sums to its n_s here, so that is a no-op
			// (done in floating point it could only move a value such as 7.5 across a rounding boundary)
			out[s] = roundPreservingSum(cal);
		}
		return out;
	}

	/**
	 * Rounds to whole numbers (half to even) keeping the rounded total: while the sum is off, the entries
	 * with the largest (adding) or smallest (subtracting) remainder value − rounded value are moved by one,
	 * at most one step per entry per pass.
	 */
	static long[] roundPreservingSum(final double[] values) {
		final int n = values.length;
		final long[] ints = new long[n];
		double sum = 0;
		long intSum = 0;
		for (int i = 0; i < n; i++) {
			ints[i] = (long) Math.rint(values[i]);
			sum += values[i];
			intSum += ints[i];
		}
		final long target = (long) Math.rint(sum);
		while (intSum != target) {
			final long diff = target - intSum;
			final int inc = diff < 0 ? -1 : 1;
			final int changes = (int) Math.min(Math.abs(diff), n);
			final Integer[] order = new Integer[n];
			for (int i = 0; i < n; i++) order[i] = i;
			// ascending remainder (stable), reversed when adding: the largest remainders first
			Arrays.sort(order, (a, b) -> Double.compare(values[a] - ints[a], values[b] - ints[b]));
			for (int c = 0; c < changes; c++) {
				final int i = inc > 0 ? order[n - 1 - c] : order[c];
				ints[i] += inc;
				intSum += inc;
			}
		}
		return ints;
	}

	/** P(s|y) = joint[s][y] / Σ_s joint[s][y]; NaN where the column is empty. */
	static double[][] noiseMatrix(final long[][] joint) {
		final int k = joint.length;
		final double[][] m = new double[k][k];
		for (int y = 0; y < k; y++) {
			long col = 0;
			for (int s = 0; s < k; s++) col += joint[s][y];
			for (int s = 0; s < k; s++) m[s][y] = col == 0 ? Double.NaN : (double) joint[s][y] / col;
		}
		return m;
	}

	/**
	 * How many pixels each rule may flag, [given s][true y]: the diagonal raised to at least {@code min},
	 * the raise taken evenly from the row's other non-zero entries (clipped at 0, then truncated).
	 */
	static long[][] pruneCounts(final long[][] cal, final int min) {
		final int k = cal.length;
		final long[][] out = new long[k][k];
		for (int s = 0; s < k; s++) {
			final long diag = Math.max(cal[s][s], min);
			final long raise = diag - cal[s][s];
			int nonZero = 0;
			for (final long v : cal[s])
				if (v != 0) nonZero++;
			final double share = (double) raise / Math.max(nonZero - 1, 1);
			for (int y = 0; y < k; y++) {
				if (y == s) out[s][y] = diag;
				else out[s][y] = (long) Math.max(0, cal[s][y] - share);
			}
		}
		return out;
	}
}
