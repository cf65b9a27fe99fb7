package org.noisylabels.method;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;
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

/**
 * DAST's parts on hand-made inputs: the FIFO rank queue (against an independent stable-sort oracle), the
 * graph's rank against the queue's, the thresholds, the divergence weights, the two scores, the case
 * split on score_noisy &lt; score_clean and the ranks, the sharpened pseudo label and the self-training
 * term, and that each head of the divergence term is pulled towards the other one held fixed. Ranks and
 * 0/1 decisions are compared exactly (counts of comparisons, no arithmetic); values computed by
 * TensorFlow get a tolerance, because float32 kernels differ in the last bits between CPUs.
 */
public class DASTTest {

	/** float32 TensorFlow against double Java: a few ulps of values of order 1. */
	private static final double TOL = 2e-6;

	// -- the queue --

	@Test
	public void queueFillsWithRankMinusOneThenRanksTheNewestOfTheLastL() {
		final DAST.RankQueue q = new DAST.RankQueue(3);
		assertEquals(-1, q.add(5));
		assertEquals(-1, q.add(1));
		assertArrayEquals(new float[] { 5, 1 }, q.recent(), 0f);
		assertTrue(!q.full());
		assertEquals(-1, q.add(3)); // the L-th value still ranks -1 (PyMIC: appended while len < L)
		assertTrue(q.full());
		// the next value is ranked against the newest L - 1 values: the oldest (5) leaves
		assertArrayEquals(new float[] { 1, 3 }, q.recent(), 0f);
		assertEquals(2, q.add(6)); // [1, 3, 6]: largest
		assertArrayEquals(new float[] { 3, 6 }, q.recent(), 0f);
		assertEquals(1, q.add(4)); // [3, 6, 4]
		assertEquals(0, q.add(2)); // [6, 4, 2]: smallest
		assertEquals(1, q.add(3)); // [4, 2, 3]
		// a value equal to an older one ranks above it (stable order)
		assertEquals(2, q.add(3)); // [2, 3, 3]: the new 3 after the old 3
		assertEquals(3, q.size());
	}

