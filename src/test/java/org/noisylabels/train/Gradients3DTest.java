package org.noisylabels.train;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The registered gradients of {@link Gradients3D} (Conv3D, MaxPool3D) and its upsampling against central
 * finite differences.
 * <p>
 * The loss is L = Σ y·R with fixed weights R, computed in double precision in Java from the fetched y for the
 * finite differences, and in the graph for the analytic gradient. Conv3D and upsampling are linear in each
 * input, so the central difference (L(v+ε) − L(v−ε)) / 2ε has no truncation error; max pooling is piecewise
 * linear and the inputs are distinct by at least 0.05 > 2ε, so no perturbation changes which voxel is the
 * maximum. What is left is float32 rounding of y: about 1e-7·|y| per element, summed over ~100–300 outputs
 * and divided by 2ε = 0.02, i.e. ~1e-4 at most; the tolerance 2e-3·(1 + |g|) is well above that and far below
 * the size of any wrong gradient (a missing or misplaced term changes entries by O(|R|) ~ 0.1–1).
 */
public class Gradients3DTest {

	private static final float EPS = 0.01f;

	private static float[] values(final int n, final double a, final double b) {
		final float[] v = new float[n];
		for (int i = 0; i < n; i++) v[i] = (float) Math.sin(a * i + b);
		return v;
	}

