package org.noisylabels.method;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;

/**
 * Confident learning on small hand-made probability maps; every expected value is worked out by hand in
 * the comments. Probabilities are float inputs converted to double, so thresholds and noise rates are
 * compared with a tolerance of 1e-6 (float rounding of values such as 0.1f); counts and flags are whole
 * numbers and selections, compared exactly.
 */
public class ConfidentLearningTest {

	private static final double EPS = 1e-6;

	private static byte[] labels(final int... v) {
		final byte[] b = new byte[v.length];
		for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
		return b;
	}

	private static float[] floats(final double... v) {
		final float[] f = new float[v.length];
		for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
		return f;
	}

	/**
	 * Binary, one foreground channel q (p_0 = 1 − q), two images.
	 * <p>
	 * Image A: ten pixels labelled 0 with q = 0.1 ×7, 0.3, 0.8, 0.9, and two IGNORED pixels (label 0, q =
	 * 0.99) that must change nothing. Image B: ten pixels labelled 1 with q = 0.95 ×5, 0.6, 0.55, 0.2, 0.1,
	 * 0.1.
	 * <ul>
	 * <li>n = [10, 10]; t_0 = mean p_0 over label 0 = (7·0.9 + 0.7 + 0.2 + 0.1)/10 = 0.73; t_1 = mean q over label
	 * 1 = (5·0.95 + 0.6 + 0.55 + 0.2 + 0.1 + 0.1)/10 = 0.63.</li>
	 * <li>Joint, label 0: q = 0.1 (p_0 = 0.9 ≥ 0.73) → y = 0 ×7; q = 0.3 (p_0 = 0.7 < 0.73, q < 0.63) → not
	 * counted; q = 0.8, 0.9 (≥ 0.63) → y = 1. Row 0 = [7, 2]. Label 1: q = 0.95 → y = 1 ×5; q = 0.6 and 0.55:
	 * neither class confident → not counted; q = 0.2, 0.1, 0.1 (p_0 ≥ 0.73) → y = 0. Row 1 = [3, 5].</li>
	 * <li>Calibrated: row 0 = [7, 2]·10/9 = [7.78, 2.22] → [8, 2]; row 1 = [3, 5]·10/8 = [3.75, 6.25] → [4,
	 * 6]. Noise matrix P(s|y): column 0 = [8, 4]/12, column 1 = [2, 6]/8. Prune counts = calibrated (diagonals ≥
	 * 5).</li>
	 * <li>Label 0, by class: e = 10 − 8 = 2, sorted p_0 = 0.1, 0.2, 0.7, ... → cut 0.7: flag p_0 < 0.7 = {q
	 * 0.9, q 0.8}; by noise rate: m = 2, margins q − p_0 = 2q − 1 = 0.8, 0.6, −0.4, −0.8... → 2nd largest 0.6:
	 * flag {q 0.9, q 0.8}. Both, argmax 1 ≠ 0: both flagged.</li>
	 * <li>Label 1, by class: e = 10 − 6 = 4, sorted q = 0.1, 0.1, 0.2, 0.55, 0.6 → cut 0.6: flag {0.1, 0.1,
	 * 0.2, 0.55}; by noise rate: m = 4, margins 1 − 2q = 0.8, 0.8, 0.6, −0.1, −0.2, ... → 4th largest −0.1:
	 * flag {0.1, 0.1, 0.2, 0.55}. Both: 4 pixels; q = 0.55 has argmax 1 = its label: unflagged. 3 left.</li>
	 * </ul>
	 */
	@Test
	public void binaryThresholdsJointCalibrationPruningAndArgmaxUnflag() {
		final ConfidentLearning.Image a = new ConfidentLearning.Image("A", new float[][] { floats(0.1, 0.1, 0.1, 0.1,
			0.1, 0.1, 0.1, 0.3, 0.8, 0.9, 0.99, 0.99) }, labels(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), floats(1, 1, 1, 1, 1,
				1, 1, 1, 1, 1, 0, 0));
		final ConfidentLearning.Image b = new ConfidentLearning.Image("B", new float[][] { floats(0.95, 0.95, 0.95, 0.95,
			0.95, 0.6, 0.55, 0.2, 0.1, 0.1) }, labels(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), null);
		final ConfidentLearning.Result r = ConfidentLearning.find(Arrays.asList(a, b), 2);
		assertArrayEquals(new long[] { 10, 10 }, r.labelCounts);
		assertEquals(0.73, r.thresholds[0], EPS);
		assertEquals(0.63, r.thresholds[1], EPS);
		assertArrayEquals(new long[] { 7, 2 }, r.confidentJoint[0]);
		assertArrayEquals(new long[] { 3, 5 }, r.confidentJoint[1]);
		assertArrayEquals(new long[] { 8, 2 }, r.calibratedJoint[0]);
		assertArrayEquals(new long[] { 4, 6 }, r.calibratedJoint[1]);
		assertEquals(8 / 12.0, r.noiseMatrix[0][0], EPS);
		assertEquals(4 / 12.0, r.noiseMatrix[1][0], EPS);
		assertEquals(2 / 8.0, r.noiseMatrix[0][1], EPS);
		assertEquals(6 / 8.0, r.noiseMatrix[1][1], EPS);
		assertArrayEquals(new long[] { 8, 2 }, r.pruneCounts[0]);
		assertArrayEquals(new long[] { 4, 6 }, r.pruneCounts[1]);
		assertEquals(6, r.byClass);
		assertEquals(6, r.byNoiseRate);
		assertEquals(6, r.both);
		assertEquals(5, r.total);
		final boolean[] fa = new boolean[12], fb = new boolean[10];
		fa[8] = fa[9] = true; // q 0.8 and 0.9 labelled 0; the ignored q = 0.99 pixels are not flagged
		fb[7] = fb[8] = fb[9] = true; // q 0.2, 0.1, 0.1 labelled 1; q = 0.55 (index 6) unflagged by its argmax
		assertArrayEquals(fa, r.flagged.get(0));
		assertArrayEquals(fb, r.flagged.get(1));
		assertArrayEquals(new long[] { 2, 0 }, r.flaggedPerImage[0]);
		assertArrayEquals(new long[] { 0, 3 }, r.flaggedPerImage[1]);
	}

