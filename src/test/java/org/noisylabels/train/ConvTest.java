package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;

import org.junit.After;
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
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** The GEMM kernel gradient of {@link Conv} against Conv2D's own, for the shapes the U-Net uses. */
public class ConvTest {

	@After
	public void restore() {
		Conv.mode = "auto";
		Conv.minChannels = 32;
	}

	/** Number of IdentityN ops in g (each is one convolution wrapped by Conv). */
	static long identityNOps(final Graph g) {
		long n = 0;
		for (final java.util.Iterator<org.tensorflow.GraphOperation> it = g.operations(); it.hasNext();)
			if (it.next().type().equals("IdentityN")) n++;
		return n;
	}

	/** Max |difference| / max |reference| of the values and of the kernel and input gradients. */
	private static void check(final int k, final String padding, final int cin, final int cout, final int n, final int h,
		final int w)
	{
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, cin)));
			final float[] kv = new float[k * k * cin * cout];
			for (int i = 0; i < kv.length; i++) kv[i] = (float) Math.sin(1.3 * i + 0.2);
			final Variable<TFloat32> kernel = tf.variable(tf.constant(Shape.of(k, k, cin, cout), DataBuffers.of(kv)));
			final Operand<TFloat32>[] out = new Operand[2];
			final Operand<?>[][] grads = new Operand[2][];
			for (int v = 0; v < 2; v++) {
				Conv.mode = v == 0 ? "gemm" : "native";
				Conv.minChannels = 1;
				final Operand<TFloat32> y = Conv.conv2d(tf, x, tf.identity(kernel), padding);
				out[v] = y;
				// a loss whose gradient differs at every output pixel and channel
				final Operand<TFloat32> loss = tf.sum(tf.math.mul(y, tf.math.sin(y)), tf.constant(new int[] { 0, 1, 2, 3 }));
				final Gradients gr = tf.gradients(loss, Arrays.asList(kernel, x));
				grads[v] = new Operand<?>[] { gr.dy(0), gr.dy(1) };
			}
			assertEquals("the gemm form is built once", 1, identityNOps(g));
			final float[] img = new float[n * h * w * cin];
			for (int i = 0; i < img.length; i++) img[i] = (float) Math.cos(0.7 * i) + (i % 5) * 0.1f;
			try (Session s = new Session(g); TFloat32 xt = TFloat32.tensorOf(Shape.of(n, h, w, cin), DataBuffers.of(img,
				true, false)))
			{
				s.initialize();
				try (Result r = s.runner().feed(x, xt).fetch(out[0]).fetch(out[1]).fetch(grads[0][0]).fetch(grads[1][0])
					.fetch(grads[0][1]).fetch(grads[1][1]).run())
				{
					for (int p = 0; p < 3; p++) {
						final TFloat32 a = (TFloat32) r.get(2 * p), b = (TFloat32) r.get(2 * p + 1);
						assertEquals(Arrays.toString(b.shape().asArray()), Arrays.toString(a.shape().asArray()));
						final float[] pa = new float[(int) a.shape().size()], pb = new float[pa.length];
						a.copyTo(DataBuffers.of(pa, false, false));
						b.copyTo(DataBuffers.of(pb, false, false));
						double scale = 0, diff = 0;
						for (int i = 0; i < pa.length; i++) {
							scale = Math.max(scale, Math.abs(pb[i]));
							diff = Math.max(diff, Math.abs(pa[i] - pb[i]));
						}
						final String what = k + "x" + k + " " + padding + " " + cin + "->" + cout + " on " + n + "x" + h + "x" + w +
							": " + new String[] { "values", "kernel gradient", "input gradient" }[p];
						assertTrue(what + " all zero", scale > 0);
						assertTrue(what + " differs by " + diff + " of " + scale, diff <= 1e-5 * scale);
					}
				}
			}
		}
	}

	@Test
	public void threeByThreeSame() {
		check(3, "SAME", 3, 4, 2, 5, 7);
	}

	@Test
	public void twoByTwoValid() {
		check(2, "VALID", 2, 5, 3, 6, 4);
	}

	@Test
	public void oneByOne() {
		check(1, "SAME", 4, 2, 2, 3, 5);
	}

	@Test
	public void singleImageSingleChannel() {
		check(3, "SAME", 1, 3, 1, 4, 4);
	}

	/** IdentityN ops not built by Conv (another plugin's, say) get the identity gradient, zeros where unused. */
	@Test
	public void otherIdentityNOpsGetTheIdentityGradient() {
		Conv.mode = "gemm";
		Conv.minChannels = 1;
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			// registers IdentityN's gradient, as building a network would
			Conv.conv2d(tf, tf.zeros(tf.constant(new int[] { 1, 4, 4, 2 }), TFloat32.class), tf.zeros(tf.constant(
				new int[] { 3, 3, 2, 2 }), TFloat32.class), "SAME");
			final Variable<TFloat32> a = tf.variable(tf.constant(new float[] { 1, 2, 3 }));
			final Variable<TFloat32> b = tf.variable(tf.constant(new float[] { 4, 5 }));
			final org.tensorflow.op.core.IdentityN id = tf.identityN(Arrays.<Operand<?>> asList(tf.identity(a), tf.identity(
				b)));
			@SuppressWarnings("unchecked")
			final Operand<TFloat32> a2 = (Operand<TFloat32>) id.output().get(0);
			final Operand<TFloat32> loss = tf.sum(tf.math.mul(a2, tf.constant(new float[] { 7, 8, 9 })), tf.constant(0));
			final Gradients gr = tf.gradients(loss, Arrays.asList(a, b));
			try (Session s = new Session(g)) {
				s.initialize();
				try (Result r = s.runner().fetch(gr.dy(0)).fetch(gr.dy(1)).run()) {
					final TFloat32 da = (TFloat32) r.get(0), db = (TFloat32) r.get(1);
					assertEquals(7f, da.getFloat(0), 0f);
					assertEquals(8f, da.getFloat(1), 0f);
					assertEquals(9f, da.getFloat(2), 0f);
					assertEquals(0f, db.getFloat(0), 0f);
					assertEquals(0f, db.getFloat(1), 0f);
				}
			}
		}
	}

	@Test
	public void nativeModeBuildsPlainConv2D() {
		Conv.mode = "native";
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			Conv.conv2d(tf, tf.zeros(tf.constant(new int[] { 1, 4, 4, 64 }), TFloat32.class), tf.zeros(tf.constant(
				new int[] { 3, 3, 64, 8 }), TFloat32.class), "SAME");
			assertEquals(0, identityNOps(g));
		}
	}
}
