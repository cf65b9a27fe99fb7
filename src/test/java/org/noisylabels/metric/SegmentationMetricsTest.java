package org.noisylabels.metric;

import static org.noisylabels.Expect.expect;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.noisylabels.Progress;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

public class SegmentationMetricsTest {

	private static final double EPS = 1e-6;

	private static byte[] rect(final int w, final int h, final int x0, final int y0, final int x1, final int y1) {
		final byte[] m = new byte[w * h];
		for (int y = y0; y <= y1; y++)
			for (int x = x0; x <= x1; x++) m[y * w + x] = 1;
		return m;
	}

	private static SegmentationMetrics.Scores score2d(final byte[] s, final byte[] g, final int w, final int h,
		final double sx, final double sy)
	{
		return SegmentationMetrics.score(new byte[][] { s }, new byte[][] { g }, null, w, h, sx, sy, 1);
	}

	/*
	 * Two 4x4 squares in a 10x10 image: G covers x 2..5, y 2..5; S is G shifted right by one pixel (x 3..6).
	 * |G| = |S| = 16, |S∩G| = 12 (x 3..5), |S∪G| = 20, 8 pixels disagree.
	 * Dice = (24 + 1e-5)/(32 + 1e-5); IoU = (12 + 1e-5)/(20 + 1e-5); accuracy = 92/100.
	 * Surfaces: each square minus its 2x2 interior = 12 pixels.
	 * ∂G -> ∂S: rows y=2 and y=5: x=2 is 1 from (3,y), x=3..5 lie on ∂S (0); rows y=3,4: x=2 is 1 from (3,y),
	 * x=5 is 1 from (6,y) or (5,2)/(5,5). So six distances 1 and six 0: sum 6. By symmetry ∂S -> ∂G: sum 6.
	 * ASSD = (6 + 6)/(12 + 12) = 0.5; ASD = 6/12 = 0.5; HD95: sorted [0 x6, 1 x6], index ⌊12*0.95⌋ = 11 -> 1.
	 */
	@Test
	public void squaresOffsetByOnePixel() {
		final byte[] g = rect(10, 10, 2, 2, 5, 5), s = rect(10, 10, 3, 2, 6, 5);
		final SegmentationMetrics.Scores r = score2d(s, g, 10, 10, 1, 1);
		assertEquals((24 + 1e-5) / (32 + 1e-5), r.dice, EPS);
		assertEquals((12 + 1e-5) / (20 + 1e-5), r.iou, EPS);
		assertEquals(0.92, r.accuracy, EPS);
		assertEquals(0.5, r.assd, EPS);
		assertEquals(0.5, r.asd, EPS);
		assertEquals(1.0, r.hd95, EPS);
		assertTrue(Double.isNaN(r.auc));
	}

	/*
	 * Same squares, pixel width 2 and pixel height 0.5.
	 * ∂G -> ∂S: column x=2 (4 pixels): nearest ∂S pixel (3,y) is 2 away (diagonals are farther) -> 8;
	 * (5,3) and (5,4): (5,2)/(5,5) are 0.5 away, (6,y) is 2 away -> 0.5 each -> 1; six 0s. Sum 9.
	 * ∂S -> ∂G by mirror symmetry: sum 9. ASSD = 18/24 = 0.75, ASD = 9/12 = 0.75.
	 * HD95: sorted [0 x6, 0.5 x2, 2 x4], index 11 -> 2. Overlap measures do not change.
	 */
	@Test
	public void anisotropicCalibrationScalesDistances() {
		final byte[] g = rect(10, 10, 2, 2, 5, 5), s = rect(10, 10, 3, 2, 6, 5);
		final SegmentationMetrics.Scores r = score2d(s, g, 10, 10, 2, 0.5);
		assertEquals((24 + 1e-5) / (32 + 1e-5), r.dice, EPS);
		assertEquals(0.75, r.assd, EPS);
		assertEquals(0.75, r.asd, EPS);
		assertEquals(2.0, r.hd95, EPS);
		// through ImagePlus calibration: the ground truth's calibration is used
		final ImagePlus gi = mask(10, 10, g), si = mask(10, 10, s);
		gi.getCalibration().pixelWidth = 2;
		gi.getCalibration().pixelHeight = 0.5;
		final ResultsTable t = SegmentationMetrics.evaluate(si, gi, 0.5, false, Progress.NONE);
		assertEquals(0.75, t.getValue("assd", 0), EPS);
		assertEquals(2.0, t.getValue("hd95", 0), EPS);
	}