	/**
	 * Three classes, where the two pruning rules disagree. Label 0 (ten pixels, (p_0, p_1, p_2)): a = (0.9,
	 * 0.05, 0.05) ×6, b = (0.1, 0.8, 0.1), c = (0.15, 0.1, 0.75), d = (0.05, 0.5, 0.45), e = (0.45, 0.55, 0).
	 * Label 1: (0.2, 0.7, 0.1) ×6; label 2: (0.2, 0.1, 0.7) ×6.
	 * <ul>
	 * <li>t_0 = (5.4 + 0.1 + 0.15 + 0.05 + 0.45)/10 = 0.615, t_1 = t_2 = 0.7.</li>
	 * <li>Joint row 0: a → 0 ×6; b: p_1 0.8 ≥ 0.7 → 1; c: p_2 0.75 → 2; d, e: no class reaches its threshold.
	 * Row 0 = [6, 1, 1]; rows 1, 2 = [0, 6, 0], [0, 0, 6].</li>
	 * <li>Calibrated row 0 = [6, 1, 1]·10/8 = [7.5, 1.25, 1.25] → half to even [8, 1, 1] (sum 10). Noise matrix:
	 * column 0 = [1, 0, 0], column 1 = [1, 6, 0]/7, column 2 = [1, 0, 6]/7.</li>
	 * <li>By class, label 0: e = 10 − 8 = 2, sorted p_0 = 0.05 (d), 0.1 (b), 0.15 (c) → cut 0.15: {d, b}.</li>
	 * <li>By noise rate, label 0: y = 1, m = 1: largest p_1 − p_0 is b's 0.7 → {b}; y = 2, m = 1: largest p_2
	 * − p_0 is c's 0.6 → {c}. Together {b, c}.</li>
	 * <li>Both: {b} (argmax 1 ≠ 0: flagged). d is only low, c only far: neither is flagged. Labels 1 and 2:
	 * e = 0 and no off-diagonal count: nothing.</li>
	 * </ul>
	 */
	@Test
	public void threeClassesTheTwoRulesDisagreeAndOnlyTheirIntersectionIsFlagged() {
		final double[][] rows = { { 0.9, 0.05, 0.05 }, { 0.9, 0.05, 0.05 }, { 0.9, 0.05, 0.05 }, { 0.9, 0.05, 0.05 }, {
			0.9, 0.05, 0.05 }, { 0.9, 0.05, 0.05 }, { 0.1, 0.8, 0.1 }, { 0.15, 0.1, 0.75 }, { 0.05, 0.5, 0.45 }, { 0.45,
				0.55, 0 } };
		final int n = rows.length + 12;
		final float[][] p = new float[3][n];
		final byte[] lab = new byte[n];
		for (int i = 0; i < n; i++) {
			final double[] row = i < rows.length ? rows[i] : i < rows.length + 6 ? new double[] { 0.2, 0.7, 0.1 }
				: new double[] { 0.2, 0.1, 0.7 };
			for (int c = 0; c < 3; c++) p[c][i] = (float) row[c];
			lab[i] = (byte) (i < rows.length ? 0 : i < rows.length + 6 ? 1 : 2);
		}
		final ConfidentLearning.Result r = ConfidentLearning.find(Arrays.asList(new ConfidentLearning.Image("x", p, lab,
			null)), 3);
		assertEquals(0.615, r.thresholds[0], EPS);
		assertEquals(0.7, r.thresholds[1], EPS);
		assertEquals(0.7, r.thresholds[2], EPS);
		assertArrayEquals(new long[] { 6, 1, 1 }, r.confidentJoint[0]);
		assertArrayEquals(new long[] { 0, 6, 0 }, r.confidentJoint[1]);
		assertArrayEquals(new long[] { 0, 0, 6 }, r.confidentJoint[2]);
		assertArrayEquals(new long[] { 8, 1, 1 }, r.calibratedJoint[0]);
		assertEquals(1.0, r.noiseMatrix[0][0], EPS);
		assertEquals(1 / 7.0, r.noiseMatrix[0][1], EPS);
		assertEquals(6 / 7.0, r.noiseMatrix[1][1], EPS);
		assertEquals(6 / 7.0, r.noiseMatrix[2][2], EPS);
		assertEquals(0.0, r.noiseMatrix[2][1], EPS);
		assertEquals("by class: d and b", 2, r.byClass);
		assertEquals("by noise rate: b and c", 2, r.byNoiseRate);
		assertEquals("both: b", 1, r.both);
		assertEquals(1, r.total);
		final boolean[] expected = new boolean[n];
		expected[6] = true; // b
		assertArrayEquals(expected, r.flagged.get(0));
	}

