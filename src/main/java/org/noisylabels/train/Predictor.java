package org.noisylabels.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.Masks;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Applies a trained model to images of any size: per-slice normalisation as recorded in the model, then
 * {@link Tiler tiled} prediction in batches of tiles (no whole-image tensor is ever built). Outputs a
 * 32-bit probability map (the foreground probability for binary models; C channels otherwise) and a mask
 * (probability >= threshold as 0/255 for binary models; the argmax class 0..C−1 otherwise).
 * <p>
 * Load a model folder with {@link #load(Path)} and {@link #close()} it when done; one predictor may be
 * used for any number of images. Not thread-safe.
 */
public final class Predictor implements AutoCloseable {

	/** A probability map and a mask. */
	public static final class Prediction {

		public final ImagePlus probability, mask;

		Prediction(final ImagePlus probability, final ImagePlus mask) {
			this.probability = probability;
			this.mask = mask;
		}
	}

	private final ModelInfo info;
	private final Session session;
	private final String inputName, outputName;
	private final Operand<TFloat32> inputOp, outputOp;
	private final SavedModelBundle bundle;
	private final Path tempFolder;
	private int tileSize = 512;
	private int tileBatch = 2;
	/** 3D tiles: x/y size and depth in slices (0 = automatic, see {@link #tiler3d}). */
	private int tile3d, tileDepth3d;

	private Predictor(final ModelInfo info, final Session session, final String in, final String out,
		final Operand<TFloat32> inOp, final Operand<TFloat32> outOp, final SavedModelBundle bundle, final Path temp)
	{
		this.info = info;
		this.session = session;
		this.inputName = in;
		this.outputName = out;
		this.inputOp = inOp;
		this.outputOp = outOp;
		this.bundle = bundle;
		this.tempFolder = temp;
	}

	/** A predictor over a live training session (closing it closes nothing of the session). */
	static Predictor live(final ModelInfo info, final Session session, final Operand<TFloat32> input,
		final Operand<TFloat32> output)
	{
		return new Predictor(info, session, null, null, input, output, null, null);
	}

	/** Loads a model folder (or .zip); one-line errors for anything missing, corrupt or incompatible. */
	public static Predictor load(final Path path) {
		if (!Files.exists(path)) throw new NoisyLabelsException("model: " + path + " does not exist: give a model folder");
		Path folder = path;
		Path temp = null;
		if (ModelFiles.isZip(path) && Files.isRegularFile(path)) {
			temp = ModelFiles.unzip(path);
			folder = temp;
		}
		try {
			final ModelInfo info;
			try {
				info = ModelInfo.read(folder);
			}
			catch (final NoisyLabelsException e) {
				// name the zip the user gave, never the temporary folder it was extracted to
				if (temp == null) throw e;
				throw new NoisyLabelsException("model: " + path + " is not a valid Noisy Labels model (" + e.getMessage()
					.replace(temp.toString(), path.getFileName().toString()) + ")");
			}
			final Path sm = folder.resolve(ModelInfo.SAVED_MODEL);
			if (!Files.isRegularFile(sm.resolve("saved_model.pb"))) throw new NoisyLabelsException("model: " + path +
				" has no saved_model/saved_model.pb: " + (temp == null ? "the folder" : "the zip") +
				" is incomplete, retrain the model");
			final SavedModelBundle bundle;
			try {
				bundle = SavedModelBundle.load(sm.toString(), "serve");
			}
			catch (final RuntimeException e) {
				throw new NoisyLabelsException("model: TensorFlow cannot load " + (temp == null ? sm : path) + " (" +
					firstLine(e).replace(String.valueOf(temp), path.getFileName().toString()) +
					"): the model is corrupt or from an incompatible version");
			}
			try {
				Signature sig = null;
				for (final Signature s : bundle.signatures())
					if (s.inputNames().contains("image") && s.outputNames().contains("probability")) sig = s;
				if (sig == null) throw new NoisyLabelsException("model: " + path +
					" has no image -> probability signature: it was not written by Noisy Labels");
				return new Predictor(info, bundle.session(), sig.getInputs().get("image").name, sig.getOutputs().get(
					"probability").name, null, null, bundle, null);
			}
			catch (final RuntimeException e) {
				bundle.close();
				throw e;
			}
		}
		finally {
			// the loaded session holds the graph and the variables in memory: the extracted files are not needed
			deleteQuietly(temp);
		}
	}

	private static String firstLine(final Throwable e) {
		final String m = String.valueOf(e.getMessage());
		final int nl = m.indexOf('\n');
		return nl < 0 ? m : m.substring(0, nl);
	}

	private static void deleteQuietly(final Path p) {
		if (p == null) return;
		try {
			AtomicFiles.deleteRecursively(p);
		}
		catch (final java.io.IOException e) {
			// temporary folder: best effort
		}
	}

	public ModelInfo info() {
		return info;
	}

	/** Tile size (pixels) and tiles per batch; larger tiles are faster but need more native memory. */
	public Predictor setTiling(final int tile, final int batch) {
		this.tileSize = tile;
		this.tileBatch = batch;
		return this;
	}

	/** 3D models: tile side in x/y and tile depth in slices (0 = automatic). */
	public Predictor setTiling3D(final int tile, final int depth) {
		this.tile3d = tile;
		this.tileDepth3d = depth;
		return this;
	}

	private Tiler3D tiler3d() {
		return tiler3d(info, tile3d, tileDepth3d);
	}

	/**
	 * 3D tiling (tile or depth 0 = automatic). Automatic sizes: x/y max(256, training patch), depth the training
	 * patch depth + 2·z margin (Tiler3D raises both to at least 2·margin + one size multiple), one tile per
	 * run. With the defaults (base 16, depth 3, patch 128, isotropic voxels: margins of 72 in x/y and z) a
	 * 512×512×64 stack runs as 25 tiles of 256×256×64, so the network's activations never cover more than one
	 * tile whatever the stack's size; only the input stack and the output probabilities are whole-volume arrays.
	 */
	static Tiler3D tiler3d(final ModelInfo info, final int tile, final int depth) {
		final int xy = tile > 0 ? tile : Math.max(256, info.patchSize);
		final int z = depth > 0 ? depth : info.patchDepth + 2 * info.zMargin;
		return new Tiler3D(info.sizeMultiple, info.margin, xy, info.zMultiple, info.zMargin, z, 1, info.outputChannels);
	}

	/** 3D: runs the network on n tiles of td slices [n·td,th,tw,1]. */
	float[] run3d(final float[] tiles, final int n, final int td, final int th, final int tw) {
		final int k = info.outputChannels;
		final float[] out = new float[n * td * th * tw * k];
		try (TFloat32 x = TFloat32.tensorOf(Shape.of(n * td, th, tw, 1), DataBuffers.of(tiles, true, false));
			TInt32 d = TInt32.scalarOf(td))
		{
			final Session.Runner r = session.runner().feed(UNet.SLICES, d);
			if (inputOp != null) r.feed(inputOp, x).fetch(outputOp);
			else r.feed(inputName, x).fetch(outputName);
			try (Result res = r.run()) {
				((TFloat32) res.get(0)).copyTo(DataBuffers.of(out, false, false));
			}
		}
		return out;
	}

	/** 3D models: probabilities [K][slice][w·h] of a normalised volume (slices row-major w×h). */
	public float[][][] predictVolume(final float[][] slices, final int w, final int h, final Progress progress) {
		if (info.dimensions != 3) throw new IllegalStateException("not a 3D model");
		return tiler3d().predict(slices, w, h, this::run3d, progress);
	}

	/**
	 * oneDNN's fused convolution + batch norm + ReLU (what TensorFlow makes of an inference graph) is about
	 * 10× slower on a batch of ONE tile than on two on this suite's AVX2 CPU (3.5 s against 0.33 s for
	 * 512×512, default U-Net). So under oneDNN a single tile runs as a batch of two copies.
	 */
	static boolean padSingleTile = Device.oneDnnKernels();

	/** Runs the network on a batch of normalised tiles [n,th,tw,1]. */
	float[] run(final float[] tiles, final int n, final int th, final int tw) {
		final int k = info.outputChannels;
		if (n == 1 && padSingleTile) {
			final float[] two = Arrays.copyOf(tiles, 2 * th * tw);
			System.arraycopy(tiles, 0, two, th * tw, th * tw);
			return Arrays.copyOf(runBatch(two, 2, th, tw, k), th * tw * k);
		}
		return runBatch(tiles, n, th, tw, k);
	}

	private float[] runBatch(final float[] tiles, final int n, final int th, final int tw, final int k) {
		final float[] out = new float[n * th * tw * k];
		try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, th, tw, 1), DataBuffers.of(tiles, true, false))) {
			final Session.Runner r = session.runner();
			if (inputOp != null) r.feed(inputOp, x).fetch(outputOp);
			else r.feed(inputName, x).fetch(outputName);
			try (Result res = r.run()) {
				((TFloat32) res.get(0)).copyTo(DataBuffers.of(out, false, false));
			}
		}
		return out;
	}

	/** Probabilities of one normalised image (K channels of w·h). */
	public float[][] predictNormalized(final float[] image, final int w, final int h, final Progress progress) {
		return tiler().predict((x, y) -> image[y * w + x], w, h, this::run, progress);
	}

	private Tiler tiler() {
		return new Tiler(info.sizeMultiple, info.margin, tileSize, tileBatch, info.outputChannels);
	}

	/** Probabilities of one slice, normalised as in training. */
	public float[][] predict(final ImageProcessor ip, final Progress progress) {
		final float[] a = info.normalizationObject().affine(ip);
		final int w = ip.getWidth();
		return tiler().predict((x, y) -> ip.getf(x, y) * a[0] + a[1], w, ip.getHeight(), this::run, progress);
	}

	/**
	 * Predicts every slice of {@code image}.
	 *
	 * @param threshold foreground threshold for binary models (ignored for C >= 3 classes: argmax)
	 */
	public Prediction predict(final ImagePlus image, final double threshold, final Progress progress) {
		Masks.requireNoNaN(image, "image");
		if (image.getNChannels() > 1) throw new NoisyLabelsException("image has " + image.getNChannels() +
			" channels: the model takes one channel; split the channels first");
		final int w = image.getWidth(), h = image.getHeight(), z = image.getStackSize(), k = info.outputChannels;
		final ImageStack probs = new ImageStack(w, h), masks = new ImageStack(w, h);
		// 3D models: the stack is one volume, each slice normalised as in training
		float[][][] volume = null;
		if (info.dimensions == 3) {
			final float[][] norm = new float[z][];
			final Normalization nz = info.normalizationObject();
			for (int s = 1; s <= z; s++) norm[s - 1] = nz.apply(image.getStack().getProcessor(s));
			volume = predictVolume(norm, w, h, progress);
		}
		for (int s = 1; s <= z; s++) {
			final int slice = s;
			final Progress sub = new Progress() {

				@Override
				public void update(final String message, final double fraction) {
					progress.update("Slice " + slice + "/" + z + ": " + message, (slice - 1 + Math.max(0, fraction)) / z);
				}

				@Override
				public boolean isCanceled() {
					return progress.isCanceled();
				}
			};
			final float[][] p;
			if (volume != null) {
				p = new float[k][];
				for (int c = 0; c < k; c++) p[c] = volume[c][s - 1];
			}
			else p = predict(image.getStack().getProcessor(s), sub);
			final byte[] m = new byte[w * h];
			if (k == 1) {
				for (int i = 0; i < m.length; i++)
					if (p[0][i] >= threshold) m[i] = (byte) 255;
			}
			else {
				for (int i = 0; i < m.length; i++) {
					int best = 0;
					for (int c = 1; c < k; c++)
						if (p[c][i] > p[best][i]) best = c;
					m[i] = (byte) best;
				}
			}
			for (int c = 0; c < k; c++) probs.addSlice(k > 1 ? "class " + c : "probability", new FloatProcessor(w, h, p[c]));
			masks.addSlice(new ByteProcessor(w, h, m));
		}
		final String base = Masks.stripExtension(image.getTitle());
		final ImagePlus prob = new ImagePlus(base + "-probability", probs);
		if (k > 1) prob.setDimensions(k, z, 1);
		prob.setCalibration(image.getCalibration().copy());
		prob.getProcessor().setMinAndMax(0, 1);
		final ImagePlus mask = new ImagePlus(base + "-mask", masks);
		mask.setCalibration(image.getCalibration().copy());
		if (k > 1) mask.getProcessor().setMinAndMax(0, k - 1);
		return new Prediction(prob, mask);
	}

	@Override
	public void close() {
		if (bundle != null) bundle.close();
		deleteQuietly(tempFolder);
	}
}
