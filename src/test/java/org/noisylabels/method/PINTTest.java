package org.noisylabels.method;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.JavaLosses;
import org.noisylabels.method.PINT.Mode;
import org.noisylabels.method.PINT.Params;
import org.noisylabels.method.PINT.Phase;
import org.noisylabels.method.pint.NoiseTolerantLoss;
import org.noisylabels.method.pint.Perturbation;
import org.noisylabels.method.pint.Plain;
import org.noisylabels.method.pint.Uncertainty;
import org.noisylabels.method.pint.UncertaintyMaps;
import org.noisylabels.train.Ema;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

/**
 * PINT's trainer-independent core: EMA teacher update, uncertainty of M teacher predictions, exp(−u)
 * weights, PNT and INT losses (against hand computations and {@link Plain}), soft/hard pseudo
 * labels, the input perturbation, gradients (student finite and equal to finite differences, teacher
 * none), parameters and the uncertainty table.
 */
public class PINTTest {

	private static final double LN2 = Math.log(2);

	// ---- a small graph fixture --------------------------------------------------------------------

	/** A Graph + Session; every test makes its own and closes it. */
	private static final class Tf implements AutoCloseable {

		final Graph graph = new Graph();
		final Ops tf = Ops.create(graph);
		final Session session = new Session(graph);

		Operand<TFloat32> constant(final float[] data, final long... shape) {
			return tf.constant(Shape.of(shape), DataBuffers.of(data, true, false));
		}

		Operand<TFloat32> constant(final double[] data, final long... shape) {
			return constant(toFloat(data), shape);
		}

		/** Fetches every operand in ONE session run, flattened. */
		float[][] run(final Operand<?>... fetches) {
			final Session.Runner r = session.runner();
			for (final Operand<?> f : fetches)
				r.fetch(f);
			try (Result res = r.run()) {
				final float[][] out = new float[fetches.length][];
				for (int i = 0; i < fetches.length; i++)
					out[i] = copy(res.get(i));
				return out;
			}
		}

		float[][] runOutputs(final List<Output<?>> fetches) {
			final Session.Runner r = session.runner();
			for (final Output<?> f : fetches)
				r.fetch(f);
			try (Result res = r.run()) {
				final float[][] out = new float[fetches.size()][];
				for (int i = 0; i < out.length; i++)
					out[i] = copy(res.get(i));
				return out;
			}
		}

		float[] run1(final Operand<?> fetch) {
			return run(fetch)[0];
		}

