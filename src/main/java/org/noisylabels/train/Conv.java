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
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.IdentityN;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Stride-1 2D convolution whose kernel gradient is computed as matrix products instead of by
 * Conv2DBackpropFilter.
 * <p>
 * On this suite's CPUs TensorFlow's filter-gradient kernel (oneDNN's in particular) takes about three times
 * as long as the forward convolution and was 40 % of a U-Net training step. The kernel gradient of a k×k
 * convolution is, for each tap (i, j), the product of the input window shifted by (i, j), as an
 * [pixels, C_in] matrix, transposed, with the output gradient as a [pixels, C_out] matrix: k² GEMMs with
 * a long inner dimension, which the BLAS does about twice as fast.
 * <p>
 * How it is wired: TensorFlow Java cannot replace Conv2D's registered gradient, so the convolution is
 * built as {@code IdentityN(Conv2D(x, StopGradient(w)), w)[0]}. The values are Conv2D's. The input
 * gradient still comes from Conv2D's own gradient (its now unused filter gradient is pruned when the
 * graph runs); the gradient that reaches {@code w} through IdentityN is the GEMM form, registered once per
 * process as IdentityN's custom gradient (IdentityN has none in TensorFlow's C++ registry; the suite uses
 * it nowhere else, and other IdentityN ops get the identity gradient). UNetTest compares every
 * variable's gradient with the plain Conv2D form.
 */
final class Conv {

	private Conv() {}

	/** Name scope that marks the IdentityN ops built here. */
	private static final String MARK = "gemm_filter_grad";

	/**
	 * When the GEMM kernel gradient is used: "auto" (default) = with oneDNN CPU kernels and no GPU, "gemm" =
	 * always, "native" = never (system property {@code noisylabels.filterGradient}; tests set it directly).
	 * Measured on the default U-Net, batch 4 × 256×256, 2-core AVX2 CPU, both forms interleaved in one process
	 * (median of 21 paired step ratios): oneDNN 0.86× the step time with Conv2DBackpropFilter; TensorFlow's
	 * default (Eigen) kernels 1.06×, so those keep their own gradient.
	 */
	static String mode = System.getProperty("noisylabels.filterGradient", "auto");

	/**
	 * Only kernels with at least this many input channels: with 16 channels at 256×256 the GEMMs are too
	 * thin (paired step ratio 0.90 with 16, 0.92 with every layer, 0.86 with 32).
	 */
	static int minChannels = 32;

	private static boolean enabled(final long cin) {
		if (cin < minChannels || "native".equals(mode)) return false;
		if (!"gemm".equals(mode) && !(Device.oneDnnKernels() && !Device.gpuAvailable())) return false;
		return register();
	}

	private static Boolean registered;

	/** Registers IdentityN's gradient once; false if another one was registered first (then plain Conv2D). */
	private static synchronized boolean register() {
		if (registered == null) registered = TensorFlow.registerCustomGradient(IdentityN.OP_NAME, Conv::gradient);
		return registered;
	}

	/** Stride-1 convolution of x [N,H,W,Cin] with kernel [k,k,Cin,Cout], padding "SAME" (k odd) or "VALID". */
	static Operand<TFloat32> conv2d(final Ops t, final Operand<TFloat32> x, final Operand<TFloat32> kernel,
		final String padding)
	{
		if (!enabled(kernel.shape().get(2))) return t.nn.conv2d(x, kernel, Arrays.asList(1L, 1L, 1L, 1L), padding);
		final Shape ks = kernel.shape();
		if (ks.numDimensions() != 4 || ks.hasUnknownDimension()) throw new IllegalArgumentException(
			"convolution kernel needs a static 4-D shape, got " + ks);
		final Operand<TFloat32> y = t.nn.conv2d(x, t.stopGradient(kernel), Arrays.asList(1L, 1L, 1L, 1L), padding);
		// the gradient function must not query shapes or attributes (the graph is locked while gradients are
		// added), so the kernel's shape and the padding travel in the op's name
		final IdentityN id = t.withSubScope(MARK + "_" + ks.get(0) + "x" + ks.get(1) + "x" + ks.get(2) + "x" + ks.get(
			3) + "_" + padding.toLowerCase(Locale.ROOT)).identityN(Arrays.<Operand<?>> asList(y, kernel));
		@SuppressWarnings("unchecked")
		final Operand<TFloat32> out = (Operand<TFloat32>) id.output().get(0);
		return out;
	}