	/*
	 * ASD is one-directional (prediction surface -> ground truth surface): G = 6x6 square x,y 2..7
	 * (surface 20 pixels), S = its 2x2 centre x,y 4..5 (all 4 pixels are surface). Each S pixel is 2 from ∂G
	 * (e.g. (4,4) -> (2,4) or (4,2)): ASD = 2. ∂G -> ∂S: corner (2,2) -> (4,4) = sqrt(8); (3,2) -> (4,4) =
	 * sqrt(5); (4,2) -> (4,4) = 2; (5,2) = 2; (6,2) -> (5,4) = sqrt(5); (7,2) = sqrt(8); the 4 sides alike
	 * with shared corners: 4 corners sqrt(8), 8 pixels sqrt(5), 8 pixels 2. Sum = 4√8 + 8√5 + 16.
	 * ASSD = (4√8 + 8√5 + 16 + 4*2)/(20 + 4). HD95: ∂G sorted [2 x8, √5 x8, √8 x4], index 19 -> √8; ∂S: 2.
	 */
	@Test
	public void asdIsOneDirectional() {
		final byte[] g = rect(10, 10, 2, 2, 7, 7), s = rect(10, 10, 4, 4, 5, 5);
		final SegmentationMetrics.Scores r = score2d(s, g, 10, 10, 1, 1);
		assertEquals(2.0, r.asd, EPS);
		assertEquals((4 * Math.sqrt(8) + 8 * Math.sqrt(5) + 16 + 8) / 24, r.assd, EPS);
		assertEquals(Math.sqrt(8), r.hd95, EPS);
		// swapping the roles changes ASD (now ∂G'=the small square's distance... from the big square's surface)
		final SegmentationMetrics.Scores swapped = score2d(g, s, 10, 10, 1, 1);
		assertEquals((4 * Math.sqrt(8) + 8 * Math.sqrt(5) + 16) / 20, swapped.asd, EPS);
		assertEquals(r.assd, swapped.assd, EPS);
	}

	/*
	 * Single pixels: G = (2,2), S = (5,6) in 8x8: distance = sqrt(3² + 4²) = 5 in both directions.
	 * Dice = IoU = 1e-5/(2 + 1e-5); accuracy = 62/64.
	 */
	@Test
	public void singlePixelObjects() {
		final byte[] g = rect(8, 8, 2, 2, 2, 2), s = rect(8, 8, 5, 6, 5, 6);
		final SegmentationMetrics.Scores r = score2d(s, g, 8, 8, 1, 1);
		assertEquals(1e-5 / (2 + 1e-5), r.dice, 1e-12);
		assertEquals(1e-5 / (2 + 1e-5), r.iou, 1e-12);
		assertEquals(62.0 / 64, r.accuracy, EPS);
		assertEquals(5, r.assd, EPS);
		assertEquals(5, r.asd, EPS);
		assertEquals(5, r.hd95, EPS);
		final SegmentationMetrics.Scores same = score2d(g, g, 8, 8, 1, 1);
		assertEquals(1, same.dice, EPS);
		assertEquals(0, same.assd, 0);
		assertEquals(0, same.hd95, 0);
	}

	@Test
	public void bothEmptyIsPerfect() {
		final SegmentationMetrics.Scores r = score2d(new byte[30], new byte[30], 6, 5, 1, 1);
		assertEquals(1, r.dice, EPS);
		assertEquals(1, r.iou, EPS);
		assertEquals(1, r.accuracy, EPS);
		assertEquals(0, r.assd, 0);
		assertEquals(0, r.asd, 0);
		assertEquals(0, r.hd95, 0);
	}