		private static float[] copy(final Tensor t) {
			final float[] out = new float[(int) t.shape().size()];
			((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
			return out;
		}

		@Override
		public void close() {
			session.close();
			graph.close();
		}
	}

	// ---- 5. EMA -----------------------------------------------------------------------------------

	@Test
	public void emaUpdateTwoStepsByHandAndCopy() {
		try (Tf t = new Tf()) {
			final Ops tf = t.tf;
			final Variable<TFloat32> s1 = tf.variable(t.constant(new float[] { 1, 2, 3, 4 }, 2, 2));
			final Variable<TFloat32> s2 = tf.variable(t.constant(new float[] { -1, 0.5f, 2 }, 3));
			final Variable<TFloat32> t1 = tf.variable(t.constant(new float[] { 10, 20, 30, 40 }, 2, 2));
			final Variable<TFloat32> t2 = tf.variable(t.constant(new float[] { 0, 0, 0 }, 3));
			final Ema ema = Ema.build(tf, Arrays.asList(s1, s2), Arrays.asList(t1, t2));
			final Op setS1 = tf.assign(s1, t.constant(new float[] { 5, 5, 5, 5 }, 2, 2));
			t.session.initialize();

			// step 1, γ = 0.9: t1 = 0.9·[10,20,30,40] + 0.1·[1,2,3,4] = [9.1, 18.2, 27.3, 36.4]
			// t2 = 0.9·0 + 0.1·[−1, 0.5, 2] = [−0.1, 0.05, 0.2]
			ema.update(t.session, 0.9);
			float[][] v = t.run(t1, t2, s1, s2);
			assertArrayEquals(new float[] { 9.1f, 18.2f, 27.3f, 36.4f }, v[0], 1e-5f);
			assertArrayEquals(new float[] { -0.1f, 0.05f, 0.2f }, v[1], 1e-6f);
			// exact: variables that no op wrote still hold the constants they were initialised with
			assertArrayEquals("the student is untouched", new float[] { 1, 2, 3, 4 }, v[2], 0);
			assertArrayEquals(new float[] { -1, 0.5f, 2 }, v[3], 0);

			// the student moves to [5,5,5,5]; step 2, γ = 0.5:
			// t1 = 0.5·[9.1, 18.2, 27.3, 36.4] + 0.5·5 = [7.05, 11.6, 16.15, 20.7]
			// t2 = 0.5·[−0.1, 0.05, 0.2] + 0.5·[−1, 0.5, 2] = [−0.55, 0.275, 1.1]
			t.session.run(setS1);
			ema.update(t.session, 0.5);
			v = t.run(t1, t2);
			assertArrayEquals(new float[] { 7.05f, 11.6f, 16.15f, 20.7f }, v[0], 1e-5f);
			assertArrayEquals(new float[] { -0.55f, 0.275f, 1.1f }, v[1], 1e-6f);

			// the plain-Java update gives the same two steps
			final double[] pt = { 10, 20, 30, 40 };
			Plain.emaUpdate(pt, new double[] { 1, 2, 3, 4 }, 0.9);
			Plain.emaUpdate(pt, new double[] { 5, 5, 5, 5 }, 0.5);
			assertArrayEquals(new double[] { 7.05, 11.6, 16.15, 20.7 }, pt, 1e-12);

			// γ = 0 (the warm-up's first step) and the copy both make the teacher equal to the student
			ema.update(t.session, Ema.warmUpDecay(0, 0.99));
			// exact: with γ = 0 the update is 0·t + 1·s, a multiplication by 0 and by 1 (no rounding on any CPU)
			assertArrayEquals(new float[] { 5, 5, 5, 5 }, t.run1(t1), 0);
			t.session.run(tf.assign(s2, t.constant(new float[] { 7, 8, 9 }, 3)));
			ema.copy(t.session);
			assertArrayEquals(new float[] { 7, 8, 9 }, t.run1(t2), 0);
		}
	}

	@Test
	public void emaDecayWarmUp() {
		assertEquals(0.0, Ema.warmUpDecay(0, 0.99), 0);
		assertEquals(0.5, Ema.warmUpDecay(1, 0.99), 1e-15);
		assertEquals(0.9, Ema.warmUpDecay(9, 0.99), 1e-15);
		assertEquals(1 - 1.0 / 99, Ema.warmUpDecay(98, 0.99), 1e-15);
		assertEquals(0.99, Ema.warmUpDecay(99, 0.99), 1e-15);
		assertEquals(0.99, Ema.warmUpDecay(100_000, 0.99), 0);
		assertEquals(0.9, Ema.warmUpDecay(100_000, 0.9), 0);
	}

	@Test
	public void emaRejectsMismatchedVariables() {
		try (Tf t = new Tf()) {
			final Variable<TFloat32> a = t.tf.variable(t.constant(new float[] { 1, 2 }, 2));
			final Variable<TFloat32> b = t.tf.variable(t.constant(new float[] { 1, 2, 3 }, 3));
			try {
				Ema.build(t.tf, Arrays.asList(a), Arrays.asList(b));
				fail("different shapes must be rejected");
			}
			catch (final IllegalArgumentException expected) {
				assertTrue(expected.getMessage(), expected.getMessage().contains("shape"));
			}
			try {
				Ema.build(t.tf, Arrays.asList(a, a), Arrays.asList(a));
				fail("different counts must be rejected");
			}
			catch (final IllegalArgumentException expected) {
				assertTrue(expected.getMessage(), expected.getMessage().contains("variables"));
			}
		}
	}

	// ---- 2. uncertainty ---------------------------------------------------------------------------

	@Test
	public void uncertaintyOfHandMadePredictions() {
		// N=1, H=1, W=4, C=2, M=2 teacher maps:
		// pixel 0: [1,0] and [1,0] → p̂ = [1,0],     u = −ln(1 + 1e-6)                  ≈ −1e-6 ≈ 0
		// pixel 1: [.5,.5] twice → p̂ = [.5,.5],      u = −ln(0.500001)                   = 0.6931452 ≈ ln 2
		// pixel 2: [.9,.1], [.7,.3] → p̂ = [.8,.2],   u = −(.8 ln .800001 + .2 ln .200001) = 0.5004004
		// pixel 3: [1,0] and [0,1] → p̂ = [.5,.5],    u ≈ ln 2 (the two passes disagree completely)
		final float[] m1 = { 1, 0, .5f, .5f, .9f, .1f, 1, 0 };
		final float[] m2 = { 1, 0, .5f, .5f, .7f, .3f, 0, 1 };
		final float[] expectedU = { -1e-6f, 0.6931452f, 0.5004004f, 0.6931452f };
		try (Tf t = new Tf()) {
			final Uncertainty unc = Uncertainty.fromTeacher(t.tf, Arrays.asList(t.constant(m1, 1, 1, 4, 2), t.constant(m2,
				1, 1, 4, 2)), true);
			final Uncertainty stacked = Uncertainty.fromStacked(t.tf, t.constant(concat(m1, m2), 2, 1, 4, 2), 2, true);
			final float[][] v = t.run(unc.meanProb, unc.uncertainty, unc.labelWeight, stacked.uncertainty);
			assertArrayEquals(new float[] { 1, 0, .5f, .5f, .8f, .2f, .5f, .5f }, v[0], 1e-6f);
			assertArrayEquals(expectedU, v[1], 1e-5f);
			assertEquals("a certain pixel has u ≈ 0", 0, v[1][0], 1e-5);
			assertEquals("a 50/50 pixel has u ≈ ln 2", LN2, v[1][3], 1e-5);
			// exp(−u): 1, 1/2, exp(−0.5004004) = 0.6062878, 1/2
			assertArrayEquals(new float[] { 1, .5f, 0.6062878f, .5f }, v[2], 1e-5f);
			assertSame("soft pseudo label = p̂", unc.meanProb, unc.pseudoLabel);
			assertArrayEquals("one pass on the stacked copies = M passes", v[1], v[3], 1e-7f);

			// the plain-Java version agrees
			final double[] pHat = Plain.meanProb(JavaLosses.toDouble(m1), JavaLosses.toDouble(m2));
			assertArrayEquals(expectedU, toFloat(Plain.entropy(pHat, 2)), 1e-5f);
			assertArrayEquals(v[2], toFloat(Plain.labelWeight(Plain.entropy(pHat, 2))), 1e-6f);
		}
	}

	@Test
	public void uncertaintyOfThreeClassesReachesLn3() {
		// pixel 0: uniform [1/3,1/3,1/3] from both passes → u = ln 3 − ~1e-6 = 1.0986093
		// pixel 1: [.2,.3,.5] and [.6,.3,.1] → p̂ = [.4,.3,.3], u = −(.4 ln .400001 + 2·.3 ln .300001) = 1.0888970
		final float th = 1f / 3;
		final float[] m1 = { th, th, th, .2f, .3f, .5f };
		final float[] m2 = { th, th, th, .6f, .3f, .1f };
		try (Tf t = new Tf()) {
			final Uncertainty hard = Uncertainty.fromTeacher(t.tf, Arrays.asList(t.constant(m1, 1, 1, 2, 3), t.constant(m2,
				1, 1, 2, 3)), false);
			final float[][] v = t.run(hard.uncertainty, hard.pseudoLabel);
			assertArrayEquals(new float[] { 1.0986093f, 1.0888970f }, v[0], 1e-5f);
			assertEquals(Math.log(3), v[0][0], 1e-5);
			// hard labels: argmax of p̂ (pixel 0: float ties → some single class; pixel 1: class 0)
			// exact: a one-hot label holds the values 0 and 1 only
			assertEquals(1, v[1][0] + v[1][1] + v[1][2], 0);
			assertArrayEquals(new float[] { 1, 0, 0 }, Arrays.copyOfRange(v[1], 3, 6), 0);
		}
	}

	// ---- 3. PNT -----------------------------------------------------------------------------------

	@Test
	public void pntLossByHand() {
		// two pixels, C=2, student f = [.8,.2] at both
		// A: label [1,0], teacher certain [1,0] twice → α = exp(1e-6) ≈ 1:
		//    L_A ≈ CE = −ln(0.999·0.8 + 5e-4) = 0.2235186
		// B: label [0,1], teacher [1,0] and [0,1] → p̂ = [.5,.5], α = exp(−0.6931452) = 0.5000001:
		//    CE = −ln(0.999·0.2 + 5e-4) = 1.6079390, MSE = .3² + .3² = 0.18 → L_B = 0.8939709
		// PNT = (L_A + L_B)/2 = 0.5587449
		final float[] f = { .8f, .2f, .8f, .2f };
		final float[] y = { 1, 0, 0, 1 };
		try (Tf t = new Tf()) {
			final Uncertainty unc = Uncertainty.fromTeacher(t.tf, Arrays.asList(t.constant(new float[] { 1, 0, 1, 0 }, 1,
				1, 2, 2), t.constant(new float[] { 1, 0, 0, 1 }, 1, 1, 2, 2)), true);
			final Operand<TFloat32> fo = t.constant(f, 1, 1, 2, 2), yo = t.constant(y, 1, 1, 2, 2);
			final float[][] v = t.run(NoiseTolerantLoss.pntPixelLoss(t.tf, fo, yo, unc), NoiseTolerantLoss.pntLoss(t.tf, fo, yo, null, unc),
				NoiseTolerantLoss.pntLoss(t.tf, fo, yo, t.constant(new float[] { 0, 1 }, 1, 1, 2, 1), unc), PINT.loss(t.tf,
					Phase.PNT, fo, yo, null, unc));
			assertArrayEquals(new float[] { 0.2235188f, 0.8939709f }, v[0], 1e-5f);
			assertEquals(0.5587449, v[1][0], 1e-5);
			assertEquals("pixel A ignored: the loss is L_B", 0.8939709, v[2][0], 1e-5);
			// the same loss through the phase switch: the same ops on the same inputs, but allow rounding in case
			// TensorFlow schedules the reduction differently
			assertEquals(v[1][0], v[3][0], 1e-6);
		}
	}

	@Test
	public void uncertaintyOfACertainTeacherIsZeroNotNegative() {
		// p̂ = (1, 0): −[1·log(1 + 1e-6) + 0·log(1e-6)] = −1e-6 before the clamp; an uncertainty map must not
		// go below 0 (the PINT benchmark's ROC of u against the wrong labels rejected such a map)
		assertEquals(0, Plain.entropy(new double[] { 1, 0 }, 2)[0], 0);
		assertEquals(0, Plain.entropy(new double[] { 0, 0, 1 }, 3)[0], 0);
		try (Tf t = new Tf()) {
			final Uncertainty unc = Uncertainty.fromTeacher(t.tf, Arrays.asList(t.constant(new float[] { 1, 0, 0, 1 }, 1, 1,
				2, 2), t.constant(new float[] { 1, 0, 0, 1 }, 1, 1, 2, 2)), true);
			final float[][] v = t.run(unc.uncertainty, unc.labelWeight);
			// exact: u is clamped at 0 (max(0, ·)) and exp(−0) = 1
			assertArrayEquals(new float[] { 0, 0 }, v[0], 0);
			assertArrayEquals(new float[] { 1, 1 }, v[1], 0);
		}
	}

	@Test
	public void pntLossMatchesPlainJavaWithIgnoredPixels() {
		final int n = 2, h = 3, w = 4, p = h * w, m = 3;
		for (final int c : new int[] { 2, 3 }) {
			for (final boolean soft : new boolean[] { true, false }) {
				final SplittableRandom rnd = new SplittableRandom(11 + c);
				final double[] f = softmax(logits(rnd, n * p * c, 3), c);
				final double[] y = oneHot(rnd, n * p, c);
				final double[][] teacher = new double[m][];
				for (int k = 0; k < m; k++)
					teacher[k] = softmax(logits(rnd, n * p * c, 2), c);
				final double[] weight = weights(rnd, n * p);
				final double[] pHat = Plain.meanProb(teacher);
				final double[] u = Plain.entropy(pHat, c);
				final double[] pseudo = soft ? pHat : Plain.hardLabel(pHat, c);
				final double expected = Plain.pntLoss(f, y, weight, pseudo, u, c);

				// the same student with garbage at the ignored pixels
				final double[] f2 = f.clone();
				for (int j = 0; j < n * p; j++)
					if (weight[j] == 0) for (int k = 0; k < c; k++)
						f2[j * c + k] = k == 0 ? 1 : 0;

				try (Tf t = new Tf()) {
					final List<Operand<TFloat32>> tm = new ArrayList<>();
					for (final double[] tk : teacher)
						tm.add(t.constant(tk, n, h, w, c));
					final Uncertainty unc = Uncertainty.fromTeacher(t.tf, tm, soft);
					final Operand<TFloat32> wo = t.constant(weight, n, h, w, 1), yo = t.constant(y, n, h, w, c);
					final float[][] v = t.run(NoiseTolerantLoss.pntLoss(t.tf, t.constant(f, n, h, w, c), yo, wo, unc), NoiseTolerantLoss.pntLoss(
						t.tf, t.constant(f2, n, h, w, c), yo, wo, unc), unc.pseudoLabel);
					final String what = "C=" + c + (soft ? " soft" : " hard");
					assertEquals(what, expected, v[0][0], 1e-5 * Math.max(1, expected));
					assertEquals(what + ": ignored pixels do not count", v[0][0], v[1][0], 1e-6);
					assertArrayEquals(what, toFloat(pseudo), v[2], 1e-6f);
					// sanity: the weighting matters (plain CE differs)
					assertTrue(Math.abs(expected - JavaLosses.ce(f, y, weight, c)) > 1e-3);
				}
			}
		}
	}

	// ---- 4. INT -----------------------------------------------------------------------------------

	@Test
	public void intWeightsImagesByTheirMeanUncertainty() {
		// three images of 1×2 pixels, C=2, student f = [.8,.2] everywhere, labels [1,0] and [0,1]:
		// per-pixel CE: 0.2235186 and 1.6079390 → CE_i = 0.9157288 in every image
		// image 0: teacher certain [1,0] twice              → U_0 ≈ −1e-6, α_0 ≈ 1
		//          p̂ = [1,0] → MSE: pixel 0 = .08, pixel 1 = .08 → MSE_0 = .08
		// image 1: teacher [1,0]/[0,1] at both pixels        → U_1 ≈ ln 2, α_1 = 1/2
		//          p̂ = [.5,.5] → MSE = .3² + .3² = .18 at both pixels → MSE_1 = .18
		// image 2: pixel 0 certain [1,0], pixel 1 50/50      → U_2 = ln2/2, α_2 = 2^(−1/2) = 0.7071068
		//          MSE_2 = (.08 + .18)/2 = .13
		// L_0 = 0.9157288, L_1 = .5·0.9157288 + .5·.18 = 0.5478644, L_2 = .7071068·0.9157288 + .2928932·.13 = 0.6855917
		final float[] f = new float[12];
		final float[] y = new float[12];
		for (int j = 0; j < 6; j++) {
			f[2 * j] = .8f;
			f[2 * j + 1] = .2f;
			y[2 * j + (j % 2)] = 1;
		}
		final float[] t1 = { 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0 };
		final float[] t2 = { 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1 };
		try (Tf t = new Tf()) {
			final Uncertainty unc = Uncertainty.fromTeacher(t.tf, Arrays.asList(t.constant(t1, 3, 1, 2, 2), t.constant(t2,
				3, 1, 2, 2)), true);
			final Operand<TFloat32> fo = t.constant(f, 3, 1, 2, 2), yo = t.constant(y, 3, 1, 2, 2);
			final float[][] v = t.run(NoiseTolerantLoss.imageUncertainty(t.tf, unc.uncertainty, null), NoiseTolerantLoss.intImageLoss(t.tf,
				fo, yo, null, unc), NoiseTolerantLoss.intLoss(t.tf, fo, yo, null, unc), NoiseTolerantLoss.pntLoss(t.tf, fo, yo, null, unc),
				PINT.loss(t.tf, Phase.INT, fo, yo, null, unc));
			assertArrayEquals(new float[] { 0, (float) LN2, (float) (LN2 / 2) }, v[0], 1e-5f);
			assertArrayEquals(new float[] { 0.9157288f, 0.5478644f, 0.6855917f }, v[1], 1e-5f);
			assertEquals((0.9157288 + 0.5478644 + 0.6855917) / 3, v[2][0], 1e-5);
			// the same loss through the phase switch (see above): rounding allowed
			assertEquals(v[2][0], v[4][0], 1e-6);
			// the uncertain image's label weight is the lowest: its loss is mostly MSE to p̂
			assertTrue(Math.exp(-v[0][1]) < Math.exp(-v[0][2]) && Math.exp(-v[0][2]) < Math.exp(-v[0][0]));
			// image 2 differs between INT (one α for the image) and PNT (α per pixel):
			// PNT over image 2's pixels would be (0.2235186 + 0.8939709)/2; over the batch INT ≠ PNT
			assertTrue(Math.abs(v[2][0] - v[3][0]) > 1e-3);
		}
	}

	@Test
	public void intLossMatchesPlainJavaWithIgnoredPixelsAndAnEmptyImage() {
		final int n = 3, h = 4, w = 3, p = h * w, m = 4;
		for (final int c : new int[] { 2, 3 }) {
			for (final boolean soft : new boolean[] { true, false }) {
				final SplittableRandom rnd = new SplittableRandom(31 + c);
				final double[] f = softmax(logits(rnd, n * p * c, 3), c);
				final double[] y = oneHot(rnd, n * p, c);
				final double[][] teacher = new double[m][];
				for (int k = 0; k < m; k++)
					teacher[k] = softmax(logits(rnd, n * p * c, 2.5), c);
				final double[] weight = weights(rnd, n * p);
				Arrays.fill(weight, 2 * p, 3 * p, 0); // image 2 fully ignored: not part of the mean
				final double[] pHat = Plain.meanProb(teacher);
				final double[] u = Plain.entropy(pHat, c);
				final double[] pseudo = soft ? pHat : Plain.hardLabel(pHat, c);
				final double[] perImage = Plain.intImageLoss(f, y, weight, pseudo, u, n, c);
				final double expected = Plain.intLoss(f, y, weight, pseudo, u, n, c);
				assertEquals((perImage[0] + perImage[1]) / 2, expected, 1e-9);
				// U_i is the plain mean of u over the non-ignored pixels
				double s = 0;
				int cnt = 0;
				for (int j = 0; j < p; j++)
					if (weight[j] > 0) {
						s += u[j];
						cnt++;
					}
				assertEquals(s / cnt, Plain.imageUncertainty(u, weight, n)[0], 1e-9);

				try (Tf t = new Tf()) {
					final List<Operand<TFloat32>> tm = new ArrayList<>();
					for (final double[] tk : teacher)
						tm.add(t.constant(tk, n, h, w, c));
					final Uncertainty unc = Uncertainty.fromTeacher(t.tf, tm, soft);
					final Operand<TFloat32> wo = t.constant(weight, n, h, w, 1), yo = t.constant(y, n, h, w, c), fo = t
						.constant(f, n, h, w, c);
					final float[][] v = t.run(NoiseTolerantLoss.intLoss(t.tf, fo, yo, wo, unc), NoiseTolerantLoss.intImageLoss(t.tf, fo, yo, wo,
						unc), NoiseTolerantLoss.imageUncertainty(t.tf, unc.uncertainty, wo));
					final String what = "C=" + c + (soft ? " soft" : " hard");
					assertEquals(what, expected, v[0][0], 1e-5 * Math.max(1, expected));
					assertArrayEquals(what, toFloat(perImage), v[1], 1e-5f);
					assertArrayEquals(what, toFloat(Plain.imageUncertainty(u, weight, n)), v[2], 1e-5f);
					// exact: an image without weighted pixels gets U = 0 by a select, not by arithmetic
					assertEquals("an image without pixels has U = 0", 0, v[2][2], 0);
				}
			}
		}
	}

	/**
	 * 3D: the image phase's "images" are volume patches, whose D slices are consecutive rows of the batch
	 * [N·D,H,W,C]. After {@link org.noisylabels.train.StepGraph#volumeRows} the INT loss, its per-image
	 * values and U_i equal plain Java over N volumes of D·H·W voxels (not over the N·D slices); H and W are
	 * unknown to the graph, as in training. Volume 1 is fully ignored.
	 */
	@Test
	public void intLossOfAThreeDBatchIsPerVolume() {
		final int vols = 3, d = 2, h = 4, w = 3, p = h * w, m = 3, c = 2, rows = vols * d;
		final SplittableRandom rnd = new SplittableRandom(77);
		final double[] f = softmax(logits(rnd, rows * p * c, 3), c);
		final double[] y = oneHot(rnd, rows * p, c);
		final double[][] teacher = new double[m][];
		for (int k = 0; k < m; k++)
			teacher[k] = softmax(logits(rnd, rows * p * c, 2.5), c);
		final double[] weight = weights(rnd, rows * p);
		Arrays.fill(weight, d * p, 2 * d * p, 0); // volume 1 (rows 2, 3) fully ignored
		final double[] pHat = Plain.meanProb(teacher);
		final double[] u = Plain.entropy(pHat, c);
		// the slices of a volume are contiguous in the flat layout: plain Java with n = volumes is per volume
		final double expected = Plain.intLoss(f, y, weight, pHat, u, vols, c);
		final double[] perVolume = Plain.intImageLoss(f, y, weight, pHat, u, vols, c);
		final double perSlice = Plain.intLoss(f, y, weight, pHat, u, rows, c);
		assertTrue("the test data must tell volumes from slices", Math.abs(expected - perSlice) > 1e-3);
		try (Tf t = new Tf()) {
			final List<Operand<TFloat32>> tm = new ArrayList<>();
			for (final double[] tk : teacher)
				tm.add(dynamic(t, t.constant(tk, rows, h, w, c), c));
			final Uncertainty unc = Uncertainty.volumeRows(t.tf, Uncertainty.fromTeacher(t.tf, tm, true), d);
			final Operand<TFloat32> wo = org.noisylabels.train.StepGraph.volumeRows(t.tf, dynamic(t, t.constant(weight, rows,
				h, w, 1), 1), d), yo = org.noisylabels.train.StepGraph.volumeRows(t.tf, dynamic(t, t.constant(y, rows, h, w, c),
					c), d), fo = org.noisylabels.train.StepGraph.volumeRows(t.tf, dynamic(t, t.constant(f, rows, h, w, c), c), d);
			assertEquals("channels stay static", c, fo.shape().size(3));
			final float[][] v = t.run(NoiseTolerantLoss.intLoss(t.tf, fo, yo, wo, unc), NoiseTolerantLoss.intImageLoss(t.tf,
				fo, yo, wo, unc), NoiseTolerantLoss.imageUncertainty(t.tf, unc.uncertainty, wo), t.tf.dtypes.cast(t.tf.shape(fo),
				TFloat32.class));
			// TensorFlow float32 against double: a tolerance (also differs in the last bits between CPUs)
			assertEquals(expected, v[0][0], 1e-5 * Math.max(1, expected));
			assertArrayEquals(toFloat(perVolume), v[1], 1e-5f);
			assertArrayEquals(toFloat(Plain.imageUncertainty(u, weight, vols)), v[2], 1e-5f);
			assertEquals(vols, v[1].length);
			assertArrayEquals("[N, D·H, W, C]", new float[] { vols, d * h, w, c }, v[3], 0);
		}
	}

	/** {@code x} behind a placeholder whose batch, height and width are unknown to the graph. */
	private static Operand<TFloat32> dynamic(final Tf t, final Operand<TFloat32> x, final int channels) {
		return t.tf.placeholderWithDefault(x, Shape.of(-1, -1, -1, channels));
	}

	@Test
	public void phaseLossSelectsPntOrInt() {
		try (Tf t = new Tf()) {
			final Placeholder<TFloat32> s = t.tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
			final Operand<TFloat32> mixed = NoiseTolerantLoss.phaseLoss(t.tf, t.tf.constant(0.25f), t.tf.constant(0.75f), s);
			for (final float sel : new float[] { 0, 1 }) {
				try (TFloat32 st = TFloat32.scalarOf(sel); Result r = t.session.runner().feed(s, st).fetch(mixed).run()) {
					// exact: the switch selects one of two constants
					assertEquals(sel == 0 ? 0.25f : 0.75f, ((TFloat32) r.get(0)).getFloat(), 0);
				}
			}
		}
	}

	// ---- 2/3. hard vs soft pseudo labels ----------------------------------------------------------

	@Test
	public void hardAndSoftPseudoLabels() {
		// one pixel: teacher [.9,.1] and [.7,.3] → p̂ = [.8,.2], α = exp(−0.5004004) = 0.6062878
		// student f = [.6,.4], noisy label y = [0,1]: CE = −ln(0.999·.4 + 5e-4) = 0.9160408
		// soft ŷ = [.8,.2]: MSE = .2² + .2² = .08 → L = α·CE + (1 − α)·.08 = 0.5868813
		// hard ŷ = [1,0]:   MSE = .4² + .4² = .32 → L = α·CE + (1 − α)·.32 = 0.6813723
		try (Tf t = new Tf()) {
			final List<Operand<TFloat32>> tm = Arrays.asList(t.constant(new float[] { .9f, .1f }, 1, 1, 1, 2), t
				.constant(new float[] { .7f, .3f }, 1, 1, 1, 2));
			final Uncertainty soft = Uncertainty.fromTeacher(t.tf, tm, true);
			final Uncertainty hard = Uncertainty.fromTeacher(t.tf, tm, false);
			final Operand<TFloat32> f = t.constant(new float[] { .6f, .4f }, 1, 1, 1, 2);
			final Operand<TFloat32> y = t.constant(new float[] { 0, 1 }, 1, 1, 1, 2);
			final float[][] v = t.run(soft.pseudoLabel, hard.pseudoLabel, NoiseTolerantLoss.pntLoss(t.tf, f, y, null,
				soft), NoiseTolerantLoss.pntLoss(t.tf, f, y, null, hard), NoiseTolerantLoss.intLoss(t.tf, f, y, null, hard));
			assertArrayEquals(new float[] { .8f, .2f }, v[0], 1e-6f);
			// exact: one-hot
			assertArrayEquals(new float[] { 1, 0 }, v[1], 0);
			assertEquals(0.5868813, v[2][0], 1e-5);
			assertEquals(0.6813723, v[3][0], 1e-5);
			assertEquals("one pixel per image: INT = PNT", v[3][0], v[4][0], 1e-6);
			assertTrue(soft.soft && !hard.soft);
		}
		// a 50/50 tie goes to class 0 in plain Java
		assertArrayEquals(new double[] { 1, 0 }, Plain.hardLabel(new double[] { .5, .5 }, 2), 0);
	}

	// ---- 1. perturbation --------------------------------------------------------------------------

	@Test
	public void perturbationIsClippedHasTheClampedStdAndIsReproducible() {
		final int n = 4, h = 32, w = 32, m = 4, size = n * h * w;
		final float[] x = new float[size];
		for (int i = 0; i < size; i++)
			x[i] = 0.5f + (i % 17) * 0.01f;
		final float[][] first, second;
		try (Tf t = new Tf()) {
			final List<Operand<TFloat32>> xs = Perturbation.perturbations(t.tf, t.constant(x, n, h, w, 1), m, 0.1, 0.2, 7);
			final Operand<TFloat32> stacked = Perturbation.stackPerturbations(t.tf, t.constant(x, n, h, w, 1), m, 0.1, 0.2,
				7);
			assertEquals(Shape.of(m * n, h, w, 1), stacked.shape());
			final Operand<TFloat32> none = Perturbation.perturb(t.tf, t.constant(x, n, h, w, 1), 0, 0.2, 7, 0);
			final Operand<?>[] fetch = xs.toArray(new Operand<?>[0]);
			first = t.run(fetch);
			second = t.run(fetch);
			// exact: x + 0·noise (clamped) adds zeros
			assertArrayEquals("std 0 leaves x unchanged", x, t.run1(none), 0);
			final float[] st = t.run1(stacked);
			assertEquals(m * size, st.length);
			for (int i = 0; i < st.length; i++)
				assertTrue(Math.abs(st[i] - x[i % size]) <= 0.2f + 1e-6f);
		}
		// the clamped N(0, 0.1²) at ±0.2 = ±2σ: std = 0.1·sqrt(0.7385358 + 4·0.0455003) = 0.0959446,
		// P(|noise| = 0.2) = 2·Φ(−2) = 0.0455003
		double sum = 0, sum2 = 0, clipped = 0;
		for (int k = 0; k < m; k++) {
			for (int i = 0; i < size; i++) {
				final double d = first[k][i] - x[i];
				assertTrue("noise " + d + " exceeds the clip", Math.abs(d) <= 0.2 + 1e-6);
				sum += d;
				sum2 += d * d;
				if (Math.abs(d) > 0.2 - 1e-6) clipped++;
			}
		}
		final double count = (double) m * size;
		final double mean = sum / count;
		assertEquals(0, mean, 0.003);
		assertEquals(0.0959446, Math.sqrt(sum2 / count - mean * mean), 0.002);
		assertEquals(0.0455, clipped / count, 0.008);
		// the M draws are independent of each other and change at every run
		assertEquals(0, correlation(first[0], first[1], x), 0.05);
		assertEquals(0, correlation(first[2], first[3], x), 0.05);
		assertEquals(0, correlation(first[0], second[0], x), 0.05);
		// a fresh graph with the same seed repeats the draws; another seed does not
		try (Tf t = new Tf()) {
			final List<Operand<TFloat32>> xs = Perturbation.perturbations(t.tf, t.constant(x, n, h, w, 1), m, 0.1, 0.2, 7);
			final List<Operand<TFloat32>> other = Perturbation.perturbations(t.tf, t.constant(x, n, h, w, 1), 1, 0.1, 0.2, 8);
			final float[][] again = t.run(xs.get(0), xs.get(3), other.get(0));
			// exact: seeded random ops draw the same numbers in a fresh graph (no arithmetic across threads)
			assertArrayEquals(first[0], again[0], 0);
			assertArrayEquals(first[3], again[1], 0);
			assertFalse(Arrays.equals(first[0], again[2]));
		}
	}

	// ---- gradients --------------------------------------------------------------------------------

	@Test
	public void gradientsReachTheStudentOnlyAndMatchFiniteDifferences() {
		final int n = 2, h = 3, w = 3, c = 2, p = h * w, m = 4;
		final SplittableRandom rnd = new SplittableRandom(5);
		final float[] sLogits = toFloat(logits(rnd, n * p * c, 2));
		final float[] tLogits = toFloat(logits(rnd, n * p * c, 2));
		final double[] y = oneHot(rnd, n * p, c);
		final double[] weight = weights(rnd, n * p);
		final float[] x = toFloat(logits(rnd, n * p, 1));
		for (final Phase phase : Phase.values()) {
			try (Tf t = new Tf()) {
				final Ops tf = t.tf;
				final Variable<TFloat32> student = tf.variable(t.constant(sLogits, n, h, w, c));
				final Variable<TFloat32> teacher = tf.variable(t.constant(tLogits, n, h, w, c));
				// toy networks: student = softmax(S), teacher = softmax(T + perturbed x)
				final Operand<TFloat32> f = tf.nn.softmax(tf.identity(student));
				final List<Operand<TFloat32>> tp = new ArrayList<>();
				for (final Operand<TFloat32> xk : Perturbation.perturbations(tf, t.constant(x, n, h, w, 1), m, 0.1, 0.2, 3))
					tp.add(tf.nn.softmax(tf.math.add(tf.identity(teacher), xk)));
				final Uncertainty unc = Uncertainty.fromTeacher(tf, tp, true);
				final Operand<TFloat32> loss = PINT.loss(tf, phase, f, t.constant(y, n, h, w, c), t.constant(weight, n,
					h, w, 1), unc);
				final Output<?>[] grads = t.graph.addGradients(loss.asOutput(), new Output<?>[] { student.asOutput(),
					teacher.asOutput() });
				// the teacher receives no gradient: TensorFlow returns no output at all (index −1) for it ...
				assertTrue(grads[0].index() >= 0);
				assertEquals(phase + ": teacher gradient", -1, grads[1].index());
				// ... whereas the same teacher probabilities without PINT's stopGradient would get one
				final Output<?> leak = t.graph.addGradients(t.tf.reduceSum(tp.get(0), t.tf.constant(new int[] { 0, 1,
					2, 3 })).asOutput(), new Output<?>[] { teacher.asOutput() })[0];
				assertTrue(leak.index() >= 0);
				t.session.initialize();
				final float[][] v = t.runOutputs(Arrays.asList(grads[0], unc.meanProb.asOutput(), loss.asOutput()));
				final float[] gs = v[0];
				// the student's gradient is finite, zero at ignored pixels and equals central differences of
				// the plain-Java loss with this run's p̂ (fetched in the same run)
				final double[] pHat = JavaLosses.toDouble(v[1]);
				final double[] u = Plain.entropy(pHat, c);
				double maxAbs = 0;
				for (int k = 0; k < gs.length; k++) {
					assertTrue(Float.isFinite(gs[k]));
					// exact: the gradient at an ignored pixel is multiplied by a zero weight
					if (weight[k / c] == 0) assertEquals(0, gs[k], 0);
					maxAbs = Math.max(maxAbs, Math.abs(gs[k]));
				}
				assertTrue(maxAbs > 1e-3);
				assertEquals(plainLoss(phase, sLogits, y, weight, pHat, u, n, c), v[2][0], 1e-5);
				final double eps = 1e-3;
				for (int k = 0; k < gs.length; k++) {
					final float[] plus = sLogits.clone(), minus = sLogits.clone();
					plus[k] += eps;
					minus[k] -= eps;
					final double fd = (plainLoss(phase, plus, y, weight, pHat, u, n, c) - plainLoss(phase, minus, y,
						weight, pHat, u, n, c)) / (2 * eps);
					assertEquals(phase + " gradient " + k, fd, gs[k], 1e-4 + 1e-3 * Math.abs(fd));
				}
			}
		}
	}

	private static double plainLoss(final Phase phase, final float[] logits, final double[] y,
		final double[] weight, final double[] pHat, final double[] u, final int n, final int c)
	{
		final double[] f = softmax(JavaLosses.toDouble(logits), c);
		return phase == Phase.PNT ? Plain.pntLoss(f, y, weight, pHat, u, c) : Plain.intLoss(f, y, weight, pHat, u,
			n, c);
	}

	// ---- 6. parameters ----------------------------------------------------------------------------

	@Test
	public void paramsDefaultsScheduleAndValidation() {
		final Params d = new Params().validate();
		final Map<String, Object> map = d.toMap();
		assertEquals(Arrays.asList("mode", "ema_decay", "m", "noise_std", "noise_clip", "soft_pseudo_labels",
			"pnt_iterations", "pnt_lr", "pnt_lr_step", "pnt_lr_gamma", "int_iterations", "int_lr", "warmup_iterations", "momentum",
			"weight_decay", "dropout", "seed"), new ArrayList<>(map.keySet()));
		assertEquals("PINT", map.get("mode"));
		assertEquals(0.99, d.ema_decay, 0);
		assertEquals(4, d.m);
		assertEquals(0.1, d.noise_std, 0);
		assertEquals(0.2, d.noise_clip, 0);
		assertTrue(d.soft_pseudo_labels);
		assertEquals(6000, d.pnt_iterations);
		assertEquals(2000, d.int_iterations);
		assertEquals(0.9, d.momentum, 0);
		assertEquals(1e-4, d.weight_decay, 0);
		assertEquals(42, d.seed);

		// PINT: 6000 pixel steps (0.01, ÷10 every 2500), then 2000 image steps at 0.01
		assertEquals(8000, d.totalIterations());
		assertEquals(0.01, d.learningRate(0), 1e-15);
		assertEquals(0.01, d.learningRate(2499), 1e-15);
		assertEquals(0.001, d.learningRate(2500), 1e-15);
		assertEquals(1e-4, d.learningRate(5000), 1e-15);
		assertEquals(1e-4, d.learningRate(5999), 1e-15);
		assertEquals(Phase.PNT, d.phase(5999));
		assertEquals(Phase.INT, d.phase(6000));
		assertEquals(0.01, d.learningRate(6000), 0);
		assertEquals(0.01, d.learningRate(7999), 0);
		final Params intOnly = new Params();
		intOnly.mode = Mode.INT;
		intOnly.pnt_iterations = 0;
		intOnly.validate();
		assertEquals(2000, intOnly.totalIterations());
		assertEquals(Phase.INT, intOnly.phase(0));
		final Params pntOnly = new Params();
		pntOnly.mode = Mode.parse(" pnt ");
		assertEquals(6000, pntOnly.totalIterations());
		assertEquals(Phase.PNT, pntOnly.phase(7000));

		// dropout 0.5 at the deepest encoder level and the first decoder stage (level depth−1)
		assertArrayEquals(new double[] { 0, 0, 0, 0.5 }, d.encoderDropout(3), 0);
		assertArrayEquals(new double[] { 0, 0, 0.5 }, d.decoderDropout(3), 0);

		assertInvalid(q -> q.m = 0, "m=0");
		assertInvalid(q -> q.ema_decay = 1, "ema_decay=1");
		assertInvalid(q -> q.noise_std = -0.1, "noise_std=-0.1");
		assertInvalid(q -> q.noise_clip = Double.NaN, "noise_clip=NaN");
		assertInvalid(q -> q.pnt_iterations = 0, "pnt_iterations=0");
		assertInvalid(q -> q.int_iterations = 0, "int_iterations=0");
		assertInvalid(q -> q.pnt_lr = 0, "pnt_lr=0");
		assertInvalid(q -> q.momentum = 1, "momentum=1");
		assertInvalid(q -> q.dropout = 1, "dropout=1");
		assertInvalid(q -> q.mode = null, "mode");
		try {
			Mode.parse("PINTS");
			fail();
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("PNT, INT, PINT"));
		}
	}

