package org.noisylabels.loss;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.SplittableRandom;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.noisylabels.NoisyLabelsException;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Graph losses against {@link JavaLosses} and against hand-computed values. */
public class LossesTest {

	private static final int N = 2, H = 5, W = 5, P = H * W;

	private static TfFixture fx;

	@BeforeClass
	public static void setUp() {
		fx = new TfFixture();
	}

	@AfterClass
	public static void tearDown() {
		fx.close();
	}

	private static float graphLoss(final LossType type, final LossParams lp, final float[] prob,
		final float[] target, final float[] weight, final float[] flagged, final int n, final int pixels,
		final int c)
	{
		final Operand<TFloat32> p = fx.constant(prob, n, 1, pixels, c);
		final Operand<TFloat32> y = fx.constant(target, n, 1, pixels, c);
		final Operand<TFloat32> w = fx.constant(weight, n, 1, pixels, 1);
		final Operand<TFloat32> f = flagged == null ? null : fx.constant(flagged, n, 1, pixels, 1);
		return fx.scalar(Losses.loss(fx.tf, type, lp, p, y, w, f));
	}

	private static void assertRel(final String what, final double expected, final double actual,
		final double rel)
	{
		assertEquals(what, expected, actual, rel * Math.abs(expected) + 1e-7);
	}

