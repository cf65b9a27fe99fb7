package org.noisylabels.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a method sees while it builds its per-step loss: the graph ({@link #tf()}), the networks, the
 * batch of every data stream as graph inputs, and scalars fed at every step. Everything here is built
 * once; the trainer feeds new values at every step.
 */
public final class StepGraph {

	private final Ops tf;
	private final List<UNet.Network> networks;
	private final UNet.Network teacher;
	private final int classes, lossClasses;
	private final long seed;
	final List<Placeholder<TFloat32>> images = new ArrayList<>();
	final List<Placeholder<TInt32>> labels = new ArrayList<>();
	final List<Placeholder<TFloat32>> weights = new ArrayList<>();
	private final List<Operand<TFloat32>> targets = new ArrayList<>();
	final List<Map<String, Placeholder<TFloat32>>> extras = new ArrayList<>();
	final Map<String, PlaceholderWithDefault<TFloat32>> scalars = new LinkedHashMap<>();
	final Map<String, Float> scalarDefaults = new HashMap<>();
	final List<Op> updates = new ArrayList<>();
	private final Map<String, UNet.Forward> cache = new HashMap<>();
	/** Inputs fed at every step from {@link StepContext#feed}, with their shapes and current values. */
	final Map<String, PlaceholderWithDefault<TFloat32>> feeds = new LinkedHashMap<>();
	final Map<String, long[]> feedShapes = new HashMap<>();
	final Map<String, float[]> feedDefaults = new HashMap<>();
	/** Tensors fetched after every step, for {@link StepContext#fetched}. */
	final Map<String, Operand<TFloat32>> fetches = new LinkedHashMap<>();

	StepGraph(final Ops tf, final List<UNet.Network> networks, final UNet.Network teacher, final int classes,
		final int streams, final List<String> pixelInputs, final long seed)
	{
		this.tf = tf;
		this.networks = networks;
		this.teacher = teacher;
		this.classes = classes;
		this.lossClasses = Math.max(2, classes);
		this.seed = seed;
		final Ops in = tf.withSubScope("batch");
		for (int s = 0; s < streams; s++) {
			images.add(in.withName("image" + s).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1))));
			final Placeholder<TInt32> l = in.withName("labels" + s).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1,
				-1, -1)));
			labels.add(l);
			weights.add(in.withName("weight" + s).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1))));
			targets.add(in.oneHot(l, in.constant(lossClasses), in.constant(1f), in.constant(0f)));
			final Map<String, Placeholder<TFloat32>> ex = new LinkedHashMap<>();
			for (final String key : pixelInputs) ex.put(key, in.withName(key + s).placeholder(TFloat32.class, Placeholder
				.shape(Shape.of(-1, -1, -1, 1))));
			extras.add(ex);
		}
	}

	/** The graph's ops. */
	public Ops tf() {
		return tf;
	}

	/** The seed of this training run (for random ops a method adds). */
	public long seed() {
		return seed;
	}

	/** Network output channels: 1 (sigmoid) or C (softmax). */
	public int classes() {
		return classes;
	}

	/** Channels of probabilities and targets: max(2, classes). */
	public int lossClasses() {
		return lossClasses;
	}

	public int networkCount() {
		return networks.size();
	}

	public UNet.Network network(final int i) {
		return networks.get(i);
	}

	/** The EMA teacher of network 0, or null. */
	public UNet.Network teacher() {
		return teacher;
	}

	/**
	 * Slices per volume patch: the 3D network's patch depth D (the batch holds N·D slices, the D slices of
	 * each patch as consecutive rows), 1 for a 2D network.
	 */
	public int slices() {
		final UNet.Config c = networks.get(0).config();
		return c.dimensions == 3 ? c.slices : 1;
	}

	/**
	 * The batch tensor {@code x} [N·D,H,...] of this graph's networks with the rows of each volume patch
	 * stacked along y, [N,D·H,...] ({@link #volumeRows(Ops, Operand, int)} with D = {@link #slices()}): a
	 * reduction per image over axes 1.. is then one per volume. In 2D x itself.
	 */
	public Operand<TFloat32> volumeRows(final Operand<TFloat32> x) {
		return volumeRows(tf, x, slices());
	}

	/**
	 * Reshapes {@code x} [N·D,H,rest...] (rank ≥ 3; the D slices of each volume as consecutive rows, as
	 * the 3D U-Net reads and writes its batch) to [N,D·H,rest...]: each volume becomes one image of its
	 * slices one below the other, so per-image reductions over axes 1.. become per-volume ones. Static
	 * sizes of the trailing axes are kept. D = 1 returns x.
	 */
	public static Operand<TFloat32> volumeRows(final Ops tf, final Operand<TFloat32> x, final int slices) {
		if (slices == 1) return x;
		final Shape st = x.shape();
		if (st.isUnknown() || st.numDimensions() < 3) throw new IllegalArgumentException(
			"volume rows need a tensor of rank >= 3, got " + st);
		final Operand<TInt32> shape = tf.shape(x);
		final List<Operand<TInt32>> dims = new ArrayList<>();
		dims.add(tf.constant(new int[] { -1 }));
		dims.add(tf.math.mul(tf.slice(shape, tf.constant(new int[] { 1 }), tf.constant(new int[] { 1 })), tf.constant(
			new int[] { slices })));
		for (int a = 2; a < st.numDimensions(); a++)
			dims.add(st.size(a) >= 0 ? tf.constant(new int[] { (int) st.size(a) }) : tf.slice(shape, tf.constant(new int[] {
				a }), tf.constant(new int[] { 1 })));
		return tf.reshape(x, tf.concat(dims, tf.constant(0)));
	}

	/** The batch's normalised images [N,H,W,1] of stream {@code s}. */
	public Operand<TFloat32> image(final int s) {
		return images.get(s);
	}

	/** The batch's class labels [N,H,W] (int32). */
	public Operand<TInt32> labels(final int s) {
		return labels.get(s);
	}

	/** One-hot targets [N,H,W,lossClasses]. */
	public Operand<TFloat32> target(final int s) {
		return targets.get(s);
	}

	/** Pixel weights [N,H,W,1] (0 = ignored, also outside the image). */
	public Operand<TFloat32> weight(final int s) {
		return weights.get(s);
	}

	/** An extra per-pixel input [N,H,W,1] declared in {@code TrainingMethod.pixelInputs()}. */
	public Operand<TFloat32> pixelInput(final int s, final String key) {
		final Placeholder<TFloat32> p = extras.get(s).get(key);
		if (p == null) throw new IllegalArgumentException("pixel input '" + key +
			"' was not declared in the method's pixelInputs()");
		return p;
	}

	/**
	 * A scalar fed at every step (set it with {@link StepContext#setScalar}); {@code defaultValue} until
	 * set. Calling it twice with one name returns the same input.
	 */
	public Operand<TFloat32> scalar(final String name, final float defaultValue) {
		PlaceholderWithDefault<TFloat32> p = scalars.get(name);
		if (p == null) {
			p = tf.withSubScope("scalars").withName(name).placeholderWithDefault(tf.constant(defaultValue), Shape.scalar());
			scalars.put(name, p);
			scalarDefaults.put(name, defaultValue);
		}
		return p;
	}

	/**
	 * A float tensor of a fixed shape fed at every training step: set it in
	 * {@code TrainingMethod.beforeStep} with {@link StepContext#feed}; it keeps its value until set again,
	 * and holds {@code initial} until first set. For state a method keeps in Java between steps (DAST: the
	 * recent scores of its rank queues). Calling it twice with one name returns the same input (the shape
	 * and initial values of the first call).
	 *
	 * @param initial row-major values, as many as the shape's elements
	 */
	public Operand<TFloat32> feed(final String name, final float[] initial, final long... shape) {
		PlaceholderWithDefault<TFloat32> p = feeds.get(name);
		if (p == null) {
			final Shape s = Shape.of(shape);
			if (s.size() != initial.length) throw new IllegalArgumentException("feed '" + name + "': " + initial.length +
				" initial values for shape " + s);
			p = tf.withSubScope("feeds").withName(name).placeholderWithDefault(tf.constant(s, DataBuffers.of(initial
				.clone(), true, false)), s);
			feeds.put(name, p);
			feedShapes.put(name, shape.clone());
			feedDefaults.put(name, initial.clone());
		}
		return p;
	}

	/**
	 * Fetches {@code value} (any float tensor of the step's graph) after every training step; read it in
	 * {@code TrainingMethod.afterStep} with {@link StepContext#fetched}. The values are those of the step's
	 * own forward pass, before the weight update. A name can be registered once.
	 */
	public void fetch(final String name, final Operand<TFloat32> value) {
		if (fetches.containsKey(name)) throw new IllegalArgumentException("fetch '" + name + "' is already registered");
		fetches.put(name, value);
	}

	/**
	 * Network {@code net} on stream {@code s}'s batch in training mode (batch statistics, dropout); built
	 * once and shared by repeated calls. Batch-norm updates are run with every step.
	 */
	public UNet.Forward forward(final int net, final int s) {
		final String key = net + "/" + s;
		UNet.Forward f = cache.get(key);
		if (f == null) {
			f = forward(networks.get(net), images.get(s), true);
			cache.put(key, f);
		}
		return f;
	}

	/**
	 * Any network (a student or the teacher) on any input, in training or inference mode. Each call
	 * builds new ops; the training-mode batch-norm updates are run with every step.
	 */
	public UNet.Forward forward(final UNet.Network network, final Operand<TFloat32> input, final boolean training) {
		final UNet.Forward f = network.forward(input, training);
		updates.addAll(f.updates);
		return f;
	}

	/** Adds an op to run with every training step. */
	public void addUpdate(final Op op) {
		updates.add(op);
	}
}
