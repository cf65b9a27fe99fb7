package org.noisylabels.loss;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Gradients of every loss w.r.t. logits (prob = softmax(logits)): finite, zero at ignored pixels,
 * equal to central finite differences of {@link JavaLosses}.
 */
public class LossGradientTest {

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

	/** A loss built on softmax(logits placeholder) and its gradient w.r.t. the logits. */
	private static final class Built {

		final Placeholder<TFloat32> logits;
		final Operand<TFloat32> loss;
		final Output<?> grad;

		Built(final LossType type, final LossParams lp, final int c, final float[] target, final float[] weight,
			final float[] flagged)
		{
			logits = fx.placeholder(N, H, W, c);
			final Operand<TFloat32> prob = fx.tf.nn.softmax(logits);
			loss = Losses.loss(fx.tf, type, lp, prob, fx.constant(target, N, H, W, c), fx.constant(weight, N, H,
				W, 1), flagged == null ? null : fx.constant(flagged, N, H, W, 1));
			grad = fx.graph.addGradients(loss.asOutput(), new Output<?>[] { logits.asOutput() })[0];
		}

		float[] gradient(final float[] l) {
			return fx.run(grad, logits, l, N, H, W, l.length / (N * P));
		}

		float value(final float[] l) {
			return fx.run(loss, logits, l, N, H, W, l.length / (N * P))[0];
		}
	}

	private static double javaLoss(final LossType type, final LossParams lp, final float[] logits,
		final int c, final float[] target, final float[] weight, final float[] flagged)
	{
		return JavaLosses.loss(type, lp, TfFixture.softmax(logits, c), JavaLosses.toDouble(target), JavaLosses
			.toDouble(weight), JavaLosses.toDouble(flagged), N, c);
	}

	@Test
	public void gradientsAreFiniteZeroAtIgnoredPixelsAndMatchFiniteDifferences() {
		final LossParams lp = new LossParams(0.7, 1.5, 0.25);
		int checked = 0;
		for (final int c : new int[] { 2, 3 }) {
			final SplittableRandom rnd = new SplittableRandom(100 + c);
			final float[] logits = TfFixture.logits(rnd, N * P * c, 2);
			final float[] target = TfFixture.oneHot(rnd, N * P, c);
			final float[] weight = TfFixture.weights(rnd, N * P);
			final float[] flagged = TfFixture.binary(rnd, N * P, 0.5);
			for (final LossType type : LossType.values()) {
				if (type.isBinaryOnly() && c != 2) continue;
				final Built b = new Built(type, lp, c, target, weight, flagged);
				final float[] g = b.gradient(logits);
				assertEquals(logits.length, g.length);
				// the graph value at these logits equals the Java value on the double softmax
				final double j0 = javaLoss(type, lp, logits, c, target, weight, flagged);
				assertEquals(type + " value", j0, b.value(logits), 2e-5 * Math.abs(j0) + 1e-6);
				// central differences of the Java loss, h = 1e-3 in double
				final double h = 1e-3;
				double maxAbs = 0;
				final double[] fd = new double[logits.length];
				for (int k = 0; k < logits.length; k++) {
					final float[] plus = logits.clone(), minus = logits.clone();
					plus[k] += (float) h;
					minus[k] -= (float) h;
					final double hh = ((double) plus[k] - minus[k]) / 2;
					fd[k] = (javaLoss(type, lp, plus, c, target, weight, flagged) - javaLoss(type, lp, minus, c, target,
						weight, flagged)) / (2 * hh);
					maxAbs = Math.max(maxAbs, Math.abs(fd[k]));
				}
				assertTrue(type + " has no gradient", maxAbs > 1e-4);
				for (int k = 0; k < logits.length; k++) {
					assertTrue(type + " gradient not finite", Float.isFinite(g[k]));
					assertEquals(type + " C=" + c + " d/dlogit[" + k + "]", fd[k], g[k], 1e-3 * maxAbs);
					if (weight[k / c] == 0) assertEquals(type + " gradient at ignored pixel", 0, g[k], 0);
				}
				checked++;
			}
		}
		assertEquals(9 + 7, checked);
	}

