package org.noisylabels.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

public class UNetTest {

	static UNet.Config tiny(final int classes, final int heads) {
		final UNet.Config c = new UNet.Config();
		c.depth = 2;
		c.baseChannels = 4;
		c.classes = classes;
		c.heads = heads;
		c.encoderDropout = new double[] { 0, 0, 0 };
		return c;
	}

	private static long[] shapeOf(final Session s, final Placeholder<TFloat32> in, final Operand<TFloat32> out,
		final int n, final int h, final int w)
	{
		try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, h, w, 1), DataBuffers.of(new float[n * h * w], true, false));
			Result r = s.runner().feed(in, x).fetch(out).run())
		{
			return r.get(0).shape().asArray();
		}
	}

	@Test
	public void outputShapesForSigmoidSoftmaxAndTwoHeads() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final UNet.Network sig = UNet.build(tf, "sig", tiny(1, 1), 1);
			final UNet.Network soft = UNet.build(tf, "soft", tiny(3, 1), 2);
			final UNet.Network two = UNet.build(tf, "two", tiny(2, 2), 3);
			final UNet.Forward fs = sig.forward(in, false);
			final UNet.Forward fc = soft.forward(in, true);
			final UNet.Forward ft = two.forward(in, false);
			assertEquals(2, ft.logits.size());
			assertTrue(fc.updates.size() > 0);
			assertEquals(0, fs.updates.size());
			try (Session s = new Session(g)) {
				s.initialize();
				assertArrayEquals(new long[] { 2, 16, 24, 1 }, shapeOf(s, in, fs.logits(0), 2, 16, 24));
				assertArrayEquals(new long[] { 2, 16, 24, 2 }, shapeOf(s, in, fs.probabilities(0), 2, 16, 24));
				assertArrayEquals(new long[] { 1, 32, 8, 3 }, shapeOf(s, in, fc.logits(0), 1, 32, 8));
				assertArrayEquals(new long[] { 1, 32, 8, 3 }, shapeOf(s, in, fc.probabilities(0), 1, 32, 8));
				assertArrayEquals(new long[] { 3, 8, 8, 2 }, shapeOf(s, in, ft.logits(1), 3, 8, 8));
			}
			// parameters: 3x3 convs with BN (gamma, beta) per level, 1x1 heads with bias
			final long expected = 9 * 1 * 4 + 9 * 4 * 4 + 9 * 4 * 8 + 9 * 8 * 8 + 9 * 8 * 16 + 9 * 16 * 16 + // encoder
				9 * (16 + 8) * 8 + 9 * 8 * 8 + 9 * (8 + 4) * 4 + 9 * 4 * 4 + // decoder
				2 * (4 + 4 + 8 + 8 + 16 + 16 + 8 + 8 + 4 + 4); // BN
			assertEquals(expected + 4 * 1 + 1, sig.parameterCount());
			assertEquals(expected + 2 * (4 * 2 + 2), two.parameterCount());
			// the three networks have disjoint variables, named by their scopes
			final List<String> names = new ArrayList<>();
			for (final UNet.Network n : new UNet.Network[] { sig, soft, two })
				for (final org.tensorflow.op.core.Variable<TFloat32> v : n.allVariables()) names.add(v.op().name());
			assertEquals(names.size(), new java.util.HashSet<>(names).size());
			assertTrue(names.get(0), names.get(0).startsWith("sig/"));
		}
	}

	@Test
	public void softmaxProbabilitiesSumToOne() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final UNet.Forward f = UNet.build(tf, "n", tiny(3, 1), 5).forward(in, false);
			try (Session s = new Session(g)) {
				s.initialize();
				final float[] img = new float[8 * 8];
				for (int i = 0; i < img.length; i++) img[i] = (float) Math.sin(i);
				try (TFloat32 x = TFloat32.tensorOf(Shape.of(1, 8, 8, 1), DataBuffers.of(img, true, false));
					Result r = s.runner().feed(in, x).fetch(f.probabilities(0)).run())
				{
					final float[] p = new float[8 * 8 * 3];
					((TFloat32) r.get(0)).copyTo(DataBuffers.of(p, false, false));
					for (int i = 0; i < 64; i++) assertEquals(1, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1e-5);
				}
			}
		}
	}

	@Test
	public void concatUpsamplingEqualsNearestNeighbourResize() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, -1)));
			final Placeholder<TFloat32> skip = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, -1)));
			UNet.resizeOp = false;
			final Operand<TFloat32> a = UNet.upsample2(tf, x, skip);
			UNet.resizeOp = true;
			final Operand<TFloat32> b = UNet.upsample2(tf, x, skip);
			UNet.resizeOp = false;
			final float[] in = new float[2 * 3 * 5 * 4];
			for (int i = 0; i < in.length; i++) in[i] = i;
			try (Session s = new Session(g);
				TFloat32 xt = TFloat32.tensorOf(Shape.of(2, 3, 5, 4), DataBuffers.of(in, true, false));
				TFloat32 st = TFloat32.tensorOf(Shape.of(2, 6, 10, 1));
				Result r = s.runner().feed(x, xt).feed(skip, st).fetch(a).fetch(b).run())
			{
				final float[] pa = new float[2 * 6 * 10 * 4], pb = new float[pa.length];
				((TFloat32) r.get(0)).copyTo(DataBuffers.of(pa, false, false));
				((TFloat32) r.get(1)).copyTo(DataBuffers.of(pb, false, false));
				assertArrayEquals(pb, pa, 0f);
				// pixel (y=3, x=7) of image 1, channel 2 comes from (1, 3)
				assertEquals(in[((1 * 3 + 1) * 5 + 3) * 4 + 2], pa[((1 * 6 + 3) * 10 + 7) * 4 + 2], 0f);
			}
		}
	}

	/**
	 * The decoder computed at low resolution gives the same outputs, in training and inference mode, and the
	 * same gradients for every variable as the textbook upsample + concatenate + convolve (two networks with
	 * the same seed, so the same initial weights).
	 */
	@Test
	public void fastDecoderAndGemmKernelGradientsEqualTextbookForm() {
		final UNet.Config c = tiny(2, 1);
		c.depth = 2;
		c.baseChannels = 3;
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Placeholder<TFloat32> weights = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 2)));
			final List<Operand<TFloat32>> fetch = new ArrayList<>();
			final List<UNet.Network> nets = new ArrayList<>();
			for (final boolean reference : new boolean[] { false, true }) {
				UNet.referenceDecoder = reference;
				// the fast form also takes every kernel gradient by GEMM (Conv), the reference Conv2D's own
				Conv.mode = reference ? "native" : "gemm";
				Conv.minChannels = 1;
				try {
					final UNet.Network n = UNet.build(tf, reference ? "ref" : "fast", c, 7);
					nets.add(n);
					final UNet.Forward train = n.forward(in, true);
					fetch.add(train.logits(0));
					fetch.add(n.forward(in, false).logits(0));
					final Operand<TFloat32> y = tf.sum(tf.math.mul(train.logits(0), weights), tf.constant(new int[] { 0, 1, 2,
						3 }));
					final org.tensorflow.op.core.Gradients grads = tf.gradients(y, n.trainableVariables());
					for (int i = 0; i < n.trainableVariables().size(); i++) fetch.add(grads.dy(i));
				}
				finally {
					UNet.referenceDecoder = false;
					Conv.mode = "auto";
					Conv.minChannels = 32;
				}
				// 13 convolutions (6 encoder, 3 per decoder level, 1 head) in each of the fast network's two forward
				// passes are wrapped; the reference adds none
				assertEquals("IdentityN-wrapped convolutions after building " + (reference ? "ref" : "fast"), 2 * 13,
					ConvTest.identityNOps(g));
			}
			assertEquals(nets.get(0).parameterCount(), nets.get(1).parameterCount());
			final int h = 8, w = 12, n = 2;
			final float[] img = new float[n * h * w], wt = new float[n * h * w * 2];
			for (int i = 0; i < img.length; i++) img[i] = (float) Math.sin(0.37 * i) + (i % 7) * 0.1f;
			for (int i = 0; i < wt.length; i++) wt[i] = (float) Math.cos(0.11 * i);
			try (Session s = new Session(g);
				TFloat32 x = TFloat32.tensorOf(Shape.of(n, h, w, 1), DataBuffers.of(img, true, false));
				TFloat32 wx = TFloat32.tensorOf(Shape.of(n, h, w, 2), DataBuffers.of(wt, true, false)))
			{
				s.initialize();
				final Session.Runner r = s.runner().feed(in, x).feed(weights, wx);
				for (final Operand<TFloat32> o : fetch) r.fetch(o);
				try (Result res = r.run()) {
					final int half = fetch.size() / 2;
					assertEquals(2 + nets.get(0).trainableVariables().size(), half);
					for (int i = 0; i < half; i++) {
						final TFloat32 a = (TFloat32) res.get(i), b = (TFloat32) res.get(i + half);
						assertArrayEquals(b.shape().asArray(), a.shape().asArray());
						final float[] pa = new float[(int) a.shape().size()], pb = new float[pa.length];
						a.copyTo(DataBuffers.of(pa, false, false));
						b.copyTo(DataBuffers.of(pb, false, false));
						double scale = 0;
						for (final float v : pb) scale = Math.max(scale, Math.abs(v));
						assertTrue("output " + i + " is all zero", scale > 0);
						for (int j = 0; j < pa.length; j++)
							assertEquals("output " + i + " element " + j, pb[j], pa[j], 1e-4 * Math.max(1, scale));
					}
				}
			}
		}
	}
}
