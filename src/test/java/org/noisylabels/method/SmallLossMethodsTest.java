package org.noisylabels.method;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Co-Teaching and TriNet: ramps, kept fractions, selections and which network learns from which pixels,
 * on hand-made per-pixel losses (the values below are worked out by hand), and a short training run.
 * Masks and their sums are compared exactly: they hold only the values 0 and 1 (a selection, not
 * arithmetic), so they are the same on every CPU; losses and gradients get a tolerance.
 */
public class SmallLossMethodsTest {

	/** A graph with three loss placeholders [M], a weight [M] and a scalar; runs fetches and gradients. */
	private static final class Fixture implements AutoCloseable {

		final Graph graph = new Graph();
		final Ops tf = Ops.create(graph);
		final Session session = new Session(graph);
		final Placeholder<TFloat32> l1, l2, l3, w, s;
		float[][] feeds;

		Fixture(final int m) {
			l1 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(m)));
			l2 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(m)));
			l3 = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(m)));
			w = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(m)));
			s = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
		}

		/** d y / d {l1, l2(, l3)}. */
		Output<?>[] gradients(final Operand<TFloat32> y, final int n) {
			final Output<?>[] x = { l1.asOutput(), l2.asOutput(), l3.asOutput() };
			return graph.addGradients(y.asOutput(), Arrays.copyOf(x, n));
		}

		float[][] run(final float[] a, final float[] b, final float[] c, final float[] weight, final float scalar,
			final Output<?>... fetches)
		{
			final List<AutoCloseable> open = new ArrayList<>();
			try {
				final Session.Runner r = session.runner();
				final Placeholder<?>[] ph = { l1, l2, l3, w };
				final float[][] v = { a, b, c, weight };
				for (int i = 0; i < 4; i++) {
					final TFloat32 t = TFloat32.tensorOf(Shape.of(v[i].length), DataBuffers.of(v[i], true, false));
					open.add(t);
					r.feed(ph[i].asOutput(), t);
				}
				final TFloat32 st = TFloat32.scalarOf(scalar);
				open.add(st);
				r.feed(s, st);
				for (final Output<?> f : fetches) r.fetch(f);
				try (Result res = r.run()) {
					final float[][] out = new float[fetches.length][];
					for (int i = 0; i < out.length; i++) {
						final TFloat32 t = (TFloat32) res.get(i);
						out[i] = new float[(int) t.shape().size()];
						t.copyTo(DataBuffers.of(out[i], false, false));
					}
					return out;
				}
			}
			finally {
				for (final AutoCloseable t : open) {
					try {
						t.close();
					}
					catch (final Exception e) {
						// tensors close without checked failures
					}
				}
			}
		}

		@Override
		public void close() {
			session.close();
			graph.close();
		}
	}

	// ten pixels; pixel 9 is ignored (weight 0) and has the smallest losses, so that a selection that forgot
	// the weights would pick it
	private static final float[] A = { 0.9f, 0.1f, 0.5f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f, 0.6f, 0.0f };
	private static final float[] B = { 0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f, 0.4f, 0.6f, 0.5f, 0.0f };
	private static final float[] C = { 0.5f, 0.5f, 0.1f, 0.9f, 0.2f, 0.8f, 0.3f, 0.7f, 0.4f, 0.0f };
	private static final float[] W = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };

	@Test
	public void rampsArePyMICs() {
		// sigmoid: exp(−5(1 − t)²); before the start t = 0, after the end t = 1
		assertEquals(Math.exp(-5), SmallLoss.rampUp(0, 100, 300, true), 1e-12);
		assertEquals(Math.exp(-5), SmallLoss.rampUp(100, 100, 300, true), 1e-12);
		assertEquals(Math.exp(-1.25), SmallLoss.rampUp(200, 100, 300, true), 1e-12);
		assertEquals(1, SmallLoss.rampUp(300, 100, 300, true), 1e-12);
		assertEquals(1, SmallLoss.rampUp(5000, 100, 300, true), 1e-12);
		assertEquals(0.25, SmallLoss.rampUp(150, 100, 300, false), 1e-12);
		assertEquals(1, SmallLoss.rampUp(7, 5, 5, false), 1e-12);
		assertEquals(0, SmallLoss.rampUp(4, 5, 5, false), 1e-12);

		final CoTeaching ct = new CoTeaching(0.8);
		ct.ramp(100, 300).validate();
		assertEquals(1 - 0.2 * Math.exp(-5), ct.keepRatio(0), 1e-12);
		assertEquals(1 - 0.2 * Math.exp(-1.25), ct.keepRatio(200), 1e-12);
		assertEquals(0.8, ct.keepRatio(300), 1e-12);
		assertEquals(0.8, ct.keepRatio(10_000), 1e-12);

		final TriNet tn = new TriNet();
		tn.ramp(100, 300).validate();
		assertEquals(1, tn.quantile(50), 1e-12);
		assertEquals(1 - 0.1 * 0.5, tn.quantile(200), 1e-12);
		assertEquals(0.9, tn.quantile(300), 1e-12);
	}

	@Test
	public void coTeachingKeepsTheSmallLossPixelsOfTheOtherNetworkAtEveryStepOfTheRamp() {
		final CoTeaching method = new CoTeaching(0.5);
		method.ramp(0, 100).validate();
		try (Fixture f = new Fixture(10)) {
			final CoTeaching.Selection sel = CoTeaching.selection(f.tf, f.l1, f.l2, f.w, f.s);
			final Output<?>[] grads = f.gradients(sel.loss, 2);
			for (final long it : new long[] { 0, 50, 80, 100, 400 }) {
				final float keep = (float) method.keepRatio(it);
				final float[][] v = f.run(A, B, C, W, keep, sel.smallUnder1.asOutput(), sel.smallUnder2.asOutput(), sel.loss
					.asOutput(), grads[0], grads[1]);
				final int n = Math.max(1, (int) Math.floor(keep * 9)); // 9 valid pixels
				final float[] s1 = smallest(A, W, n), s2 = smallest(B, W, n);
				assertArrayEquals("it " + it + ": n = " + n + " smallest of network 1", s1, v[0], 0);
				assertArrayEquals("it " + it + ": n = " + n + " smallest of network 2", s2, v[1], 0);
				// loss = mean(A over s2) + mean(B over s1)
				assertEquals("it " + it, mean(A, s2) + mean(B, s1), v[2][0], 1e-5);
				// network 1's loss gets gradient 1/n exactly on network 2's selection, and vice versa
				for (int i = 0; i < 10; i++) {
					assertEquals("d/dA at " + i, s2[i] / n, v[3][i], 1e-6);
					assertEquals("d/dB at " + i, s1[i] / n, v[4][i], 1e-6);
				}
				assertEquals(n, sum(v[0]), 0);
			}
			// the kept fraction falls with the ramp: all 9 at first (⌊(1 − 0.5·e⁻⁵)·9⌋ = 8), 4 at the end
			assertEquals(8, (int) sum(f.run(A, B, C, W, (float) method.keepRatio(0), sel.smallUnder1.asOutput())[0]));
			assertEquals(4, (int) sum(f.run(A, B, C, W, (float) method.keepRatio(100), sel.smallUnder1.asOutput())[0]));
		}
	}

	@Test
	public void triNetTeachesEachNetworkOnTheOtherTwosAgreementAndGuardsEmptyMasks() {
		try (Fixture f = new Fixture(10)) {
			final TriNet.Selection sel = TriNet.selection(f.tf, f.l1, f.l2, f.l3, f.w, f.s);
			final Output<?>[] grads = f.gradients(sel.loss, 3);
			final float q = 0.5f;
			final float[][] v = f.run(A, B, C, W, q, sel.masks[0].asOutput(), sel.masks[1].asOutput(), sel.masks[2]
				.asOutput(), sel.teaching[0].asOutput(), sel.teaching[1].asOutput(), sel.teaching[2].asOutput(), sel.loss
					.asOutput(), grads[0], grads[1], grads[2]);
			// the median of the 9 valid values 0.1 … 0.9 of each network is 0.5: mask = loss < 0.5
			final float[] m1 = { 0, 1, 0, 1, 0, 1, 0, 1, 0, 0 };
			final float[] m2 = { 1, 0, 1, 0, 1, 0, 1, 0, 0, 0 };
			final float[] m3 = { 0, 0, 1, 0, 1, 0, 1, 0, 1, 0 };
			assertArrayEquals(m1, v[0], 0);
			assertArrayEquals(m2, v[1], 0);
			assertArrayEquals(m3, v[2], 0);
			final float[] t1 = and(m2, m3), t2 = and(m1, m3), t3 = and(m1, m2);
			assertArrayEquals(t1, v[3], 0);
			// networks 1 and 3 agree on no pixel (m1 ∧ m3 = ∅): network 2 learns from every valid pixel
			assertEquals(0, sum(t2), 0);
			assertArrayEquals(W, v[4], 0);
			// networks 1 and 2 never agree either: network 3 learns from every valid pixel
			assertEquals(0, sum(t3), 0);
			assertArrayEquals(W, v[5], 0);
			final double expected = (mean(A, t1) + mean(B, W) + mean(C, W)) / 3;
			assertEquals(expected, v[6][0], 1e-5);
			for (int i = 0; i < 10; i++) {
				assertEquals("d/dA at " + i, t1[i] / sum(t1) / 3, v[7][i], 1e-6);
				assertEquals("d/dB at " + i, W[i] / 9 / 3, v[8][i], 1e-6);
				assertEquals("d/dC at " + i, W[i] / 9 / 3, v[9][i], 1e-6);
			}
			// a quantile between order statistics interpolates: q = 0.9 of 0.1 … 0.9 is 0.82, so 0.9 is out
			final float[] m1at09 = f.run(A, B, C, W, 0.9f, sel.masks[0].asOutput())[0];
			assertArrayEquals(new float[] { 0, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, m1at09, 0);
		}
	}

	/** Co-Teaching and TriNet train on one shared trainer, learn the discs, and their models predict. */
	@Test
	public void bothMethodsTrainAndPredictWithTheirNetworksMean() {
		final ImagePlus[] d = discs();
		final TrainingData data = TrainingData.fromImages(d[0], d[1], null, null, Normalization.zscore(), 0, "image",
			"label");
		for (final NoisyLabelMethod method : Arrays.asList(new CoTeaching().ramp(0, 20), new TriNet().ramp(0, 20))) {
			final TrainingConfig cfg = new TrainingConfig();
			cfg.network.depth = 1;
			cfg.network.baseChannels = 4;
			cfg.batchSize = 1;
			cfg.patchSize = 32;
			cfg.validationFraction = 0;
			cfg.iterations = 60;
			cfg.learningRate = 0.01;
			try (Trainer.Outcome out = new Trainer(cfg, method).train(Arrays.asList(data), null, Progress.NONE, s -> {})) {
				assertEquals(method.methodName(), out.info.method);
				final float[] p = (float[]) out.predictor().predict(d[0], 0.5, Progress.NONE)
					.probability.getProcessor().getPixels();
				// a bright disc on a dark background after 60 steps: the prediction separates them clearly
				double fg = 0, bg = 0;
				int nf = 0, nb = 0;
				for (int i = 0; i < p.length; i++) {
					if (inDisc(i)) {
						fg += p[i];
						nf++;
					}
					else {
						bg += p[i];
						nb++;
					}
				}
				assertTrue(method.methodName() + ": mean p in the disc " + fg / nf + ", outside " + bg / nb, fg / nf > bg /
					nb + 0.3);
			}
		}
	}

	private static boolean inDisc(final int i) {
		return (i % 32 - 16) * (i % 32 - 16) + (i / 32 - 16) * (i / 32 - 16) < 64;
	}

	private static ImagePlus[] discs() {
		final float[] img = new float[32 * 32];
		final byte[] lab = new byte[32 * 32];
		for (int i = 0; i < img.length; i++) {
			lab[i] = (byte) (inDisc(i) ? 255 : 0);
			img[i] = inDisc(i) ? 2 : 1;
		}
		return new ImagePlus[] { new ImagePlus("a", new FloatProcessor(32, 32, img)), new ImagePlus("b",
			new ByteProcessor(32, 32, lab)) };
	}

	/** 0/1 mask of the n smallest valid values (the test's values have no ties). */
	private static float[] smallest(final float[] v, final float[] w, final int n) {
		final Integer[] idx = new Integer[v.length];
		for (int i = 0; i < v.length; i++) idx[i] = i;
		Arrays.sort(idx, (a, b) -> Float.compare(w[a] > 0 ? v[a] : Float.MAX_VALUE, w[b] > 0 ? v[b] : Float.MAX_VALUE));
		final float[] m = new float[v.length];
		for (int k = 0; k < n; k++) m[idx[k]] = 1;
		return m;
	}

	private static double mean(final float[] v, final float[] mask) {
		double s = 0, n = 0;
		for (int i = 0; i < v.length; i++) {
			s += v[i] * mask[i] * W[i];
			n += mask[i] * W[i];
		}
		return s / n;
	}

	private static float[] and(final float[] a, final float[] b) {
		final float[] m = new float[a.length];
		for (int i = 0; i < a.length; i++) m[i] = a[i] * b[i];
		return m;
	}

	private static float sum(final float[] v) {
		float s = 0;
		for (final float x : v) s += x;
		return s;
	}
}