	/* One empty: distances are capped at the image diagonal in calibrated units: 6x5 px, 0.5 x 2 -> sqrt(3² + 10²). */
	@Test
	public void oneEmptyIsCappedAtTheDiagonal() {
		final byte[] g = rect(6, 5, 1, 1, 2, 2);
		final double cap = Math.sqrt(9 + 100);
		for (final SegmentationMetrics.Scores r : new SegmentationMetrics.Scores[] { score2d(new byte[30], g, 6, 5,
			0.5, 2), score2d(g, new byte[30], 6, 5, 0.5, 2) })
		{
			assertEquals(1e-5 / (4 + 1e-5), r.dice, 1e-12);
			assertEquals(26.0 / 30, r.accuracy, EPS);
			assertEquals(cap, r.assd, EPS);
			assertEquals(cap, r.asd, EPS);
			assertEquals(cap, r.hd95, EPS);
		}
	}

	/*
	 * AUC by hand: p = 0.1 0.4 0.35 / 0.8 0.4 0.2, truth = 0 0 1 / 1 1 0.
	 * Positives 0.35, 0.8, 0.4; negatives 0.1, 0.4, 0.2. Pairs won by the positive: 0.35 beats 0.1, 0.2 (2);
	 * 0.8 beats all three (3); 0.4 beats 0.1, 0.2 and ties 0.4 (2.5). AUC = 7.5/9.
	 */
	@Test
	public void aucMatchesHandCountOfConcordantPairs() {
		final float[] p = { 0.1f, 0.4f, 0.35f, 0.8f, 0.4f, 0.2f };
		final byte[] t = { 0, 0, 1, 1, 1, 0 };
		assertEquals(7.5 / 9, RocAuc.auc(new float[][] { p }, new byte[][] { t }), 1e-12);
		// a perfect ranking and its reverse
		assertEquals(1, RocAuc.auc(new float[][] { { 0.1f, 0.9f } }, new byte[][] { { 0, 1 } }), 0);
		assertEquals(0, RocAuc.auc(new float[][] { { 0.1f, 0.9f } }, new byte[][] { { 1, 0 } }), 0);
		// undefined without negatives
		assertTrue(Double.isNaN(RocAuc.auc(new float[][] { { 0.1f, 0.9f } }, new byte[][] { { 1, 1 } })));
		// through the table (probability map + mask)
		final ImagePlus prob = new ImagePlus("p", new FloatProcessor(3, 2, p));
		final ImagePlus gt = mask(3, 2, t);
		final ResultsTable table = SegmentationMetrics.evaluate(prob, gt, 0.5, false, Progress.NONE);
		assertEquals(7.5 / 9, table.getValue("auc", 0), 1e-9);
		assertEquals(7.5 / 9, table.getValue("auc", 1), 1e-9);
	}

	/** AUC against a brute-force count over all (object, background) pairs, with many ties. */
	@Test
	public void aucMatchesBruteForcePairCount() {
		final java.util.SplittableRandom r = new java.util.SplittableRandom(8);
		for (int t = 0; t < 5; t++) {
			final int n = 3000;
			final float[] p = new float[n];
			final byte[] y = new byte[n];
			for (int i = 0; i < n; i++) {
				y[i] = (byte) (r.nextDouble() < 0.3 ? 1 : 0);
				// quantized (ties) and label-dependent scores, sometimes 0 or 1 exactly
				final double v = Math.min(1, Math.max(0, 0.35 + 0.25 * y[i] + 0.3 * (r.nextDouble() - 0.5) * 2));
				p[i] = t % 2 == 0 ? (float) (Math.round(v * 20) / 20.0) : (float) v;
			}
			double won = 0;
			long pairs = 0;
			for (int i = 0; i < n; i++) {
				if (y[i] == 0) continue;
				for (int j = 0; j < n; j++) {
					if (y[j] != 0) continue;
					pairs++;
					won += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
				}
			}
			assertEquals(won / pairs, RocAuc.auc(new float[][] { p }, new byte[][] { y }), 1e-12);
		}
	}