	/** IdentityN's gradient: the GEMM kernel gradient for the ops built by {@link #conv2d}, identity otherwise. */
	private static List<Operand<?>> gradient(final Ops t, final GraphOperation op, final List<Output<?>> grads) {
		final List<Operand<?>> dx = new ArrayList<>();
		final Matcher m = NAME.matcher(op.name());
		if (!m.find() || op.numInputs() != 2) {
			for (int i = 0; i < op.numInputs(); i++) dx.add(present(grads.get(i)) ? grads.get(i) : t.zerosLike(op.input(
				i)));
			return dx;
		}
		@SuppressWarnings("unchecked")
		final Output<TFloat32> dy = (Output<TFloat32>) grads.get(0);
		@SuppressWarnings("unchecked")
		final Output<TFloat32> x = (Output<TFloat32>) ((GraphOperation) op.input(0).op()).input(0);
		dx.add(dy);
		dx.add(kernelGradient(t, x, dy, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m
			.group(3)), Integer.parseInt(m.group(4)), m.group(5).toUpperCase(Locale.ROOT)));
		return dx;
	}

	private static final Pattern NAME = Pattern.compile(MARK + "_(\\d+)x(\\d+)x(\\d+)x(\\d+)_(same|valid)(_\\d+)?/");

	/** False for the placeholder TensorFlow passes for an output that no gradient reached. */
	private static boolean present(final Output<?> o) {
		if (o == null) return false;
		final org.tensorflow.internal.c_api.TF_Operation h = ((GraphOperation) o.op()).getUnsafeNativeHandle();
		return h != null && !h.isNull();
	}

	/**
	 * The kernel gradient [kh,kw,cin,cout] of a stride-1 convolution: for each tap (i, j), Σ over output
	 * pixels p of x[p + (i, j)] ⊗ dy[p] (x zero-padded first for "SAME"). No shifted copies of x are made:
	 * x is flattened to rows [N·Hi·Wi, cin] and dy is zero-padded to the same Hi×Wi grid and flattened
	 * alike, so that pixel p + (i, j) is row q + i·Wi + j of x when p is row q of dy. Each tap is then one
	 * GEMM of a row-offset view of x (a dim-0 slice, which TensorFlow shares without copying) with dy. The
	 * rows of dy's padding are zero, so whatever they meet in x (the next row, the next image) adds nothing.
	 * Only dy's first L = N·Hi·Wi − ((kh−1)·Wi + kw − 1) rows are used (the rows left out are all padding),
	 * so every offset view of x stays inside x.
	 */
	static Operand<TFloat32> kernelGradient(final Ops t, final Operand<TFloat32> x, final Operand<TFloat32> dy,
		final int kh, final int kw, final int cin, final int cout, final String padding)
	{
		final Operand<TFloat32> xp = "SAME".equals(padding) ? t.pad(x, t.constant(new int[][] { { 0, 0 }, { (kh - 1) / 2,
			kh / 2 }, { (kw - 1) / 2, kw / 2 }, { 0, 0 } }), t.constant(0f)) : x;
		final Operand<TFloat32> dyp = t.pad(dy, t.constant(new int[][] { { 0, 0 }, { 0, kh - 1 }, { 0, kw - 1 }, { 0,
			0 } }), t.constant(0f));
		final Operand<TFloat32> rows = t.reshape(xp, t.constant(new int[] { -1, cin }));
		final Operand<TInt32> wi = t.slice(t.shape(xp), t.constant(new int[] { 2 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> m = t.slice(t.shape(rows), t.constant(new int[] { 0 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> len = t.math.sub(m, t.math.add(t.math.mul(wi, t.constant(kh - 1)), t.constant(kw - 1)));
		final Operand<TFloat32> g = t.slice(t.reshape(dyp, t.constant(new int[] { -1, cout })), t.constant(new int[] { 0,
			0 }), t.concat(Arrays.asList(len, t.constant(new int[] { cout })), t.constant(0)));
		final Operand<TInt32> size = t.concat(Arrays.asList(len, t.constant(new int[] { cin })), t.constant(0));
		final List<Operand<TFloat32>> taps = new ArrayList<>();
		for (int i = 0; i < kh; i++)
			for (int j = 0; j < kw; j++) {
				final Operand<TInt32> off = t.math.add(t.math.mul(wi, t.constant(i)), t.constant(j));
				final Operand<TFloat32> view = t.slice(rows, t.concat(Arrays.asList(off, t.constant(new int[] { 0 })), t
					.constant(0)), size);
				taps.add(t.linalg.matMul(view, g, MatMul.transposeA(true)));
			}
		return t.reshape(t.stack(taps), t.constant(new int[] { kh, kw, cin, cout }));
	}
}