	/**
	 * An empty class, a class at the minimum size, and a labelled class without any confident pixel. Three
	 * classes; label 0: twelve pixels (0.8, 0.2, 0) ×10 and (0.9, 0.1, 0) ×2; label 1: five pixels (0.9, 0.1, 0);
	 * nothing is labelled 2.
	 * <ul>
	 * <li>t_0 = (8 + 1.8)/12 = 0.8167, t_1 = 0.1, t_2 has no pixel: NaN, never reached.</li>
	 * <li>Label 0: (0.8, 0.2, 0): p_0 0.8 < 0.8167 but p_1 0.2 ≥ 0.1 → y = 1 (×10); (0.9, 0.1, 0): p_0 and p_1
	 * both reach their thresholds → argmax 0 (×2). Row 0 = [2, 10, 0]. Label 1: both confident → argmax 0: row
	 * 1 = [5, 0, 0].</li>
	 * <li>Calibrated: row 0 = [2, 10, 0] (sum 12 = n_0), row 1 = [5, 0, 0], row 2 = [0, 0, 0]. Noise matrix
	 * column 2 is empty: NaN.</li>
	 * <li>Prune counts, row 0: diagonal 2 → 5 (raise 3), the one other non-zero entry 10 − 3 = 7: [5, 7, 0];
	 * e_0 = 12 − 5 = 7.</li>
	 * <li>Label 0 by class: sorted p_0 = 0.8 ×10, 0.9 ×2 → cut v[7] = 0.8: nothing below. No flag (by noise rate
	 * the margin p_1 − p_0 = −0.6 ×10 is at the cut, but both rules are needed).</li>
	 * <li>Label 1 has only 5 = MIN_PER_CLASS pixels: never pruned although every one has argmax 0.</li>
	 * </ul>
	 */
	@Test
	public void emptyClassSmallClassAndNoFlagsWithoutBothRules() {
		final int n = 17;
		final float[][] p = new float[3][n];
		final byte[] lab = new byte[n];
		for (int i = 0; i < n; i++) {
			final boolean first = i < 10;
			p[0][i] = first ? 0.8f : 0.9f;
			p[1][i] = first ? 0.2f : 0.1f;
			lab[i] = (byte) (i < 12 ? 0 : 1);
		}
		final ConfidentLearning.Result r = ConfidentLearning.find(Arrays.asList(new ConfidentLearning.Image("x", p, lab,
			null)), 3);
		assertArrayEquals(new long[] { 12, 5, 0 }, r.labelCounts);
		assertEquals(9.8 / 12, r.thresholds[0], EPS);
		assertEquals(0.1, r.thresholds[1], EPS);
		assertTrue(Double.isNaN(r.thresholds[2]));
		assertArrayEquals(new long[] { 2, 10, 0 }, r.confidentJoint[0]);
		assertArrayEquals(new long[] { 5, 0, 0 }, r.confidentJoint[1]);
		assertArrayEquals(new long[] { 2, 10, 0 }, r.calibratedJoint[0]);
		assertArrayEquals(new long[] { 0, 0, 0 }, r.calibratedJoint[2]);
		assertTrue(Double.isNaN(r.noiseMatrix[0][2]));
		assertArrayEquals(new long[] { 5, 7, 0 }, r.pruneCounts[0]);
		assertEquals(0, r.byClass);
		assertEquals(10, r.byNoiseRate);
		assertEquals(0, r.total);
		for (final boolean f : r.flagged.get(0)) assertFalse(f);
	}