	/**
	 * Checks d(Σ f(x, w)·R)/dx and /dw (w may be null) against central differences.
	 *
	 * @return number of compared entries
	 */
	private static int check(final long[] xShape, final float[] xv, final long[] wShape, final float[] wv,
		final BiFunction<Ops, List<Operand<TFloat32>>, Operand<TFloat32>> f)
	{
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(xShape)));
			final Placeholder<TFloat32> w = wShape == null ? null : tf.placeholder(TFloat32.class, Placeholder.shape(Shape
				.of(wShape)));
			final Operand<TFloat32> y = f.apply(tf, w == null ? Arrays.asList(x) : Arrays.asList(x, w));
			// y's size, from one run
			final float[] y0 = run(g, x, xShape, xv, w, wShape, wv, y);
			final float[] r = values(y0.length, 0.37, 0.5);
			final Operand<TFloat32> rt = tf.reshape(tf.constant(r), tf.shape(y));
			final Operand<TFloat32> loss = tf.sum(tf.math.mul(y, rt), tf.range(tf.constant(0), tf.rank(y), tf.constant(1)));
			final Gradients gr = tf.gradients(loss, w == null ? Arrays.asList(x) : Arrays.asList(x, w));
			int compared = 0;
			try (Session sess = new Session(g)) {
			for (int v = 0; v < (w == null ? 1 : 2); v++) {
				final float[] analytic;
				try (TFloat32 xt = tensor(xShape, xv); TFloat32 wt = w == null ? null : tensor(
					wShape, wv))
				{
					final Session.Runner run = sess.runner().feed(x, xt);
					if (w != null) run.feed(w, wt);
					try (Result res = run.fetch(gr.dy(v)).run()) {
						final TFloat32 a = (TFloat32) res.get(0);
						analytic = new float[(int) a.shape().size()];
						a.copyTo(DataBuffers.of(analytic, false, false));
					}
				}
				final float[] base = v == 0 ? xv : wv;
				assertEquals(base.length, analytic.length);
				for (int i = 0; i < base.length; i++) {
					final float[] plus = base.clone(), minus = base.clone();
					plus[i] += EPS;
					minus[i] -= EPS;
					final double lp = dot(v == 0 ? run(sess, x, xShape, plus, w, wShape, wv, y) : run(sess, x, xShape, xv, w, wShape,
						plus, y), r);
					final double lm = dot(v == 0 ? run(sess, x, xShape, minus, w, wShape, wv, y) : run(sess, x, xShape, xv, w, wShape,
						minus, y), r);
					final double numeric = (lp - lm) / (2.0 * ((double) plus[i] - base[i]));
					assertEquals((v == 0 ? "d/dx" : "d/dw") + "[" + i + "]", numeric, analytic[i], 2e-3 * (1 + Math.abs(
						numeric)));
					compared++;
				}
			}
			}
			return compared;
		}
	}

	private static double dot(final float[] a, final float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
		return s;
	}

	private static TFloat32 tensor(final long[] shape, final float[] v) {
		return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false));
	}

	private static float[] run(final Graph g, final Placeholder<TFloat32> x, final long[] xShape, final float[] xv,
		final Placeholder<TFloat32> w, final long[] wShape, final float[] wv, final Operand<TFloat32> y)
	{
		try (Session s = new Session(g)) {
			return run(s, x, xShape, xv, w, wShape, wv, y);
		}
	}

	private static float[] run(final Session s, final Placeholder<TFloat32> x, final long[] xShape, final float[] xv,
		final Placeholder<TFloat32> w, final long[] wShape, final float[] wv, final Operand<TFloat32> y)
	{
		try (TFloat32 xt = tensor(xShape, xv); TFloat32 wt = w == null ? null : tensor(wShape,
			wv))
		{
			final Session.Runner run = s.runner().feed(x, xt);
			if (w != null) run.feed(w, wt);
			try (Result res = run.fetch(y).run()) {
				final TFloat32 a = (TFloat32) res.get(0);
				final float[] out = new float[(int) a.shape().size()];
				a.copyTo(DataBuffers.of(out, false, false));
				return out;
			}
		}
	}

	@Test
	public void conv3dSameGradientsMatchFiniteDifferences() {
		final long[] xs = { 1, 3, 4, 5, 2 }, ws = { 3, 3, 3, 2, 3 };
		final int n = check(xs, values(120, 0.7, 0.1), ws, values(162, 1.3, 0.2), (t, in) -> Gradients3D.conv3d(t, in
			.get(0), in.get(1), new int[] { 1, 1, 1 }, "SAME"));
		assertEquals(120 + 162, n);
	}

	@Test
	public void conv3dValidStridedGradientsMatchFiniteDifferences() {
		// anisotropic kernel and strides, batch of 2
		final long[] xs = { 2, 3, 5, 5, 1 }, ws = { 1, 3, 3, 1, 2 };
		final int n = check(xs, values(150, 0.9, 0.3), ws, values(18, 1.1, 0.4), (t, in) -> Gradients3D.conv3d(t, in.get(
			0), in.get(1), new int[] { 1, 2, 2 }, "VALID"));
		assertEquals(150 + 18, n);
	}

	@Test
	public void maxPool3dGradientMatchesFiniteDifferences() {
		// distinct values 0.05 apart in a scrambled order: every window has a unique maximum
		final int size = 2 * 4 * 4 * 4 * 2;
		final float[] xv = new float[size];
		for (int i = 0; i < size; i++) xv[i] = 0.05f * ((i * 37) % size) - 2f;
		for (final int[] win : new int[][] { { 2, 2, 2 }, { 1, 2, 2 } }) {
			final int n = check(new long[] { 2, 4, 4, 4, 2 }, xv, null, null, (t, in) -> Gradients3D.maxPool3d(t, in.get(0),
				win, win, "VALID"));
			assertEquals(size, n);
		}
	}

	@Test
	public void upsampleRepeatsVoxelsAndItsGradientMatchesFiniteDifferences() {
		final long[] xs = { 1, 2, 3, 2, 2 };
		final float[] xv = values(24, 0.8, 0.2);
		final int[] f = { 1, 2, 3 };
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, -1, 2)));
			final Operand<TFloat32> y = Gradients3D.upsample(tf, x, f);
			final float[] out = run(g, x, xs, xv, null, null, null, y);
			assertEquals(24 * 6, out.length);
			// out[z][yy][xx][c] = in[z][yy/2][xx/3][c]
			int i = 0;
			for (int z = 0; z < 2; z++)
				for (int yy = 0; yy < 6; yy++)
					for (int xx = 0; xx < 6; xx++)
						for (int c = 0; c < 2; c++)
							assertEquals(xv[((z * 3 + yy / 2) * 2 + xx / 3) * 2 + c], out[i++], 0f); // a copy: exact
		}
		assertEquals(24, check(xs, xv, null, null, (t, in) -> Gradients3D.upsample(t, in.get(0), f)));
		assertEquals(24, check(xs, xv, null, null, (t, in) -> Gradients3D.upsample(t, in.get(0), new int[] { 2, 2, 2 })));
	}

}
