package org.noisylabels.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.noisylabels.Check;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A 2D U-Net built in TensorFlow graph mode (NHWC, one input channel).
 * <p>
 * Level {@code l} (0 = full resolution, {@code depth} = bottleneck) has two 3×3 convolutions with
 * {@code baseChannels·2^l} channels, each followed by batch normalisation (optional) and ReLU; 2×2 max
 * pooling goes down, nearest-neighbour upsampling + concatenation with the skip connection goes up. The
 * decoder's first convolution after each upsampling is computed at low resolution, without building
 * the upsampled image or the concatenation (same values, fewer operations: {@code Layer.applyUpConcat}). The
 * output heads are 1×1 convolutions giving logits: one channel (sigmoid) when {@code classes == 1}, else
 * {@code classes} channels (softmax).
 * <p>
 * The variables are created once by {@link #build}; {@link Network#forward} can then be called any
 * number of times on different inputs, in training mode (batch statistics, dropout, moving-average
 * updates collected in {@link Forward#updates}) or in inference mode (moving statistics, no dropout),
 * all sharing the same weights. Several networks can live in one graph under distinct name scopes.
 * Weights are initialised inside the graph (He-normal from seeded random ops).
 */
public final class UNet {

	/** Architecture of a U-Net; the defaults are the suite's defaults. */
	public static final class Config {

		/** Number of 2×2 poolings. */
		public int depth = 3;
		/** Channels of the first level; doubled at every level. */
		public int baseChannels = 16;
		/** Dropout rate after each encoder level 0..depth (null = PyMIC-like default). */
		public double[] encoderDropout;
		/** Dropout rate after each decoder level 0..depth-1 (null = none). */
		public double[] decoderDropout;
		/** Batch normalisation after every convolution. */
		public boolean batchNorm = true;
		/** 1 = a single sigmoid output (binary), C >= 2 = C softmax outputs. */
		public int classes = 2;
		/** Number of output heads (DAST uses 2). */
		public int heads = 1;
		/** 2 = 2D U-Net (default), 3 = 3D U-Net (see {@link Network#forward}). */
		public int dimensions = 2;
		/**
		 * 3D only: the pooling factor in z of each of the {@code depth} poolings (1 = pool only in x and y, 2 = pool
		 * in z too); null = 2 at every level. See {@link #anisotropicZPooling}.
		 */
		public int[] zPool;
		/** 3D only: slices per volume fed to the network by default (the training patch depth). */
		public int slices = 16;

		public Config copy() {
			final Config c = new Config();
			c.depth = depth;
			c.baseChannels = baseChannels;
			c.encoderDropout = encoderDropout == null ? null : encoderDropout.clone();
			c.decoderDropout = decoderDropout == null ? null : decoderDropout.clone();
			c.batchNorm = batchNorm;
			c.classes = classes;
			c.heads = heads;
			c.dimensions = dimensions;
			c.zPool = zPool == null ? null : zPool.clone();
			c.slices = slices;
			return c;
		}

		/** Dropout of encoder level l (defaults: 0 for the upper levels, 0.3/0.4/0.5 towards the bottleneck). */
		public double encoderDropout(final int level) {
			if (encoderDropout != null) return level < encoderDropout.length ? encoderDropout[level] : 0;
			final int fromBottom = depth - level;
			return fromBottom == 0 ? 0.5 : fromBottom == 1 ? 0.4 : fromBottom == 2 ? 0.3 : 0;
		}

		public double decoderDropout(final int level) {
			return decoderDropout != null && level < decoderDropout.length ? decoderDropout[level] : 0;
		}

		/** Number of logit channels of each head. */
		public int outputChannels() {
			return classes == 1 ? 1 : classes;
		}

		/** Image sizes fed to the network must be multiples of this (2^depth). */
		public int sizeMultiple() {
			return 1 << depth;
		}

		/**
		 * A margin (multiple of 2^depth) at least as large as the receptive-field radius: outputs farther than
		 * this from a tile's edge do not depend on anything outside the tile.
		 */
		public int receptiveMargin() {
			final int p = 1 << depth;
			// convolutions: 2 per level (encoder 0..depth, decoder 0..depth-1); pooling and upsampling offsets
			final int r = 2 * (2 * p - 1) + 2 * (p - 1) + (p - 1) + 2 * (p - 1);
			return (r + p - 1) / p * p;
		}

		/** 3D: the z pooling factor of pooling {@code level} (0-based, below level+1). */
		public int zPool(final int level) {
			return zPool == null ? 2 : zPool[level];
		}

		/** 3D: slice counts fed to the network must be multiples of this (the product of the z poolings). */
		public int zMultiple() {
			int m = 1;
			for (int l = 0; l < depth; l++) m *= zPool(l);
			return m;
		}

		/**
		 * 3D: a margin in slices (a multiple of {@link #zMultiple}) at least as large as the receptive-field
		 * radius in z: each 3×3×3 convolution at a level whose z scale is P adds P, each pooling/upsampling by f
		 * adds (f−1)·P (counted twice for safety, as in {@link #receptiveMargin}).
		 */
		public int zReceptiveMargin() {
			int r = 0, p = 1;
			for (int l = 0; l <= depth; l++) {
				r += 2 * p; // encoder convolutions
				if (l < depth) {
					r += 2 * p; // decoder convolutions
					r += 3 * (zPool(l) - 1) * p; // pooling, upsampling
					p *= zPool(l);
				}
			}
			final int m = zMultiple();
			return (r + m - 1) / m * m;
		}

		/**
		 * The anisotropy rule: pool in z at a level only while the voxels are not coarser in z than in x/y. With
		 * voxel size {@code pixelDepth} in z and {@code pixelWidth} in x/y, level l's x/y spacing is
		 * pixelWidth·2^l and its z spacing pixelDepth·(product of earlier z poolings); pooling l halves z too
		 * when the z spacing is at most the x/y spacing (e.g. isotropic voxels: every level; pixelDepth =
		 * 2·pixelWidth: not at level 0, then every level; z 5× coarser and depth 3: never). Pooling in z also
		 * needs the volume deep enough: at most {@code slices} / 2 after the pooling.
		 */
		public static int[] anisotropicZPooling(final int depth, final double pixelWidth, final double pixelDepth,
			final int slices)
		{
			final int[] f = new int[depth];
			double xy = pixelWidth > 0 ? pixelWidth : 1, z = pixelDepth > 0 ? pixelDepth : xy;
			int m = 1;
			for (int l = 0; l < depth; l++) {
				f[l] = z <= xy * 1.0001 && 2 * m * 2 <= slices ? 2 : 1;
				z *= f[l];
				m *= f[l];
				xy *= 2;
			}
			return f;
		}

		public void validate() {
			Check.range(depth, 1, 6, "depth");
			Check.range(baseChannels, 1, 256, "base_channels");
			Check.range(classes, 1, 255, "classes");
			Check.range(heads, 1, 4, "heads");
			for (int l = 0; l <= depth; l++) Check.range(encoderDropout(l), 0, 0.95, "dropout");
			for (int l = 0; l < depth; l++) Check.range(decoderDropout(l), 0, 0.95, "dropout");
			Check.range(dimensions, 2, 3, "dimensions");
			if (dimensions == 3) {
				if (zPool != null && zPool.length != depth) throw new IllegalArgumentException("zPool needs " + depth +
					" factors");
				for (int l = 0; l < depth; l++) Check.range(zPool(l), 1, 2, "z pooling");
				Check.range(slices, 1, 4096, "patch depth");
			}
		}

		@Override
		public String toString() {
			return (dimensions == 3 ? "3D " : "") + "U-Net depth " + depth + ", base channels " + baseChannels + ", batch norm " + batchNorm + ", " +
				(classes == 1 ? "1 sigmoid output" : classes + " softmax outputs") + (heads > 1 ? ", " + heads + " heads" : "") +
				", encoder dropout " + Arrays.toString(dropouts()) + (dimensions == 3 ? ", z pooling " + Arrays.toString(
					zPoolFactors()) : "");
		}

		int[] zPoolFactors() {
			final int[] f = new int[depth];
			for (int l = 0; l < depth; l++) f[l] = zPool(l);
			return f;
		}

		private double[] dropouts() {
			final double[] d = new double[depth + 1];
			for (int l = 0; l <= depth; l++) d[l] = encoderDropout(l);
			return d;
		}
	}

	private UNet() {}

	/** Creates the variables of one network under the name scope {@code name}. */
	public static Network build(final Ops tf, final String name, final Config config, final long seed) {
		config.validate();
		return new Network(tf.withSubScope(name), name, config.copy(), seed);
	}

	/** The outputs of one forward pass. */
	public static final class Forward {

		/** Logits of each head, [N,H,W,K] with K = 1 (sigmoid) or C (softmax). */
		public final List<Operand<TFloat32>> logits = new ArrayList<>();
		/**
		 * Class probabilities of each head, always [N,H,W,C'] with C' >= 2 (for a sigmoid output: [1-p, p]),
		 * as the losses expect.
		 */
		public final List<Operand<TFloat32>> probabilities = new ArrayList<>();
		/** Moving-average updates of batch normalisation (training mode only): run them with the train op. */
		public final List<Op> updates = new ArrayList<>();

		public Operand<TFloat32> logits(final int head) {
			return logits.get(head);
		}

		public Operand<TFloat32> probabilities(final int head) {
			return probabilities.get(head);
		}
	}

	/** One network: its variables and a way to apply it. */
	public static final class Network {

		private final Ops tf;
		private final String name;
		private final Config config;
		private final long seed;
		private long opSeed = 1;
		private final List<Variable<TFloat32>> trainable = new ArrayList<>();
		private final List<Variable<TFloat32>> statistics = new ArrayList<>();
		private final List<Layer[]> encoder = new ArrayList<>();
		private final List<Layer[]> decoder = new ArrayList<>();
		private final List<Layer> heads = new ArrayList<>();
		private int dropoutCounter;
		/** 3D: the graph-wide number of slices per volume of the (4D) input, see {@link #forward}. */
		private Operand<TInt32> slices;

		Network(final Ops tf, final String name, final Config config, final long seed) {
			this.tf = tf;
			this.name = name;
			this.config = config;
			this.seed = seed;
			if (config.dimensions == 3) {
				Gradients3D.ensureRegistered();
				slices = slicesInput(tf, config.slices);
			}
			int in = 1;
			for (int l = 0; l <= config.depth; l++) {
				final int ch = config.baseChannels << l;
				encoder.add(new Layer[] { conv("enc" + l + "a", 3, in, ch, config.batchNorm), conv("enc" + l + "b", 3, ch, ch,
					config.batchNorm) });
				in = ch;
			}
			for (int l = config.depth - 1; l >= 0; l--) {
				final int ch = config.baseChannels << l;
				decoder.add(new Layer[] { conv("dec" + l + "a", 3, in + ch, ch, config.batchNorm), conv("dec" + l + "b", 3, ch,
					ch, config.batchNorm) });
				in = ch;
			}
			for (int h = 0; h < config.heads; h++) heads.add(conv("head" + h, 1, in, config.outputChannels(), false));
		}

		public String name() {
			return name;
		}

		public Config config() {
			return config.copy();
		}

		/** The variables that gradients update (convolution weights, biases, batch-norm scale and offset). */
		public List<Variable<TFloat32>> trainableVariables() {
			return Collections.unmodifiableList(trainable);
		}

		/** Batch-norm moving means and variances (updated by assignment, not by gradients). */
		public List<Variable<TFloat32>> statisticsVariables() {
			return Collections.unmodifiableList(statistics);
		}

		/** Every variable: trainable ones first, then statistics (the same order in any two networks built alike). */
		public List<Variable<TFloat32>> allVariables() {
			final List<Variable<TFloat32>> all = new ArrayList<>(trainable);
			all.addAll(statistics);
			return all;
		}

		/** Number of trainable scalars. */
		public long parameterCount() {
			long n = 0;
			for (final Variable<TFloat32> v : trainable) n += v.shape().size();
			return n;
		}

		/**
		 * Applies the network to {@code input} ([N,H,W,1], H and W multiples of 2^depth).
		 *
		 * @param training batch statistics + dropout + moving-average updates, or inference mode
		 */
		public Forward forward(final Operand<TFloat32> input, final boolean training) {
			if (config.dimensions == 3) return forward3d(input, training);
			final Forward f = new Forward();
			final Ops t = tf;
			final List<Operand<TFloat32>> skips = new ArrayList<>();
			Operand<TFloat32> x = input;
			for (int l = 0; l <= config.depth; l++) {
				if (l > 0) x = t.nn.maxPool(x, t.constant(new int[] { 1, 2, 2, 1 }), t.constant(new int[] { 1, 2, 2, 1 }),
					"VALID");
				x = encoder.get(l)[0].apply(t, x, training, true, f);
				x = encoder.get(l)[1].apply(t, x, training, true, f);
				x = dropout(t, x, config.encoderDropout(l), training);
				skips.add(x);
			}
			for (int i = 0; i < config.depth; i++) {
				final int l = config.depth - 1 - i;
				final Operand<TFloat32> skip = skips.get(l);
				if (referenceDecoder) {
					x = upsample2(t, x, skip);
					x = t.concat(Arrays.asList(skip, x), t.constant(3));
					x = decoder.get(i)[0].apply(t, x, training, true, f);
				}
				else {
					x = decoder.get(i)[0].applyUpConcat(t, skip, config.baseChannels << l, x, training, f);
				}
				x = decoder.get(i)[1].apply(t, x, training, true, f);
				x = dropout(t, x, config.decoderDropout(l), training);
			}
			for (final Layer head : heads) {
				final Operand<TFloat32> logits = head.apply(t, x, training, false, f);
				f.logits.add(logits);
				f.probabilities.add(probabilities(t, logits, config.classes));
			}
			return f;
		}

		/**
		 * The 3D network. Its input and outputs stay 4D so that everything around it (batches, losses, weights,
		 * methods, the exported signature) is the same as in 2D: the input [N·D,H,W,1] is N volumes of D
		 * consecutive slices each, D = the graph-wide scalar {@value #SLICES} (a placeholder with the training
		 * patch depth as default; prediction feeds its tile depth), reshaped to [N,D,H,W,1]; the logits
		 * [N,D,H,W,K] are reshaped back to [N·D,H,W,K]. D must be a multiple of {@link Config#zMultiple}, H and W
		 * of 2^depth. Convolutions are 3×3×3 (1×1×1 heads), pooling is 2×2 in x/y and {@link Config#zPool} in z,
		 * the decoder upsamples by nearest neighbour ({@link Gradients3D#upsample}) and concatenates the skip
		 * connection; batch norm, dropout and heads as in 2D.
		 */
		private Forward forward3d(final Operand<TFloat32> input, final boolean training) {
			final Forward f = new Forward();
			final Ops t = tf;
			final Operand<TInt32> hw = dims(t, t.shape(input), 1, 3);
			Operand<TFloat32> x = t.reshape(input, t.concat(Arrays.asList(t.constant(new int[] { -1 }), t.reshape(slices, t
				.constant(new int[] { 1 })), hw, t.constant(new int[] { 1 })), t.constant(0)));
			final List<Operand<TFloat32>> skips = new ArrayList<>();
			for (int l = 0; l <= config.depth; l++) {
				if (l > 0) {
					final int[] w = { config.zPool(l - 1), 2, 2 };
					x = Gradients3D.maxPool3d(t, x, w, w, "VALID");
				}
				x = encoder.get(l)[0].apply3d(t, x, training, true, f);
				x = encoder.get(l)[1].apply3d(t, x, training, true, f);
				x = dropout(t, x, config.encoderDropout(l), training);
				skips.add(x);
			}
			for (int i = 0; i < config.depth; i++) {
				final int l = config.depth - 1 - i;
				x = Gradients3D.upsample(t, x, new int[] { config.zPool(l), 2, 2 });
				x = t.concat(Arrays.asList(skips.get(l), x), t.constant(4));
				x = decoder.get(i)[0].apply3d(t, x, training, true, f);
				x = decoder.get(i)[1].apply3d(t, x, training, true, f);
				x = dropout(t, x, config.decoderDropout(l), training);
			}
			for (final Layer head : heads) {
				final Operand<TFloat32> l5 = head.apply3d(t, x, training, false, f);
				final int k = config.outputChannels();
				final Operand<TFloat32> logits = t.reshape(l5, t.concat(Arrays.asList(t.constant(new int[] { -1 }), dims(t, t
					.shape(l5), 2, 4), t.constant(new int[] { k })), t.constant(0)));
				f.logits.add(logits);
				f.probabilities.add(probabilities(t, logits, config.classes));
			}
			return f;
		}

		private Operand<TFloat32> dropout(final Ops t, final Operand<TFloat32> x, final double rate,
			final boolean training)
		{
			if (!training || rate <= 0) return x;
			final Operand<TFloat32> u = t.random.randomUniform(t.shape(x), TFloat32.class, RandomUniform.seed(seed),
				RandomUniform.seed2(1_000_000L + (dropoutCounter++)));
			final Operand<TFloat32> keep = t.dtypes.cast(t.math.greaterEqual(u, t.constant((float) rate)), TFloat32.class);
			return t.math.mul(x, t.math.mul(keep, t.constant((float) (1 / (1 - rate)))));
		}

		private Layer conv(final String layer, final int k, final int in, final int out, final boolean bn) {
			final Ops s = tf.withSubScope(layer);
			final boolean d3 = config.dimensions == 3;
			final float std = (float) Math.sqrt(2.0 / ((d3 ? k : 1) * k * k * in));
			final Operand<TFloat32> init = s.math.mul(s.random.randomStandardNormal(s.constant(d3 ? new int[] { k, k, k, in,
				out } : new int[] { k, k, in, out }),
				TFloat32.class, RandomStandardNormal.seed(seed), RandomStandardNormal.seed2(opSeed++)), s.constant(std));
			final Layer L = new Layer();
			L.kernel = s.withName("kernel").variable(init);
			trainable.add(L.kernel);
			if (bn) {
				L.gamma = s.withName("gamma").variable(s.fill(s.constant(new int[] { out }), s.constant(1f)));
				L.beta = s.withName("beta").variable(s.fill(s.constant(new int[] { out }), s.constant(0f)));
				L.movingMean = s.withName("moving_mean").variable(s.fill(s.constant(new int[] { out }), s.constant(0f)));
				L.movingVar = s.withName("moving_variance").variable(s.fill(s.constant(new int[] { out }), s.constant(1f)));
				trainable.add(L.gamma);
				trainable.add(L.beta);
				statistics.add(L.movingMean);
				statistics.add(L.movingVar);
			}
			else {
				L.bias = s.withName("bias").variable(s.fill(s.constant(new int[] { out }), s.constant(0f)));
				trainable.add(L.bias);
			}
			return L;
		}
	}

	/** Elements begin..end-1 of a shape (a strided slice, which TensorFlow's shape inference sees through). */
	private static Operand<TInt32> dims(final Ops t, final Operand<TInt32> shape, final int begin, final int end) {
		return t.stridedSlice(shape, t.constant(new int[] { begin }), t.constant(new int[] { end }), t.constant(new int[] {
			1 }));
	}

	/** Name of the graph-wide scalar input: slices per volume of a 3D network's 4D input. */
	public static final String SLICES = "volume_slices";

	/** The graph-wide slices input (created once per graph, default {@code slices}). */
	private static Operand<TInt32> slicesInput(final Ops tf, final int slices) {
		final org.tensorflow.Graph g = (org.tensorflow.Graph) tf.scope().env();
		final org.tensorflow.GraphOperation op = g.operation(SLICES);
		if (op != null) return op.output(0);
		return Ops.create(g).withName(SLICES).placeholderWithDefault(Ops.create(g).constant(slices), Shape.scalar());
	}

	/**
	 * Switch for tests and benchmarks: true = the decoder's textbook form (upsample2, concatenate, convolve),
	 * false (default) = the same values computed at low resolution ({@code Layer.applyUpConcat}).
	 */
	static boolean referenceDecoder = Boolean.getBoolean("noisylabels.referenceDecoder");

	/** Switch for benchmarks: true = ResizeNearestNeighbor, false = duplication by concat + reshape. */
	static boolean resizeOp = Boolean.getBoolean("noisylabels.resize");

	/**
	 * Nearest-neighbour upsampling by 2 to the skip connection's size. Built from ConcatV2 + Reshape (each
	 * pixel duplicated along x, then each row along y): same values as ResizeNearestNeighbor, but its
	 * gradient is a cheap reshape + sum instead of the slow single-threaded ResizeNearestNeighborGrad.
	 */
	static Operand<TFloat32> upsample2(final Ops t, final Operand<TFloat32> x, final Operand<TFloat32> skip) {
		if (resizeOp) {
			final Operand<TInt32> size = t.stridedSlice(t.shape(skip), t.constant(new int[] { 1 }), t.constant(new int[] {
				3 }), t.constant(new int[] { 1 }));
			return t.image.resizeNearestNeighbor(x, size);
		}
		final Operand<TInt32> sh = t.shape(skip); // [N, 2H, 2W, C_skip]
		final Operand<TInt32> xs = t.shape(x); // [N, H, W, C]
		final Operand<TInt32> n = t.slice(xs, t.constant(new int[] { 0 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> h = t.slice(xs, t.constant(new int[] { 1 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> c = t.slice(xs, t.constant(new int[] { 3 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> w2 = t.slice(sh, t.constant(new int[] { 2 }), t.constant(new int[] { 1 }));
		final Operand<TInt32> h2 = t.slice(sh, t.constant(new int[] { 1 }), t.constant(new int[] { 1 }));
		// [N,H,W,C] -> [N,H,W,2C] -> [N,H,2W,C]
		Operand<TFloat32> y = t.reshape(t.concat(Arrays.asList(x, x), t.constant(3)), t.concat(Arrays.asList(n, h, w2, c), t
			.constant(0)));
		// [N,H,2W,C] -> [N,H,4W,C] -> [N,2H,2W,C]
		y = t.reshape(t.concat(Arrays.asList(y, y), t.constant(2)), t.concat(Arrays.asList(n, h2, w2, c), t.constant(0)));
		return y;
	}

	/** Probabilities as the losses want them: softmax, or [1-p, p] for a sigmoid output. */
	public static Operand<TFloat32> probabilities(final Ops t, final Operand<TFloat32> logits, final int classes) {
		if (classes == 1) {
			final Operand<TFloat32> p = t.math.sigmoid(logits);
			return t.concat(Arrays.asList(t.math.sub(t.constant(1f), p), p), t.constant(3));
		}
		return t.nn.softmax(logits);
	}

	/** Batch-norm momentum of the moving statistics (PyTorch's default 0.1). */
	static final float BN_MOMENTUM = 0.1f;
	static final float BN_EPSILON = 1e-5f;

	private static final class Layer {

		Variable<TFloat32> kernel, bias, gamma, beta, movingMean, movingVar;

		/**
		 * The layer applied to concat(a, upsample2(b)) (nearest neighbour), computed without upsampling b: a 3×3
		 * convolution of a 2×-upsampled image is, for each of the 4 output phases (row and column parity), a
		 * 2×2 convolution of the low-resolution image with taps summed from the 3×3 kernel (rows of phase 0:
		 * K0 at offset −1 and K1 + K2 at offset 0; phase 1: K0 + K1 at 0 and K2 at +1; the same for
		 * columns). One 2×2 convolution with the 4 phase kernels side by side computes all phases on the
		 * zero-padded low-resolution image; each phase's window is cut out and depth-to-space interleaves them.
		 * The concatenation is not built either: the layer's kernel is split by input channels, and the two
		 * convolutions are summed. Same values as upsample2 + concat + {@link #apply} (zero padding of the
		 * upsampled image is zero padding of the small one; UNetTest compares outputs and gradients), with 16 instead of 36
		 * multiplications per low-resolution pixel, input and output channel, and no full-resolution copies:
		 * a training step of the default U-Net takes about 0.75× (TensorFlow's default CPU kernels) to 0.85×
		 * (oneDNN) the time of the upsample-and-concatenate form.
		 */
		Operand<TFloat32> applyUpConcat(final Ops t, final Operand<TFloat32> a, final int ca, final Operand<TFloat32> b,
			final boolean training, final UNet.Forward f)
		{
			final Operand<TFloat32> k = t.identity(kernel);
			final int cin = (int) kernel.shape().get(2), cout = (int) kernel.shape().get(3), cb = cin - ca;
			final Operand<TFloat32> ka = t.slice(k, t.constant(new int[] { 0, 0, 0, 0 }), t.constant(new int[] { 3, 3, ca,
				cout }));
			final List<Operand<TFloat32>> row = new ArrayList<>();
			for (int u = 0; u < 3; u++)
				row.add(t.slice(k, t.constant(new int[] { u, 0, ca, 0 }), t.constant(new int[] { 1, 3, cb, cout })));
			final List<Operand<TFloat32>> phases = new ArrayList<>();
			// row phase 0, then 1: [2,3,cb,cout] each
			for (final Operand<TFloat32> r : Arrays.asList(taps(t, row, 0, 0), taps(t, row, 1, 0))) {
				final List<Operand<TFloat32>> col = new ArrayList<>();
				for (int v = 0; v < 3; v++)
					col.add(t.slice(r, t.constant(new int[] { 0, v, 0, 0 }), t.constant(new int[] { 2, 1, cb, cout })));
				phases.add(taps(t, col, 0, 1));
				phases.add(taps(t, col, 1, 1));
			}
			// [2,2,cb,4·cout], phase p = 2·row parity + column parity
			final Operand<TFloat32> k4 = t.concat(phases, t.constant(3));
			final Operand<TFloat32> padded = t.pad(b, t.constant(new int[][] { { 0, 0 }, { 1, 1 }, { 1, 1 }, { 0, 0 } }), t
				.constant(0f));
			// [N, H+1, W+1, 4·cout]
			final Operand<TFloat32> all = Conv.conv2d(t, padded, k4, "VALID");
			final List<Operand<TFloat32>> cut = new ArrayList<>();
			// size of each phase: [-1, H, W, cout] with H, W of b
			final Operand<TInt32> hw = t.slice(t.shape(b), t.constant(new int[] { 1 }), t.constant(new int[] { 2 }));
			final Operand<TInt32> size = t.concat(Arrays.asList(t.constant(new int[] { -1 }), hw, t.constant(new int[] {
				cout })), t.constant(0));
			for (int p = 0; p < 4; p++) {
				final int di = p / 2, dj = p % 2;
				// rows di .. di+H−1 of H+1, columns dj .. dj+W−1, channels of phase p
				cut.add(t.slice(all, t.constant(new int[] { 0, di, dj, p * cout }), size));
			}
			final Operand<TFloat32> up = t.nn.depthToSpace(t.concat(cut, t.constant(3)), 2L);
			final Operand<TFloat32> y = t.math.add(Conv.conv2d(t, a, ka, "SAME"), up);
			return finish(t, y, training, true, f);
		}

		/** The two taps of phase {@code parity} along {@code axis}: [k0, k1 + k2] (parity 0) or [k0 + k1, k2]. */
		private static Operand<TFloat32> taps(final Ops t, final List<Operand<TFloat32>> k, final int parity,
			final int axis)
		{
			return t.concat(parity == 0 ? Arrays.asList(k.get(0), t.math.add(k.get(1), k.get(2))) : Arrays.asList(t.math
				.add(k.get(0), k.get(1)), k.get(2)), t.constant(axis));
		}

		Operand<TFloat32> apply(final Ops t, final Operand<TFloat32> x, final boolean training, final boolean relu,
			final UNet.Forward f)
		{
			return finish(t, Conv.conv2d(t, x, t.identity(kernel), "SAME"), training, relu, f);
		}

		/**
		 * The 3D layer on x [N,D,H,W,C]: 3D convolution, then batch norm (on the same values seen as [N·D,H,W,C]:
		 * per-channel statistics over every other axis either way) or bias, then ReLU.
		 */
		Operand<TFloat32> apply3d(final Ops t, final Operand<TFloat32> x, final boolean training, final boolean relu,
			final UNet.Forward f)
		{
			final Operand<TFloat32> c = Gradients3D.conv3d(t, x, t.identity(kernel), new int[] { 1, 1, 1 }, "SAME");
			if (gamma == null) return finish(t, c, training, relu, f);
			final Operand<TInt32> s5 = t.shape(c);
			final int ch = (int) kernel.shape().get(4);
			final Operand<TFloat32> c4 = t.reshape(c, t.concat(Arrays.asList(t.constant(new int[] { -1 }), dims(t, s5, 2, 4),
				t.constant(new int[] { ch })), t.constant(0)));
			return t.reshape(finish(t, c4, training, relu, f), t.concat(Arrays.asList(dims(t, s5, 0, 4), t.constant(
				new int[] { ch })), t.constant(0)));
		}

		private Operand<TFloat32> finish(final Ops t, final Operand<TFloat32> conv, final boolean training,
			final boolean relu, final UNet.Forward f)
		{
			Operand<TFloat32> y = conv;
			if (gamma != null) {
				final FusedBatchNorm<TFloat32, TFloat32> bn = t.nn.fusedBatchNorm(y, t.identity(gamma), t.identity(beta), t
					.identity(movingMean), t.identity(movingVar), FusedBatchNorm.isTraining(training), FusedBatchNorm.epsilon(
						BN_EPSILON), FusedBatchNorm.exponentialAvgFactor(training ? BN_MOMENTUM : 1f));
				y = bn.y();
				if (training) {
					f.updates.add(t.assign(movingMean, t.stopGradient(bn.batchMean())));
					f.updates.add(t.assign(movingVar, t.stopGradient(bn.batchVariance())));
				}
			}
			else if (bias != null) {
				y = t.nn.biasAdd(y, t.identity(bias));
			}
			return relu ? t.nn.relu(y) : y;
		}
	}

	/** The shape [k,k,in,out] of a layer's kernel, for tests. */
	static Shape kernelShape(final Variable<TFloat32> v) {
		return v.shape();
	}
}
