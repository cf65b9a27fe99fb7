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
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** The 3D U-Net ({@code dimensions = 3}): shapes forward and backward, and that it is really 3D. */
public class UNet3DTest {

	private static UNet.Config config(final int[] zPool, final int slices) {
		final UNet.Config c = new UNet.Config();
		c.dimensions = 3;
		c.depth = 2;
		c.baseChannels = 2;
		c.classes = 2;
		c.zPool = zPool;
		c.slices = slices;
		return c;
	}

	private static float[] image(final int n) {
		final float[] v = new float[n];
		for (int i = 0; i < n; i++) v[i] = (float) Math.sin(0.37 * i) + (i % 7) * 0.1f;
		return v;
	}

	@Test
	public void forwardAndBackwardShapes() {
		for (final boolean bn : new boolean[] { true, false }) {
			final UNet.Config c = config(new int[] { 1, 2 }, 4);
			c.batchNorm = bn;
			c.heads = 2;
			try (Graph g = new Graph()) {
				final Ops tf = Ops.create(g);
				final UNet.Network net = UNet.build(tf, "net", c, 7);
				for (final Variable<TFloat32> v : net.trainableVariables())
					if (v.shape().numDimensions() > 1) assertEquals("3D kernels", 5, v.shape().numDimensions());
				final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
				final UNet.Forward f = net.forward(x, true);
				assertEquals(2, f.logits.size());
				final Operand<TFloat32> loss = tf.math.add(tf.sum(tf.math.square(f.logits(0)), tf.constant(new int[] { 0, 1, 2,
					3 })), tf.sum(f.logits(1), tf.constant(new int[] { 0, 1, 2, 3 })));
				final List<Variable<TFloat32>> vars = net.trainableVariables();
				final Gradients gr = tf.gradients(loss, new ArrayList<Operand<?>>(vars));
				// 2 volumes of 4 slices of 16×12
				try (Session s = new Session(g); TFloat32 xt = TFloat32.tensorOf(Shape.of(8, 16, 12, 1), DataBuffers.of(image(
					8 * 16 * 12), true, false)))
				{
					s.initialize();
					final Session.Runner r = s.runner().feed(x, xt).fetch(f.logits(0)).fetch(f.probabilities(1));
					for (int i = 0; i < vars.size(); i++) r.fetch(gr.dy(i));
					try (Result res = r.run()) {
						assertArrayEquals(new long[] { 8, 16, 12, 2 }, res.get(0).shape().asArray());
						assertArrayEquals(new long[] { 8, 16, 12, 2 }, res.get(1).shape().asArray());
						for (int i = 0; i < vars.size(); i++) {
							final TFloat32 gv = (TFloat32) res.get(2 + i);
							assertArrayEquals(vars.get(i).op().name(), vars.get(i).shape().asArray(), gv.shape().asArray());
							final float[] a = new float[(int) gv.shape().size()];
							gv.copyTo(DataBuffers.of(a, false, false));
							double norm = 0;
							for (final float v : a) {
								assertTrue(vars.get(i).op().name() + " finite", Float.isFinite(v));
								norm += v * v;
							}
							assertTrue(vars.get(i).op().name() + " gets a gradient", norm > 0);
						}
					}
				}
			}
		}
	}

	/**
	 * Inference mode: changing one slice of volume 0 changes the outputs of its neighbouring slices (the
	 * network is 3D), and nothing of volume 1 (volumes are separate).
	 */
	@Test
	public void slicesInteractWithinAVolumeOnly() {
		final UNet.Config c = config(null, 4);
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final UNet.Network net = UNet.build(tf, "net", c, 3);
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Operand<TFloat32> p = net.forward(x, false).probabilities(0);
			final int plane = 8 * 8;
			final float[] a = image(8 * plane), b = a.clone();
			for (int i = 2 * plane; i < 3 * plane; i++) b[i] += 1f; // slice 2 of volume 0
			try (Session s = new Session(g)) {
				s.initialize();
				final float[] pa = run(s, x, p, a), pb = run(s, x, p, b);
				final double[] change = new double[8];
				for (int i = 0; i < pa.length; i++) change[i / (plane * 2)] += Math.abs(pa[i] - pb[i]);
				// slice 2 itself and its neighbours 1 and 3 change clearly (well above float rounding)
				for (final int z : new int[] { 1, 2, 3 }) assertTrue("slice " + z + ": " + change[z], change[z] > 1e-3);
				// volume 1 (slices 4..7) is computed from its own voxels only: exactly the same computation
				for (int z = 4; z < 8; z++) assertEquals("slice " + z, 0, change[z], 1e-6);
			}
		}
	}

	private static float[] run(final Session s, final Placeholder<TFloat32> x, final Operand<TFloat32> p,
		final float[] v)
	{
		try (TFloat32 xt = TFloat32.tensorOf(Shape.of(8, 8, 8, 1), DataBuffers.of(v, true, false)); Result r = s.runner()
			.feed(x, xt).fetch(p).run())
		{
			final float[] out = new float[(int) r.get(0).shape().size()];
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
			return out;
		}
	}

	@Test
	public void anisotropyRule() {
		// isotropic: pool z at every level (if the volume is deep enough)
		assertArrayEquals(new int[] { 2, 2, 2 }, UNet.Config.anisotropicZPooling(3, 1, 1, 64));
		// z twice as coarse: not at level 0, then every level
		assertArrayEquals(new int[] { 1, 2, 2 }, UNet.Config.anisotropicZPooling(3, 0.5, 1, 64));
		// z 5 times as coarse: never
		assertArrayEquals(new int[] { 1, 1, 1 }, UNet.Config.anisotropicZPooling(3, 0.2, 1, 64));
		// few slices: at most slices/2 after pooling
		assertArrayEquals(new int[] { 2, 1, 1 }, UNet.Config.anisotropicZPooling(3, 1, 1, 5));
		assertArrayEquals(new int[] { 1, 1, 1 }, UNet.Config.anisotropicZPooling(3, 1, 1, 3));
		final UNet.Config c = config(new int[] { 1, 2 }, 4);
		assertEquals(2, c.zMultiple());
		assertEquals(0, c.zReceptiveMargin() % 2);
		assertTrue(c.zReceptiveMargin() >= 2 + 2 + 3 + 2 * 2 + 2 * 2);
	}
}