	/* Threshold: a probability map is an object where p > threshold (strictly). */
	@Test
	public void thresholdHandling() {
		final float[] p = { 0.2f, 0.5f, 0.6f, 0.9f };
		final ImagePlus prob = new ImagePlus("p", new FloatProcessor(4, 1, p));
		final ImagePlus gt = mask(4, 1, new byte[] { 0, 0, 1, 1 });
		// 0.5: S = {0.6, 0.9} = G
		assertEquals(1, SegmentationMetrics.evaluate(prob, gt, 0.5, false, Progress.NONE).getValue("dice", 0), EPS);
		// 0.1: S = everything: Dice = (4 + 1e-5)/(4 + 2 + 1e-5), accuracy 2/4
		ResultsTable t = SegmentationMetrics.evaluate(prob, gt, 0.1, false, Progress.NONE);
		assertEquals((4 + 1e-5) / (6 + 1e-5), t.getValue("dice", 0), EPS);
		assertEquals(0.5, t.getValue("accuracy", 0), EPS);
		// 0.7: S = {0.9}: Dice = (2 + 1e-5)/(3 + 1e-5)
		t = SegmentationMetrics.evaluate(prob, gt, 0.7, false, Progress.NONE);
		assertEquals((2 + 1e-5) / (3 + 1e-5), t.getValue("dice", 0), EPS);
		// AUC does not depend on the threshold: all 4 pairs won -> 1
		assertEquals(1, t.getValue("auc", 0), EPS);
		// a 0/255 mask prediction has no AUC
		final ResultsTable m = SegmentationMetrics.evaluate(gt, gt, 0.5, false, Progress.NONE);
		assertTrue(Double.isNaN(m.getValue("auc", 0)));
		assertEquals("slice 1", m.getStringValue("image", 0));
		assertEquals("mean", m.getStringValue("image", 1));
		assertEquals(2, m.size());
	}

	/*
	 * 3D: 5x5x4 volume, spacing 1 x 1 x 2. G = x,y 1..3, slices 1..2; S = x,y 1..3, slices 2..3.
	 * 3D: |G| = |S| = 18, |S∩G| = 9 -> Dice (18 + 1e-5)/(36 + 1e-5), IoU (9 + 1e-5)/(27 + 1e-5), accuracy 82/100.
	 * 6-neighbour erosion of a 2-slice-thick box is empty: all 18 voxels are surface. G voxels on slice 2 lie on
	 * ∂S (0); those on slice 1 are one slice (2 units) from ∂S: sum 18, and symmetrically 18.
	 * ASSD = 36/36 = 1, ASD = 1, HD95: [0 x9, 2 x9], index ⌊18*0.95⌋ = 17 -> 2.
	 * Slices: 1 both empty (Dice 1, 0); 2 only G (Dice 1e-5/(9+1e-5), capped at sqrt(50)); 3 equal (1, 0);
	 * 4 only S (capped).
	 */
	@Test
	public void volumeRowAndSliceRows() {
		final int w = 5, h = 5;
		final ImageStack gs = new ImageStack(w, h), ss = new ImageStack(w, h);
		for (int z = 0; z < 4; z++) {
			final byte[] sq = rect(w, h, 1, 1, 3, 3);
			gs.addSlice(new ByteProcessor(w, h, z == 1 || z == 2 ? scale(sq) : new byte[25]));
			ss.addSlice(new ByteProcessor(w, h, z == 2 || z == 3 ? scale(sq) : new byte[25]));
		}
		final ImagePlus g = new ImagePlus("g", gs), s = new ImagePlus("s", ss);
		g.getCalibration().pixelDepth = 2;
		final ResultsTable t = SegmentationMetrics.evaluate(s, g, 0.5, false, Progress.NONE);
		assertEquals(6, t.size());
		assertEquals("3D", t.getStringValue("image", 5));
		assertEquals((18 + 1e-5) / (36 + 1e-5), t.getValue("dice", 5), EPS);
		assertEquals((9 + 1e-5) / (27 + 1e-5), t.getValue("iou", 5), EPS);
		assertEquals(0.82, t.getValue("accuracy", 5), EPS);
		assertEquals(1, t.getValue("assd", 5), EPS);
		assertEquals(1, t.getValue("asd", 5), EPS);
		assertEquals(2, t.getValue("hd95", 5), EPS);
		final double cap = Math.sqrt(50), small = 1e-5 / (9 + 1e-5);
		final double[] dice = { 1, small, 1, small }, assd = { 0, cap, 0, cap };
		for (int z = 0; z < 4; z++) {
			assertEquals("slice " + (z + 1), t.getStringValue("image", z));
			assertEquals(dice[z], t.getValue("dice", z), EPS);
			assertEquals(assd[z], t.getValue("assd", z), EPS);
			assertEquals(assd[z], t.getValue("hd95", z), EPS);
		}
		assertEquals("mean", t.getStringValue("image", 4));
		assertEquals((2 + 2 * small) / 4, t.getValue("dice", 4), EPS);
		assertEquals(cap / 2, t.getValue("assd", 4), EPS);
	}