	/** The queue against an oracle written from PyMIC's description: the newest value's index in a stable sort. */
	@Test
	public void queueMatchesAStableSortOracle() {
		final SplittableRandom rnd = new SplittableRandom(7);
		for (final int length : new int[] { 2, 5, 20 }) {
			final DAST.RankQueue q = new DAST.RankQueue(length);
			final List<Float> oracle = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				final float v = rnd.nextInt(6); // few distinct values: many ties
				int expected;
				if (oracle.size() < length) {
					oracle.add(v);
					expected = -1;
				}
				else {
					oracle.remove(0);
					oracle.add(v);
					final Integer[] idx = new Integer[length];
					for (int k = 0; k < length; k++) idx[k] = k;
					Arrays.sort(idx, (a, b) -> Float.compare(oracle.get(a), oracle.get(b))); // stable
					expected = Arrays.asList(idx).indexOf(length - 1);
				}
				assertEquals("length " + length + ", value " + i, expected, q.add(v));
			}
		}
	}

	@Test
	public void thresholdsArePyMICsComparisons() {
		final DAST d = new DAST();
		// defaults: rank_c >= 20·0.8 = 16 (ranks 16..19), rank_n <= 20·0.2 = 4 (ranks 0..4, and -1)
		assertEquals(16, d.dbcMinRank());
		assertEquals(4, d.stMaxRank());
		d.dast_rank_length = 10;
		d.dast_select_ratio = 0.25; // 7.5 and 2.5
		assertEquals(8, d.dbcMinRank());
		assertEquals(2, d.stMaxRank());
		d.dast_select_ratio = 0; // no divergence term ever (rank <= 9 < 10), self-training only at rank 0 or -1
		assertEquals(10, d.dbcMinRank());
		assertEquals(0, d.stMaxRank());
	}

	@Test
	public void badKeysAreRefused() {
		final String[][] cases = { { "dast_rank_length", "1" }, { "dast_select_ratio", "1.5" }, { "dast_dbc_w", "-1" },
			{ "dast_st_w", "-0.1" }, { "dast_clean_batch_size", "0" }, { "rampup_end", "5" } };
		for (final String[] c : cases) {
			final DAST d = new DAST();
			switch (c[0]) {
				case "dast_rank_length": d.dast_rank_length = Integer.parseInt(c[1]); break;
				case "dast_select_ratio": d.dast_select_ratio = Double.parseDouble(c[1]); break;
				case "dast_dbc_w": d.dast_dbc_w = Double.parseDouble(c[1]); break;
				case "dast_st_w": d.dast_st_w = Double.parseDouble(c[1]); break;
				case "dast_clean_batch_size": d.dast_clean_batch_size = Integer.parseInt(c[1]); break;
				default: d.rampup_start = 10; d.rampup_end = 5;
			}
			try {
				d.validate();
				fail(c[0] + "=" + c[1] + " accepted");
			}
			catch (final NoisyLabelsException e) {
				assertTrue(e.getMessage(), e.getMessage().startsWith(c[0] + "="));
			}
		}
	}

	// -- graph parts --

	/** A graph with named placeholders; runs fetches and gradients. */
	private static final class Fixture implements AutoCloseable {

		final Graph graph = new Graph();
		final Ops tf = Ops.create(graph);
		final Session session = new Session(graph);
		final Map<Placeholder<TFloat32>, long[]> shapes = new LinkedHashMap<>();

		Placeholder<TFloat32> input(final long... shape) {
			final Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
			shapes.put(p, shape);
			return p;
		}

		float[][] run(final Map<Placeholder<TFloat32>, float[]> feeds, final Output<?>... fetches) {
			final List<TFloat32> open = new ArrayList<>();
			try {
				final Session.Runner r = session.runner();
				for (final Map.Entry<Placeholder<TFloat32>, float[]> e : feeds.entrySet()) {
					final TFloat32 t = TFloat32.tensorOf(Shape.of(shapes.get(e.getKey())), DataBuffers.of(e.getValue(), true,
						false));
					open.add(t);
					r.feed(e.getKey(), t);
				}
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
				for (final TFloat32 t : open) t.close();
			}
		}

		@Override
		public void close() {
			session.close();
			graph.close();
		}
	}

	@Test
	public void graphRankEqualsTheQueuesRank() {
		final int length = 5;
		try (Fixture f = new Fixture()) {
			final Placeholder<TFloat32> queue = f.input(length - 1), value = f.input(), ranked = f.input();
			final Output<TFloat32> rank = DAST.rank(f.tf, queue, value, ranked).asOutput();
			final DAST.RankQueue q = new DAST.RankQueue(length);
			final SplittableRandom rnd = new SplittableRandom(3);
			for (int i = 0; i < 60; i++) {
				final float v = rnd.nextInt(8) / 4f; // ties included
				final Map<Placeholder<TFloat32>, float[]> feeds = new LinkedHashMap<>();
				feeds.put(queue, q.recent());
				feeds.put(value, new float[] { v });
				feeds.put(ranked, new float[] { q.full() ? 1 : 0 });
				final float graphRank = f.run(feeds, rank)[0][0];
				// exact: a count of comparisons of the same float values
				assertEquals("value " + i, q.add(v), graphRank, 0f);
			}
		}
	}

	// Three pixels (N = 1, H = 1, W = 3), two classes; pixel 2 has weight 0 and values that would change
	// every mean if it counted.
	private static final float[] P_CLEAN = { 0.9f, 0.1f, 0.3f, 0.7f, 0.01f, 0.99f };
	private static final float[] P_NOISY = { 0.6f, 0.4f, 0.7f, 0.3f, 0.99f, 0.01f };
	private static final float[] Y = { 1, 0, 0, 1, 1, 0 };
	private static final float[] W = { 1, 1, 0 };

	/** KL(t‖p) of one pixel as PyMIC writes it (logs of value + 1e-16). */
	private static double kl(final double[] p, final double[] t) {
		double s = 0;
		for (int c = 0; c < p.length; c++) s += t[c] * (Math.log(t[c] + 1e-16) - Math.log(p[c] + 1e-16));
		return s;
	}

	private static double[] px(final float[] a, final int i) {
		return new double[] { a[2 * i], a[2 * i + 1] };
	}

	private static double ce(final double[] p, final double[] y) {
		double s = 0;
		for (int c = 0; c < p.length; c++) s -= y[c] * Math.log(0.999 * p[c] + 5e-4);
		return s;
	}

	/** The graph's terms for given heads, queues and ramp. */
	private static final class Case {

		final float[] scores, ranks, on, values, divergence, weight, sharpened;
		final float extra;

		Case(final float[][] r) {
			scores = new float[] { r[0][0], r[1][0] };
			ranks = new float[] { r[2][0], r[3][0] };
			on = new float[] { r[4][0], r[5][0] };
			values = new float[] { r[6][0], r[7][0] };
			extra = r[8][0];
			divergence = r[9];
			weight = r[10];
			sharpened = r[11];
		}
	}

	private static Case run(final DAST d, final float[] pClean, final float[] pNoisy, final float[] qNoisy,
		final float[] qClean, final float ranked, final float ramp)
	{
		try (Fixture f = new Fixture()) {
			final int l = d.dast_rank_length - 1;
			final Placeholder<TFloat32> pc = f.input(1, 1, 3, 2), pn = f.input(1, 1, 3, 2), y = f.input(1, 1, 3, 2), w = f
				.input(1, 1, 3, 1), qn = f.input(l), qc = f.input(l), rk = f.input(), rp = f.input();
			final DAST.Terms t = d.terms(f.tf, pc, pn, y, w, qn, qc, rk, rp);
			final Map<Placeholder<TFloat32>, float[]> feeds = new LinkedHashMap<>();
			feeds.put(pc, pClean);
			feeds.put(pn, pNoisy);
			feeds.put(y, Y);
			feeds.put(w, W);
			feeds.put(qn, qNoisy);
			feeds.put(qc, qClean);
			feeds.put(rk, new float[] { ranked });
			feeds.put(rp, new float[] { ramp });
			final List<Operand<TFloat32>> ops = Arrays.asList(t.scoreNoisy, t.scoreClean, t.rankNoisy, t.rankClean, t.dbcOn,
				t.stOn, t.dbc, t.st, t.extra, t.divergence, t.weight, t.sharpenedPseudo);
			final Output<?>[] out = new Output<?>[ops.size()];
			for (int i = 0; i < out.length; i++) out[i] = ops.get(i).asOutput();
			return new Case(f.run(feeds, out));
		}
	}

	private static DAST dast() {
		final DAST d = new DAST();
		d.dast_rank_length = 5; // thresholds: rank_c >= 4, rank_n <= 1
		d.dast_select_ratio = 0.2;
		d.dast_dbc_w = 0.1;
		d.dast_st_w = 0.3;
		return d;
	}

	@Test
	public void divergenceWeightsScoresAndSharpening() {
		final DAST d = dast();
		final float[] zeros = new float[4];
		final Case c = run(d, P_CLEAN, P_NOISY, zeros, zeros, 0, 0.5f);
		double sumS = 0, scoreN = 0, scoreC = 0;
		for (int i = 0; i < 3; i++) {
			final double[] pc = px(P_CLEAN, i), pn = px(P_NOISY, i), y = px(Y, i);
			final double s = (kl(pn, pc) + kl(pc, pn)) / 2;
			final double w = Math.exp(-16 * s);
			assertEquals("S of pixel " + i, s, c.divergence[i], TOL);
			assertEquals("w of pixel " + i, w, c.weight[i], TOL);
			if (W[i] == 0) continue;
			sumS += s;
			scoreN += ce(pc, y) * w; // score_noisy: the CLEAN head's CE
			scoreC += ce(pn, y) * w; // score_clean: the NOISY head's CE
		}
		assertEquals(scoreN / 2, c.scores[0], TOL);
		assertEquals(scoreC / 2, c.scores[1], TOL);
		assertTrue("the clean head fits these labels better", c.scores[0] < c.scores[1]);
		// the divergence term's value is the mean S over the counted pixels
		assertEquals(sumS / 2, c.values[0], TOL);
		// pseudo labels by hand: pixel 0: argmax clean 0, argmax noisy 0, label 0 -> (1, 0) -> sharpened (1, 0);
		// pixel 1: argmax clean 1, argmax noisy 0, label 1 -> (1/3, 2/3) -> (1/9)/(1/9 + 4/9) = 0.2, 0.8
		assertArrayEquals(new float[] { 1, 0, 0.2f, 0.8f }, Arrays.copyOf(c.sharpened, 4), (float) TOL);
		assertEquals(0.2, DAST.sharpen(1 / 3.0), 1e-15);
		assertEquals(0.8, DAST.sharpen(2 / 3.0), 1e-15);
		assertEquals(0.5, DAST.sharpen(0.5), 1e-15);
		// self-training: mean over pixels of mean_c |p_clean - sharpened|: pixel 0 (0.1 + 0.1)/2, pixel 1 (0.1 + 0.1)/2
		assertEquals(0.1, c.values[1], TOL);
	}

	@Test
	public void theCaseSplitOnTheScoresAndRanks() {
		final DAST d = dast();
		final float[] low = { -1, -1, -1, -1 }, high = { 9, 9, 9, 9 };
		final double ramp = 0.5, dbcW = 0.1, stW = 0.3;
		// queues still filling (ranked 0): rank -1 for both: self-training only (PyMIC: -1 <= L·ratio)
		Case c = run(d, P_CLEAN, P_NOISY, low, low, 0, (float) ramp);
		assertArrayEquals(new float[] { -1, -1 }, c.ranks, 0f);
		assertArrayEquals(new float[] { 0, 1 }, c.on, 0f);
		assertEquals(ramp * stW * c.values[1], c.extra, TOL);
		// the clean score is the largest of the last 5 (rank 4 >= 4): divergence term; the noisy score the
		// smallest (rank 0 <= 1): self-training; both
		c = run(d, P_CLEAN, P_NOISY, high, low, 1, (float) ramp);
		assertArrayEquals(new float[] { 0, 4 }, c.ranks, 0f);
		assertArrayEquals(new float[] { 1, 1 }, c.on, 0f);
		assertEquals(ramp * (dbcW * c.values[0] + stW * c.values[1]), c.extra, TOL);
		// the reverse ranks: neither
		c = run(d, P_CLEAN, P_NOISY, low, high, 1, (float) ramp);
		assertArrayEquals(new float[] { 4, 0 }, c.ranks, 0f);
		assertArrayEquals(new float[] { 0, 0 }, c.on, 0f);
		assertEquals(0, c.extra, 0f); // exact: both terms multiplied by 0
		// rank 1 is still in the bottom ratio (<= 5·0.2), rank 3 not in the top (< 4)
		final float sN = run(d, P_CLEAN, P_NOISY, low, low, 0, 1).scores[0];
		final float sC = run(d, P_CLEAN, P_NOISY, low, low, 0, 1).scores[1];
		c = run(d, P_CLEAN, P_NOISY, new float[] { sN - 1, sN + 1, sN + 2, sN + 3 }, new float[] { sC - 3, sC - 2, sC - 1,
			sC + 1 }, 1, (float) ramp);
		assertArrayEquals(new float[] { 1, 3 }, c.ranks, 0f);
		assertArrayEquals(new float[] { 0, 1 }, c.on, 0f);
		// heads swapped: score_noisy > score_clean, so no term whatever the ranks
		c = run(d, P_NOISY, P_CLEAN, high, low, 1, (float) ramp);
		assertTrue(c.scores[0] > c.scores[1]);
		assertArrayEquals(new float[] { 0, 0 }, c.on, 0f);
		assertEquals(0, c.extra, 0f);
		// queues not full, heads swapped: no self-training either
		c = run(d, P_NOISY, P_CLEAN, low, low, 0, (float) ramp);
		assertArrayEquals(new float[] { 0, 0 }, c.on, 0f);
	}

	/** d dbc / d p_noisy = −½·p_clean/(p_noisy + ε)·w/Σw: the noisy head is pulled towards the clean one, held fixed. */
	@Test
	public void eachHeadOfTheDivergenceTermLearnsTowardsTheOtherHeldFixed() {
		final DAST d = dast();
		try (Fixture f = new Fixture()) {
			final Placeholder<TFloat32> pc = f.input(1, 1, 3, 2), pn = f.input(1, 1, 3, 2), y = f.input(1, 1, 3, 2), w = f
				.input(1, 1, 3, 1), qn = f.input(4), qc = f.input(4), rk = f.input(), rp = f.input();
			final DAST.Terms t = d.terms(f.tf, pc, pn, y, w, qn, qc, rk, rp);
			final Output<?>[] g = f.graph.addGradients(t.dbc.asOutput(), new Output<?>[] { pc.asOutput(), pn.asOutput() });
			final Map<Placeholder<TFloat32>, float[]> feeds = new LinkedHashMap<>();
			feeds.put(pc, P_CLEAN);
			feeds.put(pn, P_NOISY);
			feeds.put(y, Y);
			feeds.put(w, W);
			final float[][] r = f.run(feeds, g);
			for (int i = 0; i < 6; i++) {
				final double wi = W[i / 2] / (2 + 1e-10);
				assertEquals("d/dp_noisy " + i, -0.5 * P_CLEAN[i] / (P_NOISY[i] + 1e-16) * wi, r[1][i], 1e-5);
				assertEquals("d/dp_clean " + i, -0.5 * P_NOISY[i] / (P_CLEAN[i] + 1e-16) * wi, r[0][i], 1e-5);
			}
		}
	}
}
