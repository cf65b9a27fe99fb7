package org.noisylabels.method.pint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.train.Sample;
import org.noisylabels.train.Tiler;
import org.noisylabels.train.Tiler3D;
import org.noisylabels.train.UNet;
import org.noisylabels.train.Volumes;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * PINT's uncertainty outputs after training: the pixel uncertainty u of whole images from the same M
 * perturbed stochastic passes of the trained teacher as in a training step (soft p̂), built in the training
 * graph by {@link #build} and run tile by tile ({@link Tiler}) by {@link #compute}, and the per-image table
 * of a u stack ({@link #uncertaintyTable}).
 */
public final class UncertaintyMaps {

	/** The uncertainty table's threshold: half the largest binary entropy, 0.5·ln 2 nats. */
	public static final double HIGH_UNCERTAINTY = 0.5 * Math.log(2);
	/** seed2 offset of the uncertainty map's perturbations (apart from the training steps' draws). */
	static final long DRAW_OFFSET = 1000;

	private final UNet.Network teacher;
	private final Placeholder<TFloat32> mapInput;
	private final Operand<TFloat32> mapOutput;

	private UncertaintyMaps(final UNet.Network teacher, final Placeholder<TFloat32> mapInput,
		final Operand<TFloat32> mapOutput)
	{
		this.teacher = teacher;
		this.mapInput = mapInput;
		this.mapOutput = mapOutput;
	}

	/**
	 * Builds the map path in the training graph, in the scope {@code pint_uncertainty}: an input
	 * [N,H,W,1], its M perturbed copies (draws {@value #DRAW_OFFSET}…, apart from the steps' draws) through
	 * ONE teacher pass in training mode, and u [N,H,W,1].
	 */
	public static UncertaintyMaps build(final Ops tf, final UNet.Network teacher, final int m, final double noiseStd,
		final double noiseClip, final long seed)
	{
		final Ops u = tf.withSubScope("pint_uncertainty");
		final Placeholder<TFloat32> mapInput = u.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape
			.of(-1, -1, -1, 1)));
		final List<Operand<TFloat32>> xs = new ArrayList<>(m);
		for (int k = 0; k < m; k++)
			xs.add(Perturbation.perturb(u, mapInput, noiseStd, noiseClip, seed, (int) DRAW_OFFSET + k));
		final Operand<TFloat32> stacked = m == 1 ? xs.get(0) : u.concat(xs, u.constant(0));
		final Uncertainty mapUnc = Uncertainty.fromStacked(u, teacher.forward(stacked, true).probabilities(0), m,
			true);
		final Operand<TFloat32> mapOutput = u.withName("u").expandDims(mapUnc.uncertainty, u.constant(3));
		return new UncertaintyMaps(teacher, mapInput, mapOutput);
	}

	/** The pixel uncertainty of the training images and its per-image table. */
	public static final class Maps {

		/** 32-bit u per pixel, one slice per image (padded with NaN to the largest image). */
		public final ImagePlus uncertainty;
		/** {@link UncertaintyMaps#uncertaintyTable} of the slices, over their non-ignored pixels. */
		public final ResultsTable table;

		Maps(final ImagePlus uncertainty, final ResultsTable table) {
			this.uncertainty = uncertainty;
			this.table = table;
		}
	}

	/**
	 * After training (on the session of {@link org.noisylabels.train.Trainer.Outcome#session()}): the
	 * pixel uncertainty u of every sample, from M perturbed stochastic passes of the trained teacher
	 * exactly as in a training step (soft p̂), on tiles of up to {@code tile} pixels (whole images up to
	 * that size). Samples of different sizes are padded with NaN to the largest one.
	 *
	 * @param weights the samples' pixel weights as given (null entries = all pixels count), for the table
	 */
	public Maps compute(final Session session, final List<Sample> samples, final List<float[]> weights,
		final int tile, final String title, final Progress progress)
	{
		Objects.requireNonNull(session, "session");
		if (samples.isEmpty()) throw new NoisyLabelsException("no training images to map");
		int w = 0, h = 0;
		for (final Sample s : samples) {
			w = Math.max(w, s.width);
			h = Math.max(h, s.height);
		}
		final UNet.Config net = teacher.config();
		final Tiler tiler = new Tiler(net.sizeMultiple(), net.receptiveMargin(), tile, 1, 1);
		// a 3D teacher maps each volume in 3D (tiles of up to min(tile, 256) pixels × patch depth + 2 z margins)
		final Map<Sample, float[]> volumeMaps = net.dimensions == 3 ? volumeMaps(session, samples, Math.min(tile, 256),
			progress) : null;
		final ImageStack maps = new ImageStack(w, h), weightStack = new ImageStack(w, h);
		for (int i = 0; i < samples.size(); i++) {
			final Sample s = samples.get(i);
			final int index = i;
			final Progress sub = new Progress() {

				@Override
				public void update(final String message, final double fraction) {
					progress.update("Uncertainty map " + (index + 1) + "/" + samples.size(), (index + Math.max(0, fraction)) /
						samples.size());
				}

				@Override
				public boolean isCanceled() {
					return progress.isCanceled();
				}
			};
			final float[] u = volumeMaps != null ? volumeMaps.get(s) : tiler.predict((x, y) -> s.image[y * s.width + x],
				s.width, s.height, (tiles, n, th, tw) -> runMap(session, tiles, n, th, tw), sub)[0];
			final float[] wt = weights == null || i >= weights.size() ? null : weights.get(i);
			final float[] mu = new float[w * h], mw = new float[w * h];
			Arrays.fill(mu, Float.NaN);
			for (int y = 0; y < s.height; y++) {
				System.arraycopy(u, y * s.width, mu, y * w, s.width);
				for (int x = 0; x < s.width; x++)
					mw[y * w + x] = wt == null ? 1 : wt[y * s.width + x];
			}
			maps.addSlice(s.name, new FloatProcessor(w, h, mu));
			weightStack.addSlice(s.name, new FloatProcessor(w, h, mw));
		}
		final ImagePlus imp = new ImagePlus(title, maps);
		imp.getProcessor().setMinAndMax(0, Math.log(teacher.config().outputChannels() == 1 ? 2 : teacher.config()
			.outputChannels()));
		return new Maps(imp, uncertaintyTable(maps, weightStack));
	}

	/** 3D: u of every sample, each volume ({@link Volumes#of}) mapped in 3D with {@link Tiler3D}. */
	private Map<Sample, float[]> volumeMaps(final Session session, final List<Sample> samples, final int tile,
		final Progress progress)
	{
		final UNet.Config net = teacher.config();
		final Tiler3D tiler = new Tiler3D(net.sizeMultiple(), net.receptiveMargin(), tile, net.zMultiple(), net
			.zReceptiveMargin(), net.slices + 2 * net.zReceptiveMargin(), 1, 1);
		final Map<Sample, float[]> out = new IdentityHashMap<>();
		final List<Volumes.Volume> volumes = Volumes.of(samples);
		for (int i = 0; i < volumes.size(); i++) {
			final Volumes.Volume v = volumes.get(i);
			final int index = i;
			final float[][] im = new float[v.depth()][];
			for (int z = 0; z < im.length; z++) im[z] = v.slices().get(z).image;
			final float[][] u = tiler.predict(im, v.width(), v.height(), (tiles, n, td, th, tw) -> runMap3d(session, tiles, n,
				td, th, tw), new Progress() {

					@Override
					public void update(final String message, final double fraction) {
						progress.update("Uncertainty map of volume " + (index + 1) + "/" + volumes.size(), (index + Math.max(0,
							fraction)) / volumes.size());
					}

					@Override
					public boolean isCanceled() {
						return progress.isCanceled();
					}
				})[0];
			for (int z = 0; z < u.length; z++) out.put(v.slices().get(z), u[z]);
		}
		return out;
	}

	/** 3D: u of n tiles of td slices [n·td,th,tw,1] (the network's slices input fed with td). */
	private float[] runMap3d(final Session session, final float[] tiles, final int n, final int td, final int th,
		final int tw)
	{
		final float[] out = new float[n * td * th * tw];
		try (TFloat32 x = TFloat32.tensorOf(Shape.of(n * td, th, tw, 1), DataBuffers.of(tiles, true, false));
			TInt32 d = TInt32.scalarOf(td);
			Result r = session.runner().feed(mapInput, x).feed(UNet.SLICES, d).fetch(mapOutput).run())
		{
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
		}
		return out;
	}

	private float[] runMap(final Session session, final float[] tiles, final int n, final int th, final int tw) {
		final float[] out = new float[n * th * tw];
		try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, th, tw, 1), DataBuffers.of(tiles, true, false));
			Result r = session.runner().feed(mapInput, x).fetch(mapOutput).run())
		{
			((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
		}
		return out;
	}

	/** Columns of {@link #uncertaintyTable}. */
	public static final String[] TABLE_COLUMNS = { "slice", "mean_u", "max_u", "fraction_high_u",
		"image_label_weight", "mean_pixel_label_weight", "pixels" };

	/**
	 * One row per slice (= image of the image phase) of a pixel-uncertainty stack: {@code slice} (1-based;
	 * the row label is the slice label), {@code mean_u} = U_i, {@code max_u}, {@code fraction_high_u} =
	 * fraction of pixels with u &gt; 0.5·ln 2 ({@link #HIGH_UNCERTAINTY}), {@code image_label_weight} =
	 * exp(−U_i) (INT's weight of the noisy label), {@code mean_pixel_label_weight} = mean exp(−u) (PNT's),
	 * {@code pixels} = number of pixels counted. All over the non-ignored pixels.
	 *
	 * @param uncertainty a stack of u maps (any pixel type; read as float)
	 * @param weight same-size stack, 0 = ignored pixel; null = all pixels
	 */
	public static ResultsTable uncertaintyTable(final ImageStack uncertainty, final ImageStack weight) {
		Objects.requireNonNull(uncertainty, "uncertainty");
		if (weight != null && (weight.getWidth() != uncertainty.getWidth() || weight.getHeight() != uncertainty
			.getHeight() || weight.getSize() != uncertainty.getSize()))
		{
			throw new NoisyLabelsException("the weight stack (" + weight.getWidth() + "x" + weight.getHeight() + "x" +
				weight.getSize() + ") must have the size of the uncertainty stack (" + uncertainty.getWidth() + "x" +
				uncertainty.getHeight() + "x" + uncertainty.getSize() + ")");
		}
		final ResultsTable table = new ResultsTable();
		for (int s = 1; s <= uncertainty.getSize(); s++) {
			final float[] u = floats(uncertainty.getProcessor(s));
			final float[] w = weight == null ? null : floats(weight.getProcessor(s));
			double sum = 0, sumAlpha = 0, max = Double.NaN;
			long n = 0, high = 0;
			for (int i = 0; i < u.length; i++) {
				if (w != null && !(w[i] > 0)) continue;
				final double v = u[i];
				if (Double.isNaN(v)) {
					throw new NoisyLabelsException("the uncertainty map has NaN at slice " + s +
						": recompute it from finite network outputs");
				}
				sum += v;
				sumAlpha += Math.exp(-v);
				max = n == 0 ? v : Math.max(max, v);
				if (v > HIGH_UNCERTAINTY) high++;
				n++;
			}
			table.incrementCounter();
			final String label = uncertainty.getSliceLabel(s);
			table.setLabel(label == null || label.isEmpty() ? "slice " + s : label, table.size() - 1);
			final double mean = n == 0 ? Double.NaN : sum / n;
			table.addValue("slice", s);
			table.addValue("mean_u", mean);
			table.addValue("max_u", max);
			table.addValue("fraction_high_u", n == 0 ? Double.NaN : (double) high / n);
			table.addValue("image_label_weight", Math.exp(-mean));
			table.addValue("mean_pixel_label_weight", n == 0 ? Double.NaN : sumAlpha / n);
			table.addValue("pixels", n);
		}
		return table;
	}

	/**
	 * An uncertainty map [N,H,W] fetched from the graph (flattened, image n at n·H·W) as a stack of N
	 * float slices W×H, labelled with {@code labels} (null or shorter = "slice k").
	 */
	public static ImageStack uncertaintyStack(final float[] u, final int n, final int height, final int width,
		final String[] labels)
	{
		if (u == null || n < 1 || (long) n * height * width != u.length) {
			throw new IllegalArgumentException("uncertainty map of length " + (u == null ? "null" : u.length) +
				" is not " + n + "x" + height + "x" + width);
		}
		final ImageStack stack = new ImageStack(width, height);
		final int p = height * width;
		for (int i = 0; i < n; i++) {
			final float[] slice = Arrays.copyOfRange(u, i * p, (i + 1) * p);
			stack.addSlice(labels != null && i < labels.length ? labels[i] : "slice " + (i + 1), new FloatProcessor(
				width, height, slice));
		}
		return stack;
	}

	private static float[] floats(final ImageProcessor ip) {
		final Object px = ip.getPixels();
		if (px instanceof float[]) return (float[]) px;
		return (float[]) ip.convertToFloatProcessor().getPixels();
	}
}