	private interface Change {
		void apply(Params p);
	}

	private static void assertInvalid(final Change change, final String key) {
		final Params p = new Params();
		change.apply(p);
		try {
			p.validate();
			fail(key + " must be rejected");
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith(key));
		}
	}

	// ---- 7. table ---------------------------------------------------------------------------------

	@Test
	public void uncertaintyTableRowsPerSlice() {
		// slice 1: u = [0, .1, .5, ln2]: mean = 0.3232868, max = ln 2, u > 0.5·ln2 = 0.3466 at 2 of 4 pixels,
		//          image weight exp(−0.3232868) = 0.7237663, mean exp(−u) = (1 + .9048374 + .6065307 + .5)/4 = 0.7528420
		//          with the pixel u = .5 ignored: mean = 0.2643824, fraction 1/3, exp(−mean) = 0.7676799,
		//          mean exp(−u) = 0.8016125
		// slice 2: u = ln 2 everywhere: mean = max = ln 2, fraction 1, weights 0.5
		final float[] u = { 0, .1f, .5f, (float) LN2, (float) LN2, (float) LN2, (float) LN2, (float) LN2 };
		final ImageStack stack = UncertaintyMaps.uncertaintyStack(u, 2, 2, 2, new String[] { "a.tif" });
		assertEquals(2, stack.getSize());
		assertEquals("a.tif", stack.getSliceLabel(1));
		assertEquals("slice 2", stack.getSliceLabel(2));
		assertEquals(0.5f, stack.getProcessor(1).getf(0, 1), 0);

		final ResultsTable t = UncertaintyMaps.uncertaintyTable(stack, null);
		assertEquals(2, t.size());
		assertEquals("a.tif", t.getLabel(0));
		assertEquals(1, t.getValue("slice", 0), 0);
		assertEquals(0.3232868, t.getValue("mean_u", 0), 1e-6);
		assertEquals(LN2, t.getValue("max_u", 0), 1e-6);
		assertEquals(0.5, t.getValue("fraction_high_u", 0), 0);
		assertEquals(0.7237663, t.getValue("image_label_weight", 0), 1e-6);
		assertEquals(0.7528420, t.getValue("mean_pixel_label_weight", 0), 1e-6);
		assertEquals(4, t.getValue("pixels", 0), 0);
		assertEquals(LN2, t.getValue("mean_u", 1), 1e-6);
		assertEquals(1, t.getValue("fraction_high_u", 1), 0);
		assertEquals(0.5, t.getValue("image_label_weight", 1), 1e-6);

		final ImageStack weight = new ImageStack(2, 2);
		weight.addSlice(new FloatProcessor(2, 2, new float[] { 1, 1, 0, 1 }));
		weight.addSlice(new FloatProcessor(2, 2, new float[] { 1, 1, 1, 1 }));
		final ResultsTable tw = UncertaintyMaps.uncertaintyTable(stack, weight);
		assertEquals(0.2643824, tw.getValue("mean_u", 0), 1e-6);
		assertEquals(1.0 / 3, tw.getValue("fraction_high_u", 0), 1e-12);
		assertEquals(0.7676799, tw.getValue("image_label_weight", 0), 1e-6);
		assertEquals(0.8016125, tw.getValue("mean_pixel_label_weight", 0), 1e-6);
		assertEquals(3, tw.getValue("pixels", 0), 0);
		for (final String col : UncertaintyMaps.TABLE_COLUMNS)
			assertTrue(col, tw.columnExists(col));

		final ImageStack small = new ImageStack(1, 1);
		small.addSlice(new FloatProcessor(1, 1));
		try {
			UncertaintyMaps.uncertaintyTable(stack, small);
			fail();
		}
		catch (final NoisyLabelsException e) {
			assertNotNull(e.getMessage());
			assertTrue(e.getMessage(), e.getMessage().contains("must have the size"));
		}
	}