	/*
	 * Multi-class: 4x4 labels. GT: class 1 = left two columns, class 2 = right two columns. Prediction: class
	 * 1 = left column only, class 2 = right two columns, column 1 = background.
	 * Class 1: |S| = 4, |G| = 8, ∩ = 4 -> Dice (8 + 1e-5)/(12 + 1e-5). Class 2: identical -> 1. Mean of both.
	 */
	@Test
	public void multiClassOneVsRest() {
		final ByteProcessor gt = new ByteProcessor(4, 4), pr = new ByteProcessor(4, 4);
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 4; x++) {
				gt.set(x, y, x < 2 ? 1 : 2);
				pr.set(x, y, x == 0 ? 1 : x == 1 ? 0 : 2);
			}
		final ResultsTable t = SegmentationMetrics.evaluate(new ImagePlus("p", pr), new ImagePlus("g", gt), 0.5, true,
			Progress.NONE);
		// rows: slice 1 class 1, class 2, mean; mean class 1, class 2, mean
		assertEquals(6, t.size());
		final double d1 = (8 + 1e-5) / (12 + 1e-5);
		assertEquals("1", t.getStringValue("class", 0));
		assertEquals(d1, t.getValue("dice", 0), EPS);
		assertEquals(1, t.getValue("dice", 1), EPS);
		assertEquals("mean", t.getStringValue("class", 2));
		assertEquals((d1 + 1) / 2, t.getValue("dice", 2), EPS);
		assertEquals("mean", t.getStringValue("image", 5));
		assertEquals((d1 + 1) / 2, t.getValue("dice", 5), EPS);
		// class 1: ∂S = column 0 (4 px), ∂G = columns 0 and 1 (all 8 px are surface): ∂S -> ∂G = 0; ∂G -> ∂S:
		// column 0 -> 0, column 1 -> 1: ASSD = 4/12, ASD = 0
		assertEquals(4.0 / 12, t.getValue("assd", 0), EPS);
		assertEquals(0, t.getValue("asd", 0), EPS);
	}

	@Test
	public void badInputsAreRejectedWithOneLine() {
		final ImagePlus g = mask(4, 4, rect(4, 4, 1, 1, 2, 2));
		expect(() -> SegmentationMetrics.evaluate(mask(5, 4, new byte[20]), g, 0.5, false, Progress.NONE),
			"same size");
		final FloatProcessor nan = new FloatProcessor(4, 4);
		nan.setf(5, Float.NaN);
		expect(() -> SegmentationMetrics.evaluate(new ImagePlus("n", nan), g, 0.5, false, Progress.NONE), "NaN");
		final FloatProcessor big = new FloatProcessor(4, 4);
		big.setf(1, 0.5f);
		big.setf(2, 1.5f);
		expect(() -> SegmentationMetrics.evaluate(new ImagePlus("b", big), g, 0.5, false, Progress.NONE), "[0, 1]");
		final ByteProcessor multi = new ByteProcessor(4, 4);
		multi.set(1, 1);
		multi.set(2, 2);
		expect(() -> SegmentationMetrics.evaluate(g, new ImagePlus("m", multi), 0.5, false, Progress.NONE),
			"not a binary mask");
		expect(() -> SegmentationMetrics.evaluate(new ImagePlus("c", new ColorProcessor(4, 4)), g, 0.5, false,
			Progress.NONE), "color");
		expect(() -> SegmentationMetrics.evaluate(g, g, 1.5, false, Progress.NONE), "threshold");
	}


	private static byte[] scale(final byte[] m) {
		final byte[] o = new byte[m.length];
		for (int i = 0; i < m.length; i++) o[i] = m[i] != 0 ? (byte) 255 : 0;
		return o;
	}

	static ImagePlus mask(final int w, final int h, final byte[] m) {
		return new ImagePlus("mask", new ByteProcessor(w, h, scale(m)));
	}
}
