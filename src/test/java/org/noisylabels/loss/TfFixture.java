package org.noisylabels.loss;

import java.util.SplittableRandom;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** One Graph + Session shared by the tests of a class, plus array helpers (NHWC, flattened). */
final class TfFixture implements AutoCloseable {

	final Graph graph = new Graph();
	final Ops tf = Ops.create(graph);
	final Session session = new Session(graph);

	Operand<TFloat32> constant(final float[] data, final long... shape) {
		return tf.constant(Shape.of(shape), DataBuffers.of(data, true, false));
	}

	Placeholder<TFloat32> placeholder(final long... shape) {
		return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
	}

	/** Runs {@code fetch} with one optional feed; returns its values flattened. */
	float[] run(final Operand<?> fetch, final Operand<TFloat32> feed, final float[] value, final long... shape) {
		return run(fetch.asOutput(), feed, value, shape);
	}

	float[] run(final Output<?> fetch, final Operand<TFloat32> feed, final float[] value, final long... shape) {
		final Session.Runner runner = session.runner();
		try (TFloat32 in = feed == null ? null : TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(value, true,
			false)))
		{
			if (feed != null) runner.feed(feed, in);
			try (org.tensorflow.Result r = runner.fetch(fetch).run()) {
				final Tensor t = r.get(0);
				final float[] out = new float[(int) t.shape().size()];
				((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
				return out;
			}
		}
	}

	float scalar(final Operand<TFloat32> op) {
		final float[] v = run(op, null, null);
		if (v.length != 1) throw new AssertionError("not a scalar: " + v.length + " values");
		return v[0];
	}

	@Override
	public void close() {
		session.close();
		graph.close();
	}

	// ---- arrays ----

	/** Softmax over the last axis of flattened NHWC logits, in double. */
	static double[] softmax(final float[] logits, final int channels) {
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

	static float[] toFloat(final double[] d) {
		final float[] f = new float[d.length];
		for (int i = 0; i < d.length; i++)
			f[i] = (float) d[i];
		return f;
	}

	static float[] logits(final SplittableRandom rnd, final int length, final double scale) {
		final float[] l = new float[length];
		for (int i = 0; i < length; i++)
			l[i] = (float) (scale * (2 * rnd.nextDouble() - 1));
		return l;
	}

	/** Random one-hot labels for m pixels. */
	static float[] oneHot(final SplittableRandom rnd, final int m, final int channels) {
		final float[] y = new float[m * channels];
		for (int j = 0; j < m; j++)
			y[j * channels + rnd.nextInt(channels)] = 1;
		return y;
	}

	/** Random soft labels (rows sum to 1). */
	static float[] soft(final SplittableRandom rnd, final int m, final int channels) {
		final float[] y = new float[m * channels];
		for (int j = 0; j < m; j++) {
			double s = 0;
			final double[] r = new double[channels];
			for (int c = 0; c < channels; c++)
				s += r[c] = rnd.nextDouble() + 0.01;
			for (int c = 0; c < channels; c++)
				y[j * channels + c] = (float) (r[c] / s);
		}
		return y;
	}

	/** Weights in [0, 2) with about a fifth exactly 0. */
	static float[] weights(final SplittableRandom rnd, final int m) {
		final float[] w = new float[m];
		for (int j = 0; j < m; j++)
			w[j] = rnd.nextDouble() < 0.2 ? 0 : (float) (2 * rnd.nextDouble());
		return w;
	}

	static float[] binary(final SplittableRandom rnd, final int m, final double pOne) {
		final float[] f = new float[m];
		for (int j = 0; j < m; j++)
			f[j] = rnd.nextDouble() < pOne ? 1 : 0;
		return f;
	}

	static float[] ones(final int m) {
		final float[] f = new float[m];
		java.util.Arrays.fill(f, 1);
		return f;
	}
}