	// ---- helpers ----------------------------------------------------------------------------------

	private static float[] concat(final float[] a, final float[] b) {
		final float[] out = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	private static float[] toFloat(final double[] d) {
		final float[] f = new float[d.length];
		for (int i = 0; i < d.length; i++)
			f[i] = (float) d[i];
		return f;
	}

	private static double[] logits(final SplittableRandom rnd, final int length, final double scale) {
		final double[] l = new double[length];
		for (int i = 0; i < length; i++)
			l[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
		return l;
	}

	/** Softmax over the last axis of flattened NHWC logits. */
	private static double[] softmax(final double[] logits, final int channels) {
		final double[] p = new double[logits.length];
		for (int j = 0; j < logits.length; j += channels) {
			double max = Double.NEGATIVE_INFINITY;
			for (int c = 0; c < channels; c++)
				max = Math.max(max, logits[j + c]);
			double s = 0;
			for (int c = 0; c < channels; c++)
				s += p[j + c] = Math.exp(logits[j + c] - max);
			for (int c = 0; c < channels; c++)
				p[j + c] /= s;
		}
		return p;
	}

	private static double[] oneHot(final SplittableRandom rnd, final int pixels, final int channels) {
		final double[] y = new double[pixels * channels];
		for (int j = 0; j < pixels; j++)
			y[j * channels + rnd.nextInt(channels)] = 1;
		return y;
	}

	/** Weights in [0.5, 1.5) with about a quarter exactly 0 (ignored). */
	private static double[] weights(final SplittableRandom rnd, final int pixels) {
		final double[] w = new double[pixels];
		for (int j = 0; j < pixels; j++)
			w[j] = rnd.nextDouble() < 0.25 ? 0 : (float) (0.5 + rnd.nextDouble());
		return w;
	}

	/** Pearson correlation of (a − x) and (b − x). */
	private static double correlation(final float[] a, final float[] b, final float[] x) {
		double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
		final int n = x.length;
		for (int i = 0; i < n; i++) {
			final double da = a[i] - x[i], db = b[i] - x[i];
			sa += da;
			sb += db;
			saa += da * da;
			sbb += db * db;
			sab += da * db;
		}
		final double cov = sab / n - sa / n * sb / n;
		return cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
	}
}
