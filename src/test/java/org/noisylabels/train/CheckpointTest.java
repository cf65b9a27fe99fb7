package org.noisylabels.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Collections;

import org.junit.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

public class CheckpointTest {

	private static float[] value(final Session s, final Operand<TFloat32> v, final int n) {
		final float[] out = new float[n];
		try (Result r = s.runner().fetch(v).run()) {
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
		}
		return out;
	}

	@Test
	public void restoresEveryVariableIncludingOptimizerSlotsAfterInPlaceUpdates() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[][] { { 0.5f, -1f }, { 2f, 3f } }));
			final Variable<TFloat32> b = tf.withName("b").variable(tf.constant(new float[] { 0.25f }));
			// loss = Σ (w·3 − 1)² + (b − 2)²
			final Operand<TFloat32> f = tf.math.sub(tf.math.mul(tf.identity(w), tf.constant(3f)), tf.constant(1f));
			final Operand<TFloat32> e = tf.math.sub(tf.identity(b), tf.constant(2f));
			final Operand<TFloat32> loss = tf.math.add(tf.reduceSum(tf.math.mul(f, f), tf.constant(new int[] { 0, 1 })), tf
				.reduceSum(tf.math.mul(e, e), tf.constant(0)));
			final Optimizer.Config oc = new Optimizer.Config();
			oc.type = Optimizer.Type.ADAM;
			final Optimizer opt = new Optimizer(tf, loss, java.util.Arrays.asList(w, b), oc, Collections.emptyList());
			final Checkpoint ckpt = new Checkpoint(g, tf);
			// w, b and Adam's m and v of each
			assertEquals(6, ckpt.size());
			try (Session s = new Session(g)) {
				s.initialize();
				assertFalse(ckpt.saved());
				for (int i = 0; i < 3; i++)
					step(s, opt, i);
				ckpt.save(s);
				assertTrue(ckpt.saved());
				final float[] w3 = value(s, w, 4), b3 = value(s, b, 1);
				// the optimizer updates the variables in place: the saved copy must not follow
				for (int i = 3; i < 10; i++)
					step(s, opt, i);
				final float[] w10 = value(s, w, 4);
				assertTrue(Math.abs(w10[0] - w3[0]) > 1e-3);
				ckpt.restore(s);
				assertArrayEquals(w3, value(s, w, 4), 0f);
				assertArrayEquals(b3, value(s, b, 1), 0f);
				// the optimizer state came back too: the next step from the restored state repeats the original 4th step
				step(s, opt, 3);
				final float[] w4a = value(s, w, 4);
				ckpt.restore(s);
				step(s, opt, 3);
				assertArrayEquals(w4a, value(s, w, 4), 0f);
				assertFalse(java.util.Arrays.equals(w4a, w3));
			}
		}
	}

	private static void step(final Session s, final Optimizer opt, final int i) {
		final java.util.List<AutoCloseable> close = new java.util.ArrayList<>();
		final Session.Runner r = s.runner();
		opt.feed(r, close, i, 0.1);
		r.addTarget(opt.trainOp()).run().close();
		for (final AutoCloseable c : close) {
			try {
				c.close();
			}
			catch (final Exception e) {
				throw new IllegalStateException(e);
			}
		}
	}
}