	@Test
	public void gradientsStayFiniteForSaturatedSoftmax() {
		// logits up to ±80: many softmax probabilities are exactly 0 or 1 in float32
		for (final int c : new int[] { 2, 3 }) {
			final SplittableRandom rnd = new SplittableRandom(200 + c);
			final float[] logits = TfFixture.logits(rnd, N * P * c, 80);
			final float[] target = TfFixture.oneHot(rnd, N * P, c);
			final float[] weight = TfFixture.weights(rnd, N * P);
			final Placeholder<TFloat32> lg = fx.placeholder(N, H, W, c);
			final Operand<TFloat32> prob = fx.tf.nn.softmax(lg);
			final List<Output<?>> fetches = new ArrayList<>();
			final List<String> names = new ArrayList<>();
			for (final LossType type : LossType.values()) {
				if (type.isBinaryOnly() && c != 2) continue;
				for (final LossParams lp : new LossParams[] { new LossParams(0.1, 1, 0.25), new LossParams(1, 2,
					0.4) })
				{
					final Operand<TFloat32> loss = Losses.loss(fx.tf, type, lp, prob, fx.constant(target, N, H, W, c),
						fx.constant(weight, N, H, W, 1), null);
					fetches.add(loss.asOutput());
					fetches.add(fx.graph.addGradients(loss.asOutput(), new Output<?>[] { lg.asOutput() })[0]);
					names.add(type + " " + lp);
				}
			}
			final float[][] out = fx.runAll(fetches, lg, logits, N, H, W, c);
			for (int i = 0; i < out.length; i++) {
				assertEquals(i % 2 == 0 ? 1 : logits.length, out[i].length);
				for (final float v : out[i])
					assertTrue(names.get(i / 2) + (i % 2 == 0 ? " value " : " gradient ") + v, Float.isFinite(v));
			}
		}
	}

	@Test
	public void dmiOfAllBlackTargetHasZeroGradient() {
		final SplittableRandom rnd = new SplittableRandom(300);
		final float[] logits = TfFixture.logits(rnd, N * P * 2, 2);
		final float[] black = new float[N * P * 2];
		for (int j = 0; j < N * P; j++)
			black[2 * j] = 1;
		final Built b = new Built(LossType.DMI, null, 2, black, TfFixture.ones(N * P), null);
		assertEquals(-Math.log(0.001), b.value(logits), 1e-5);
		for (final float v : b.gradient(logits))
			assertEquals(0, v, 0);
	}

	@Test
	public void probabilitiesTakenStraightFromAVariableWork() {
		// platform pitfall: square/pow directly on a variable output crashes; Losses wraps inputs in identity
		final float[] init = { 0.9f, 0.1f, 0.4f, 0.6f, 0.25f, 0.75f };
		final Variable<TFloat32> v = fx.tf.variable(fx.constant(init, 1, 1, 3, 2));
		final float[] y = { 1, 0, 0, 1, 0, 1 };
		final List<Output<?>> fetches = new ArrayList<>();
		for (final LossType type : LossType.values()) {
			final Operand<TFloat32> loss = Losses.loss(fx.tf, type, null, v, fx.constant(y, 1, 1, 3, 2), fx
				.constant(TfFixture.ones(3), 1, 1, 3, 1), null);
			fetches.add(loss.asOutput());
			fetches.add(fx.graph.addGradients(loss.asOutput(), new Output<?>[] { v.asOutput() })[0]);
		}
		fx.session.initialize();
		final float[][] out = fx.runAll(fetches, null, null);
		int i = 0;
		for (final LossType type : LossType.values()) {
			final double expected = JavaLosses.loss(type, null, init, y, null, null, 1, 2);
			assertEquals(type.toString(), expected, out[i++][0], 1e-5 * Math.abs(expected) + 1e-7);
			final float[] g = out[i++];
			assertEquals(6, g.length);
			for (final float d : g)
				assertTrue(type + " gradient", Float.isFinite(d));
		}
	}
}