	/** Calibration: rows to the label counts; a labelled row without confident pixels keeps them on the diagonal. */
	@Test
	public void calibration() {
		// [3, 5] → ·8/8 unchanged; row 0 has no confident pixel but 4 labels: [4, 0]; total 12 = 4 + 8
		final long[][] c = ConfidentLearning.calibrate(new long[][] { { 0, 0 }, { 3, 5 } }, new long[] { 4, 8 });
		assertArrayEquals(new long[] { 4, 0 }, c[0]);
		assertArrayEquals(new long[] { 3, 5 }, c[1]);
		// [1, 2] to 7 labels: [2.33, 4.67] → [2, 5]; [4, 4] to 5: [2.5, 2.5] → half to even [2, 2] = 4, one short:
		// the larger remainder gets it, equal remainders → the later entry (numpy's reversed stable order): [2, 3]
		final long[][] d = ConfidentLearning.calibrate(new long[][] { { 1, 2 }, { 4, 4 } }, new long[] { 7, 5 });
		assertArrayEquals(new long[] { 2, 5 }, d[0]);
		assertArrayEquals(new long[] { 2, 3 }, d[1]);
	}

	/** Rounding that keeps the total. */
	@Test
	public void roundPreservingSum() {
		// 7.5 → 8 (half to even), 1.25 → 1, 1.25 → 1: sum 10 already right
		assertArrayEquals(new long[] { 8, 1, 1 }, ConfidentLearning.roundPreservingSum(new double[] { 7.5, 1.25, 1.25 }));
		// 2.5 → 2, 2.5 → 2, 5: 9 < 10: the largest remainder (0.5, a tie: the later one) gets +1
		assertArrayEquals(new long[] { 2, 3, 5 }, ConfidentLearning.roundPreservingSum(new double[] { 2.5, 2.5, 5 }));
		// 0.6 ×3 → 1 ×3, 1.2 → 1: 4 > 3: the smallest remainder (−0.4, the first of the ties) gets −1
		assertArrayEquals(new long[] { 0, 1, 1, 1 }, ConfidentLearning.roundPreservingSum(new double[] { 0.6, 0.6, 0.6,
			1.2 }));
	}

	/** Prune counts: the diagonal raised to 5, the raise taken evenly from the other non-zero entries. */
	@Test
	public void pruneCountsKeepFivePerClass() {
		// row [3, 4, 0]: diagonal 3 → 5, raise 2 from the one other non-zero entry: [5, 2, 0]
		// row [3, 2, 4] (s = 1): diagonal 2 → 5, raise 3 over two entries = 1.5 each: 3 − 1.5 = 1.5 → 1, 4 − 1.5 =
		// 2.5 → 2 (truncated): [1, 5, 2]
		// row [0, 1, 9] (s = 2): diagonal 9 ≥ 5: unchanged
		final long[][] p = ConfidentLearning.pruneCounts(new long[][] { { 3, 4, 0 }, { 3, 2, 4 }, { 0, 1, 9 } }, 5);
		assertArrayEquals(new long[] { 5, 2, 0 }, p[0]);
		assertArrayEquals(new long[] { 1, 5, 2 }, p[1]);
		assertArrayEquals(new long[] { 0, 1, 9 }, p[2]);
	}

	/** One confident class wins; several: the argmax; none: not counted. */
	@Test
	public void confidentClass() {
		final double[] t = { 0.5, 0.3, Double.NaN };
		assertEquals(1, ConfidentLearning.confidentClass(new double[] { 0.4, 0.35, 0.25 }, t)); // only p_1 ≥ 0.3
		assertEquals(0, ConfidentLearning.confidentClass(new double[] { 0.6, 0.4, 0.0 }, t)); // both: argmax 0
		assertEquals(-1, ConfidentLearning.confidentClass(new double[] { 0.45, 0.2, 0.35 }, t)); // none
		assertEquals(0, ConfidentLearning.confidentClass(new double[] { 0.5 - 1e-7, 0.2, 0.3 }, t)); // within 1e-6
	}

	@Test(expected = NoisyLabelsException.class)
	public void labelAboveTheClassesIsRefused() {
		ConfidentLearning.find(List.of(new ConfidentLearning.Image("x", new float[][] { floats(0.5, 0.5) }, labels(0, 2),
			null)), 2);
	}
}
