package org.noisylabels.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv3d;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * 3D convolution, 3D max pooling and 3D upsampling with gradients. TensorFlow Java registers no gradient for
 * {@code Conv3D}; {@link #ensureRegistered()} registers one once per process from Java, with TensorFlow's own
 * backprop kernels ({@code Conv3DBackpropInputV2}, {@code Conv3DBackpropFilterV2}). {@code MaxPool3D}
 * already has TensorFlow's C++ gradient ({@code MaxPool3DGrad}; checked here: registering another returns
 * false), and the upsampling is built from ConcatV2 + Reshape. Gradients3DTest checks all three against
 * finite differences.
 * <p>
 * A gradient function must not read an op's attributes or static shapes (the graph is locked while gradients
 * are added), so {@link #conv3d} puts the strides and padding into a name scope of the op
 * ({@code conv3d_s1x1x1_same}); sizes are taken with Shape ops in the graph. A Conv3D op built any other way
 * has no usable gradient: adding gradients through it fails, naming the op.
 */
public final class Gradients3D {

	private Gradients3D() {}

	private static Boolean registered;

	/**
	 * Registers the gradients of Conv3D and MaxPool3D (once per process; later calls do nothing).
	 *
	 * @throws IllegalStateException when another gradient was registered for them first
	 */
	public static synchronized void ensureRegistered() {
		if (registered == null) {
			registered = TensorFlow.registerCustomGradient(Conv3d.OP_NAME, Gradients3D::conv3dGradient);
		}
		if (!registered) throw new IllegalStateException(
			"a gradient of Conv3D was registered by other code before Noisy Labels: 3D training is not possible in this process");
	}

	private static final String CONV = "conv3d_s";
	private static final Pattern CONV_NAME = Pattern.compile(CONV + "(\\d+)x(\\d+)x(\\d+)_(same|valid)(_\\d+)?/");

	/**
	 * 3D convolution of x [N,D,H,W,Cin] with kernel [kd,kh,kw,Cin,Cout] (NDHWC), strides {sd, sh, sw},
	 * padding "SAME" or "VALID"; differentiable once {@link #ensureRegistered()} ran (it is called here).
	 */
	public static Operand<TFloat32> conv3d(final Ops t, final Operand<TFloat32> x, final Operand<TFloat32> kernel,
		final int[] strides, final String padding)
	{
		ensureRegistered();
		return t.withSubScope(CONV + strides[0] + "x" + strides[1] + "x" + strides[2] + "_" + padding.toLowerCase(
			Locale.ROOT)).nn.conv3d(x, kernel, longs(1, strides[0], strides[1], strides[2], 1), padding);
	}

	/**
	 * 3D max pooling of x [N,D,H,W,C] with window {kd,kh,kw} and strides {sd,sh,sw}. Its gradient is
	 * TensorFlow's own (MaxPool3D's C++ gradient, with MaxPool3DGrad, is registered in TensorFlow 2.18, unlike
	 * the platform notes' Conv3D; a registered gradient cannot be replaced, so none is added here).
	 */
	public static Operand<TFloat32> maxPool3d(final Ops t, final Operand<TFloat32> x, final int[] window,
		final int[] strides, final String padding)
	{
		return t.nn.maxPool3d(x, longs(1, window[0], window[1], window[2], 1), longs(1, strides[0], strides[1],
			strides[2], 1), padding);
	}

	private static List<Long> longs(final int... v) {
		final List<Long> l = new ArrayList<>();
		for (final int i : v) l.add((long) i);
		return l;
	}

	private static Matcher match(final Pattern p, final GraphOperation op) {
		final Matcher m = p.matcher(op.name());
		if (!m.find()) throw new IllegalStateException("no gradient for " + op.type() + " op '" + op.name() +
			"': build it with Gradients3D.conv3d");
		return m;
	}

	@SuppressWarnings("unchecked")
	private static List<Operand<?>> conv3dGradient(final Ops t, final GraphOperation op, final List<Output<?>> grads) {
		final Matcher m = match(CONV_NAME, op);
		final List<Long> strides = longs(1, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m
			.group(3)), 1);
		final String padding = m.group(4).toUpperCase(Locale.ROOT);
		final Output<TFloat32> x = (Output<TFloat32>) op.input(0), w = (Output<TFloat32>) op.input(1);
		final Output<TFloat32> dy = (Output<TFloat32>) grads.get(0);
		final Operand<TInt32> xs = t.shape(x), ws = t.shape(w);
		final Operand<TFloat32> dx = t.nn.conv3dBackpropInput(xs, w, dy, strides, padding);
		final Operand<TFloat32> dw = t.nn.conv3dBackpropFilter(x, ws, dy, strides, padding);
		return Arrays.<Operand<?>> asList(dx, dw);
	}

	/**
	 * Nearest-neighbour upsampling of x [N,D,H,W,C] by integer factors {fd, fh, fw}, built from ConcatV2 and
	 * Reshape (both with registered gradients): each voxel is repeated f times along each axis.
	 */
	public static Operand<TFloat32> upsample(final Ops t, final Operand<TFloat32> x, final int[] factors) {
		Operand<TFloat32> y = x;
		// axis 3 (W): concatenating f copies along the channels and reshaping [.., W, f·C] -> [.., f·W, C]
		// repeats each voxel f times along W; likewise for H (axis 2, copies along axis 3) and D
		for (int a = 2; a >= 0; a--) {
			final int f = factors[a];
			if (f == 1) continue;
			final int axis = a + 1;
			final List<Operand<TFloat32>> copies = new ArrayList<>();
			for (int i = 0; i < f; i++) copies.add(y);
			final int[] mul = { 1, 1, 1, 1, 1 };
			mul[axis] = f;
			final Operand<TInt32> target = t.math.mul(t.shape(y), t.constant(mul));
			y = t.reshape(t.concat(copies, t.constant(axis + 1)), target);
		}
		return y;
	}
}