	@Test
	public void graphMatchesJavaForEveryLossAndTwoOrThreeClasses() {
		final LossParams lp = new LossParams(0.7, 1.5, 0.25);
		int checked = 0;
		for (final int c : new int[] { 2, 3 }) {
			for (final boolean softTarget : new boolean[] { false, true }) {
				final SplittableRandom rnd = new SplittableRandom(42 + c + (softTarget ? 100 : 0));
				final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 3), c));
				final float[] target = softTarget ? TfFixture.soft(rnd, N * P, c) : TfFixture.oneHot(rnd, N * P, c);
				final float[] weight = TfFixture.weights(rnd, N * P);
				final float[] flagged = TfFixture.binary(rnd, N * P, 0.4);
				for (final LossType type : LossType.values()) {
					if (type.isBinaryOnly() && c != 2) continue;
					for (final float[] fl : new float[][] { flagged, null }) {
						if (fl == null && type != LossType.SLSR) continue;
						final double expected = JavaLosses.loss(type, lp, prob, target, weight, fl, N, c);
						final float actual = graphLoss(type, lp, prob, target, weight, fl, N, P, c);
						assertTrue(type + " not finite", Double.isFinite(expected));
						assertRel(type + " C=" + c + " soft=" + softTarget + " flagged=" + (fl != null), expected,
							actual, 1e-5);
						checked++;
					}
				}
			}
		}
		assertEquals(2 * 10 + 2 * 8, checked);
	}

	@Test
	public void nrDiceAndGceAcrossTheirParameterRanges() {
		final SplittableRandom rnd = new SplittableRandom(7);
		final int c = 3;
		final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 4), c));
		final float[] target = TfFixture.oneHot(rnd, N * P, c);
		final float[] weight = TfFixture.weights(rnd, N * P);
		for (final double v : new double[] { 1, 1.25, 2 }) {
			final LossParams lp = new LossParams(0.5, v, 0.25);
			assertRel("NRDice gamma=" + v, JavaLosses.loss(LossType.NRDICE, lp, prob, target, weight, null, N, c),
				graphLoss(LossType.NRDICE, lp, prob, target, weight, null, N, P, c), 1e-5);
		}
		for (final double q : new double[] { 0.1, 0.5, 1 }) {
			final LossParams lp = new LossParams(q, 1.5, 0.25);
			assertRel("GCE q=" + q, JavaLosses.loss(LossType.GCE, lp, prob, target, weight, null, N, c),
				graphLoss(LossType.GCE, lp, prob, target, weight, null, N, P, c), 1e-5);
		}
		// GCE with q = 1 is MAE-like: Σ_c y(1 − p) = 1 − p_y for one-hot y
		final double[] pd = JavaLosses.toDouble(prob), yd = JavaLosses.toDouble(target);
		double s = 0, sw = 0;
		for (int j = 0; j < N * P; j++) {
			double py = 0;
			for (int k = 0; k < c; k++)
				py += pd[j * c + k] * yd[j * c + k];
			s += weight[j] * (1 - py);
			sw += weight[j];
		}
		assertEquals(s / sw, JavaLosses.gce(pd, yd, JavaLosses.toDouble(weight), c, 1), 1e-9);
		// PyMIC's MAE equals (1/C)·mean 2(1 − p_y) for one-hot labels
		assertEquals(2 * s / sw / c, JavaLosses.mae(pd, yd, JavaLosses.toDouble(weight), c), 1e-9);
	}

	@Test
	public void pixelMapsAndImageMeansMatchJava() {
		final SplittableRandom rnd = new SplittableRandom(11);
		final int c = 3;
		final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 3), c));
		final float[] target = TfFixture.soft(rnd, N * P, c);
		final float[] weight = TfFixture.weights(rnd, N * P);
		final Operand<TFloat32> p = fx.constant(prob, N, H, W, c);
		final Operand<TFloat32> y = fx.constant(target, N, H, W, c);
		final Operand<TFloat32> w = fx.constant(weight, N, H, W, 1);
		final double[] pd = JavaLosses.toDouble(prob), yd = JavaLosses.toDouble(target), wd = JavaLosses
			.toDouble(weight);

		final Operand<TFloat32> ceMap = Losses.pixelCE(fx.tf, p, y);
		assertEquals(3, ceMap.shape().numDimensions());
		final float[] ce = fx.run(ceMap, null, null);
		final double[] ceJ = JavaLosses.pixelCE(pd, yd, c);
		final float[] mse = fx.run(Losses.pixelMSE(fx.tf, p, y), null, null);
		final double[] mseJ = JavaLosses.pixelMSE(pd, yd, c);
		assertEquals(N * P, ce.length);
		for (int j = 0; j < N * P; j++) {
			assertRel("CE pixel " + j, ceJ[j], ce[j], 1e-5);
			assertRel("MSE pixel " + j, mseJ[j], mse[j], 1e-5);
		}
		final float[] im = fx.run(Losses.imageMean(fx.tf, ceMap, w), null, null);
		final double[] imJ = JavaLosses.imageMean(ceJ, wd, N);
		assertEquals(N, im.length);
		for (int b = 0; b < N; b++)
			assertRel("image mean " + b, imJ[b], im[b], 1e-5);
		// image means without weights are plain means of 25 pixels
		final float[] plain = fx.run(Losses.imageMean(fx.tf, ceMap, null), null, null);
		double s0 = 0;
		for (int j = 0; j < P; j++)
			s0 += ceJ[j];
		assertRel("unweighted image mean", s0 / P, plain[0], 1e-5);
		assertRel("weighted mean = CE loss", JavaLosses.ce(pd, yd, wd, c), fx.scalar(Losses.weightedMean(fx.tf,
			ceMap, w)), 1e-5);
		// pixelLoss of every pixel-wise loss, reduced by weightedMean, is the loss itself
		final LossParams lp = new LossParams();
		for (final LossType t : LossType.values()) {
			if (!t.isPixelwise()) continue;
			final float viaMap = fx.scalar(Losses.weightedMean(fx.tf, Losses.pixelLoss(fx.tf, t, lp, p, y, null),
				w));
			assertRel(t + " via pixelLoss", JavaLosses.loss(t, lp, pd, yd, wd, null, N, c), viaMap, 1e-5);
		}
	}

	@Test
	public void twoClassOfSigmoidEqualsExplicitTwoChannels() {
		final float[] p1 = { 0.2f, 0.7f, 0.5f };
		final float[] two = fx.run(Losses.twoClass(fx.tf, fx.constant(p1, 1, 1, 3, 1)), null, null);
		assertEquals(6, two.length);
		for (int i = 0; i < 3; i++) {
			assertEquals(1 - p1[i], two[2 * i], 1e-7);
			assertEquals(p1[i], two[2 * i + 1], 1e-7);
		}
	}

	// ---- hand-computed values on three pixels, C = 2 -----------------------------------------------
	// prob  = (0.8, 0.2), (0.3, 0.7), (0.5, 0.5)
	// target= (1, 0),     (1, 0),     (0, 1)
	private static final float[] HP = { 0.8f, 0.2f, 0.3f, 0.7f, 0.5f, 0.5f };
	private static final float[] HY = { 1, 0, 1, 0, 0, 1 };

	private static double both(final LossType type, final float[] w) {
		final double j = JavaLosses.loss(type, null, HP, HY, w, null, 1, 2);
		final float g = graphLoss(type, null, HP, HY, w, null, 1, 3, 2);
		assertRel(type + " graph vs Java", j, g, 1e-5);
		return g;
	}

	@Test
	public void ceByHand() {
		// clamped p' of the labelled class: 0.999·0.8 + 5e-4 = 0.7997, 0.999·0.3 + 5e-4 = 0.3002,
		// 0.999·0.5 + 5e-4 = 0.5; CE = −(ln 0.7997 + ln 0.3002 + ln 0.5)/3
		// = (0.223518 + 1.203306 + 0.693147)/3 = 0.7066574
		assertEquals(0.7066574, both(LossType.CE, TfFixture.ones(3)), 1e-6);
		// weights (1, 0, 2): (1·0.223518 + 2·0.693147)/3 = 0.5366043
		assertEquals(0.5366043, both(LossType.CE, new float[] { 1, 0, 2 }), 1e-6);
	}

	@Test
	public void diceByHand() {
		// class 0: Σpy = 0.8 + 0.3 = 1.1, Σp = 1.6, Σy = 2 → (2.2 + 1e-5)/(3.6 + 1e-5) = 0.6111122
		// class 1: Σpy = 0.5, Σp = 1.4, Σy = 1 → (1.0 + 1e-5)/(2.4 + 1e-5) = 0.4166691
		// Dice loss = 1 − (0.6111122 + 0.4166691)/2 = 0.4861094
		assertEquals(0.4861094, both(LossType.DICE, TfFixture.ones(3)), 1e-6);
	}

	@Test
	public void dmiByHand() {
		// foreground p = (0.2, 0.7, 0.5), y = (0, 0, 1)
		// U00 = Σ p·y = 0.5, U01 = Σ p(1−y) = 0.9, U10 = Σ(1−p)y = 0.5, U11 = Σ(1−p)(1−y) = 1.1
		// det = 0.5·1.1 − 0.9·0.5 = 0.10; loss = −ln(0.10 + 0.001) = 2.2926348
		assertEquals(2.2926348, both(LossType.DMI, TfFixture.ones(3)), 2e-5);
		assertEquals(2.2926348, JavaLosses.dmiBinary(new float[] { 0.2f, 0.7f, 0.5f }, new byte[] { 0, 0, 1 }),
			1e-6);
		assertEquals(2.2926348, JavaLosses.dmiBinary(new float[] { 0.2f, 0.7f, 0.5f }, new boolean[] { false,
			false, true }), 1e-6);
		// the candidate p > 0.6 is (0, 1, 0): U00 = 0.7, U01 = 0.7, U10 = 0.3, U11 = 1.3,
		// det = 0.91 − 0.21 = 0.70, loss = −ln(0.701) = 0.3552474
		assertEquals(0.3552474, JavaLosses.dmiThreshold(new float[] { 0.2f, 0.7f, 0.5f }, 0.6), 1e-6);
	}

	@Test
	public void softIoUByHand() {
		// foreground p = (0.2, 0.7, 0.5), y = (0, 0, 1): Σpy = 0.5, Σ(p² + y) = 0.04 + 0.49 + 0.25 + 1 = 1.78
		// loss = 1 − 0.5/(1.78 − 0.5 + 1e-10) = 1 − 0.5/1.28 = 0.609375
		assertEquals(0.609375, both(LossType.SOFT_IOU, TfFixture.ones(3)), 1e-6);
		assertEquals(0.609375, JavaLosses.softIoUBinary(new float[] { 0.2f, 0.7f, 0.5f }, new byte[] { 0, 0,
			1 }), 1e-6);
	}

	@Test
	public void softIoUPaperFormByHandAndGraphMatchesJava() {
		// the iGTT paper's Eq. 6: p = (0.2, 0.7, 0.5), y = (0, 0, 1): Σpy = 0.5, Σ(p + y − py) = 1.4 + 1 − 0.5
		// = 1.9; loss = 1 − 0.5/1.9 = 0.7368421 (the reference form gives 0.609375, softIoUByHand)
		final float[] w1 = TfFixture.ones(3);
		assertEquals(0.7368421, fx.scalar(Losses.softIoU(fx.tf, fx.constant(HP, 1, 1, 3, 2), fx.constant(HY, 1, 1,
			3, 2), fx.constant(w1, 1, 1, 3, 1), true)), 1e-6);
		assertEquals(0.7368421, JavaLosses.softIoUBinary(new float[] { 0.2f, 0.7f, 0.5f }, new byte[] { 0, 0, 1 },
			true), 1e-6);
		// a weighted random batch, both forms: graph = Java, and reference form = loss(SOFT_IOU)
		final SplittableRandom rnd = new SplittableRandom(77);
		final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * 2, 3), 2));
		final float[] target = TfFixture.oneHot(rnd, N * P, 2);
		final float[] weight = TfFixture.weights(rnd, N * P);
		final double[] dp = JavaLosses.toDouble(prob), dy = JavaLosses.toDouble(target), dw = JavaLosses.toDouble(
			weight);
		final double paper = JavaLosses.softIoU(dp, dy, dw, N, true), ref = JavaLosses.softIoU(dp, dy, dw, N, false);
		assertTrue(paper + " vs " + ref, paper > ref + 1e-3); // Σp > Σp² for p in (0, 1)
		for (final boolean form : new boolean[] { true, false }) {
			final float g = fx.scalar(Losses.softIoU(fx.tf, fx.constant(prob, N, 1, P, 2), fx.constant(target, N, 1, P,
				2), fx.constant(weight, N, 1, P, 1), form));
			assertRel("paper form " + form, form ? paper : ref, g, 1e-5);
		}
		assertRel("reference form = SOFT_IOU", ref, graphLoss(LossType.SOFT_IOU, null, prob, target, weight, null, N,
			P, 2), 1e-5);
		try {
			Losses.softIoU(fx.tf, fx.constant(new float[6], 1, 1, 2, 3), fx.constant(new float[6], 1, 1, 2, 3), fx
				.constant(new float[2], 1, 1, 2, 1), true);
			fail("soft IoU accepted C = 3");
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("2 classes"));
		}
	}

	@Test
	public void slsrByHandAndEqualToCeWithoutSmoothing() {
		// one pixel p = (0.8, 0.2), y = (1, 0), ε = 0.25 → y' = (0.75, 0.25);
		// −(0.75 ln 0.7997 + 0.25 ln(0.999·0.2 + 5e-4 = 0.2003)) = 0.5696237
		final float[] p = { 0.8f, 0.2f }, y = { 1, 0 };
		assertEquals(0.5696237, graphLoss(LossType.SLSR, new LossParams(), p, y, new float[] { 1 }, null, 1, 1,
			2), 1e-6);
		assertEquals(0.5696237, JavaLosses.loss(LossType.SLSR, new LossParams(), p, y, null, null, 1, 2), 1e-6);

		final SplittableRandom rnd = new SplittableRandom(5);
		for (final int c : new int[] { 2, 3 }) {
			final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 3), c));
			final float[] target = TfFixture.oneHot(rnd, N * P, c);
			final float[] weight = TfFixture.weights(rnd, N * P);
			final float[] flagged = TfFixture.binary(rnd, N * P, 0.5);
			final float ce = graphLoss(LossType.CE, null, prob, target, weight, null, N, P, c);
			final LossParams eps0 = new LossParams(0.5, 1.5, 0);
			assertEquals(ce, graphLoss(LossType.SLSR, eps0, prob, target, weight, flagged, N, P, c), 1e-6);
			assertEquals(ce, graphLoss(LossType.SLSR, eps0, prob, target, weight, null, N, P, c), 1e-6);
			// nothing flagged: CE whatever ε
			assertEquals(ce, graphLoss(LossType.SLSR, new LossParams(), prob, target, weight, new float[N * P], N,
				P, c), 1e-6);
			// flagged pixels with ε > 0 do change the loss
			final float smoothed = graphLoss(LossType.SLSR, new LossParams(), prob, target, weight, flagged, N, P,
				c);
			assertTrue("SLSR " + smoothed + " vs CE " + ce, Math.abs(smoothed - ce) > 1e-3);
			assertEquals(JavaLosses.ce(JavaLosses.toDouble(prob), JavaLosses.toDouble(target), JavaLosses.toDouble(
				weight), c), JavaLosses.loss(LossType.SLSR, eps0, prob, target, weight, flagged, N, c), 1e-12);
		}
		// C = 3: y' = (1 − ε)y + ε(1 − y)/2 keeps rows summing to 1
		final double[] s = JavaLosses.smoothedTarget(new double[] { 0, 1, 0 }, null, 3, 0.25);
		assertEquals(0.125, s[0], 1e-12);
		assertEquals(0.75, s[1], 1e-12);
		assertEquals(0.125, s[2], 1e-12);
	}

	@Test
	public void dmiOfAllBlackTargetIsMinusLogOfEpsilon() {
		// y ≡ 0 makes U00 = U10 = 0, so det U = 0 and the loss is −ln(0.001) = 6.9077553 whatever p is
		final SplittableRandom rnd = new SplittableRandom(3);
		final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * 2, 3), 2));
		final float[] black = new float[N * P * 2];
		for (int j = 0; j < N * P; j++)
			black[2 * j] = 1;
		final float[] weight = TfFixture.weights(rnd, N * P);
		assertEquals(6.9077553, graphLoss(LossType.DMI, null, prob, black, weight, null, N, P, 2), 1e-5);
		assertEquals(6.9077553, JavaLosses.loss(LossType.DMI, null, prob, black, weight, null, N, 2), 1e-6);
		assertEquals(6.9077553, JavaLosses.dmiThreshold(new float[] { 0.1f, 0.4f }, 0.5), 1e-6);
	}

	@Test
	public void ignoredPixelsChangeNothing() {
		final SplittableRandom rnd = new SplittableRandom(9);
		for (final int c : new int[] { 2, 3 }) {
			final float[] prob = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 3), c));
			final float[] target = TfFixture.oneHot(rnd, N * P, c);
			final float[] weight = TfFixture.weights(rnd, N * P);
			final float[] flagged = TfFixture.binary(rnd, N * P, 0.5);
			// the same data, but prob and target replaced by other values at the ignored pixels
			final float[] prob2 = prob.clone(), target2 = target.clone();
			final float[] other = TfFixture.toFloat(TfFixture.softmax(TfFixture.logits(rnd, N * P * c, 5), c));
			final float[] otherY = TfFixture.oneHot(rnd, N * P, c);
			int ignored = 0;
			for (int j = 0; j < N * P; j++) {
				if (weight[j] != 0) continue;
				ignored++;
				System.arraycopy(other, j * c, prob2, j * c, c);
				System.arraycopy(otherY, j * c, target2, j * c, c);
			}
			assertTrue(ignored > 3);
			for (final LossType type : LossType.values()) {
				if (type.isBinaryOnly() && c != 2) continue;
				final float a = graphLoss(type, null, prob, target, weight, flagged, N, P, c);
				final float b = graphLoss(type, null, prob2, target2, weight, flagged, N, P, c);
				assertEquals(type + " C=" + c, a, b, 1e-6 * Math.abs(a));
				assertEquals(type + " Java C=" + c, JavaLosses.loss(type, null, prob, target, weight, flagged, N, c),
					JavaLosses.loss(type, null, prob2, target2, weight, flagged, N, c), 1e-12);
			}
		}
	}

	@Test
	public void binaryLossesRejectThreeClasses() {
		final float[] p = new float[6], y = new float[6];
		for (final LossType t : new LossType[] { LossType.DMI, LossType.SOFT_IOU }) {
			try {
				Losses.loss(fx.tf, t, null, fx.constant(p, 1, 1, 2, 3), fx.constant(y, 1, 1, 2, 3), fx.constant(
					new float[2], 1, 1, 2, 1), null);
				fail(t + " accepted C = 3");
			}
			catch (final NoisyLabelsException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("2 classes"));
			}
			try {
				JavaLosses.loss(t, null, p, y, null, null, 1, 3);
				fail(t + " (Java) accepted C = 3");
			}
			catch (final NoisyLabelsException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("binary"));
			}
		}
	}

	@Test
	public void invalidParamsAreRejected() {
		final float[] p = { 0.5f, 0.5f }, y = { 1, 0 };
		final LossParams[] bad = { new LossParams(0, 1.5, 0.25), new LossParams(1.1, 1.5, 0.25),
			new LossParams(0.5, 0.9, 0.25), new LossParams(0.5, 2.1, 0.25), new LossParams(0.5, 1.5, 0.5),
			new LossParams(0.5, 1.5, -0.1), new LossParams(Double.NaN, 1.5, 0.25) };
		for (final LossParams lp : bad) {
			try {
				Losses.loss(fx.tf, LossType.CE, lp, fx.constant(p, 1, 1, 1, 2), fx.constant(y, 1, 1, 1, 2), fx
					.constant(new float[] { 1 }, 1, 1, 1, 1), null);
				fail("accepted " + lp);
			}
			catch (final NoisyLabelsException e) {
				assertTrue(e.getMessage(), e.getMessage().contains("out of range"));
			}
		}
		new LossParams(1, 1, 0).validate();
		new LossParams(1e-3, 2, 0.499).validate();
	}
}
