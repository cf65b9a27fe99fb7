package org.noisylabels.train;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;

/**
 * A set of training samples (2D slices) with class labels, pixel weights and the normalisation applied
 * to their intensities. Built from one image + label, a stack + label stack, or two folders of pairs.
 * <p>
 * Labels: a binary label image (0 and one other value, e.g. 0/255) becomes classes 0/1; otherwise the
 * values must be the whole numbers 0..C−1, with C <= 8 unless the number of classes is given (anything else,
 * e.g. instance labels, is refused: see {@link LabelMap#of}). An ignore mask (non-zero = ignored) sets weights to 0; a
 * 32-bit weight image gives per-pixel weights (>= 0).
 */
public final class TrainingData {

	private final List<Sample> samples = new ArrayList<>();
	private final int classes;
	private final Normalization normalization;
	private final List<String> names = new ArrayList<>();

	public TrainingData(final List<Sample> samples, final int classes, final Normalization normalization,
		final List<String> sourceNames)
	{
		this.samples.addAll(samples);
		this.classes = classes;
		this.normalization = normalization;
		this.names.addAll(sourceNames);
	}

	public List<Sample> samples() {
		return Collections.unmodifiableList(samples);
	}

	public int size() {
		return samples.size();
	}

	public Sample sample(final int i) {
		return samples.get(i);
	}

	/** Number of label classes (>= 2). */
	public int classes() {
		return classes;
	}

	public Normalization normalization() {
		return normalization;
	}

	/** Names of the images the data came from (recorded in the model). */
	public List<String> sourceNames() {
		return Collections.unmodifiableList(names);
	}

	/** Total number of pixels with a non-zero weight. */
	public long usedPixels() {
		long n = 0;
		for (final Sample s : samples) n += s.usedPixels();
		return n;
	}

	/**
	 * Builds training data from an image (2D or stack) and its label image.
	 *
	 * @param classes the number of classes to expect, or 0 to infer it from the labels
	 * @param ignore optional mask of ignored pixels (non-zero = ignored), may be null
	 * @param weights optional per-pixel weights (>= 0), may be null
	 */
	public static TrainingData fromImages(final ImagePlus image, final ImagePlus label, final ImagePlus ignore,
		final ImagePlus weights, final Normalization normalization, final int classes, final String imageKey,
		final String labelKey)
	{
		Masks.requireNoNaN(image, imageKey);
		Masks.requireSameSize(image, imageKey, label, labelKey);
		if (ignore != null) Masks.requireSameSize(image, imageKey, ignore, "ignore_mask");
		if (weights != null) {
			Masks.requireSameSize(image, imageKey, weights, "weights");
			Masks.requireNoNaN(weights, "weights");
		}
		final LabelMap map = LabelMap.of(label, labelKey, classes);
		final List<Sample> list = new ArrayList<>();
		final ImageStack st = image.getStack();
		final String base = Masks.stripExtension(image.getTitle());
		for (int z = 1; z <= st.getSize(); z++) {
			final float[] w = sliceWeights(ignore, weights, z);
			list.add(new Sample(st.getSize() > 1 ? base + ":" + z : base, image.getWidth(), image.getHeight(), normalization
				.apply(st.getProcessor(z)), map.apply(label.getStack().getProcessor(z)), w));
		}
		final TrainingData d = new TrainingData(list, map.classes, normalization, Arrays.asList(image.getTitle()));
		d.requireNotEmpty(imageKey);
		return d;
	}

	/**
	 * Builds training data from two folders of pairs: every image file in {@code images} needs a label
	 * file of the same name (any TIFF/PNG extension) in {@code labels}.
	 */
	public static TrainingData fromFolders(final File images, final File labels, final Normalization normalization,
		final int classes)
	{
		if (images == null || !images.isDirectory()) throw new NoisyLabelsException("image_folder " + images +
			" is not a folder: give the folder of training images");
		if (labels == null || !labels.isDirectory()) throw new NoisyLabelsException("label_folder " + labels +
			" is not a folder: give the folder of label images");
		final File[] files = ImageFiles.imagesIn(images);
		if (files == null || files.length == 0) throw new NoisyLabelsException("image_folder " + images +
			" holds no .tif/.png image: the training set is empty");
		final List<File> imageFiles = new ArrayList<>(), labelFiles = new ArrayList<>();
		for (final File f : files) {
			final File l = findPartner(labels, f.getName());
			if (l == null) throw new NoisyLabelsException("no label for " + f.getName() + " in " + labels +
				": give each image a label file with the same name");
			imageFiles.add(f);
			labelFiles.add(l);
		}
		return fromFiles(imageFiles, labelFiles, normalization, classes, "image_folder", "label_folder");
	}

	/**
	 * Builds training data from lists of image and label files (pair i = images[i], labels[i]; each file
	 * a 2D image or a stack), e.g. the rows of a PyMIC CSV file; {@code imageKey}/{@code labelKey} name the
	 * source in errors.
	 */
	public static TrainingData fromFiles(final List<File> images, final List<File> labels,
		final Normalization normalization, final int classes, final String imageKey, final String labelKey)
	{
		if (images.isEmpty()) throw new NoisyLabelsException(imageKey + ": the training set is empty");
		final List<ImagePlus[]> pairs = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			pairs.add(new ImagePlus[] { ImageFiles.open(images.get(i), imageKey), ImageFiles.open(labels.get(i),
				labelKey) });
		}
		// one class count for all pairs
		// one class count for all pairs, from the union of their label values
		int c = classes;
		if (c == 0) {
			final TreeSet<Float> union = new TreeSet<>();
			for (final ImagePlus[] p : pairs) {
				LabelMap.of(p[1], "label " + p[1].getTitle(), 0); // checks the values
				union.addAll(LabelMap.values(p[1]));
			}
			final boolean binary = union.size() <= 2 && (union.size() == 1 || union.first() == 0);
			c = binary ? 2 : LabelMap.checkClasses(union, labelKey, 0);
		}
		final List<Sample> list = new ArrayList<>();
		final List<String> names = new ArrayList<>();
		for (final ImagePlus[] p : pairs) {
			final TrainingData one = fromImages(p[0], p[1], null, null, normalization, c, "image " + p[0].getTitle(),
				"label " + p[1].getTitle());
			list.addAll(one.samples);
			names.add(p[0].getTitle());
		}
		return new TrainingData(list, c, normalization, names);
	}

	private static File findPartner(final File folder, final String name) {
		final String base = Masks.stripExtension(name);
		for (final String ext : new String[] { ".tif", ".tiff", ".png", ".TIF", ".PNG" }) {
			final File f = new File(folder, base + ext);
			if (f.isFile()) return f;
		}
		return null;
	}

	private static float[] sliceWeights(final ImagePlus ignore, final ImagePlus weights, final int z) {
		if (ignore == null && weights == null) return null;
		final ImageProcessor ig = ignore == null ? null : ignore.getStack().getProcessor(z);
		final ImageProcessor wt = weights == null ? null : weights.getStack().getProcessor(z);
		final int n = (ig != null ? ig : wt).getPixelCount();
		final float[] w = new float[n];
		for (int i = 0; i < n; i++) {
			float v = wt == null ? 1f : wt.getf(i);
			if (v < 0) throw new NoisyLabelsException("weights has the negative value " + v + ": pixel weights must be >= 0");
			if (ig != null && ig.getf(i) != 0) v = 0;
			w[i] = v;
		}
		return w;
	}

	/** Fails when no pixel can be learned from. */
	public void requireNotEmpty(final String key) {
		if (samples.isEmpty() || usedPixels() == 0) throw new NoisyLabelsException(key +
			": the training set is empty (every pixel is ignored): give labels with some non-ignored pixels");
	}

	/**
	 * Holds out part of the data for validation. With at least 5 samples whole samples are held out;
	 * otherwise each sample is cut into a grid of {@code tile}×{@code tile} tiles and a seeded fraction of
	 * the tiles is held out: their pixels get weight 0 in training (their labels are never learned from)
	 * and they are returned as validation samples.
	 */
	public TrainingData splitValidation(final double fraction, final int tile, final long seed) {
		final SplittableRandom rnd = new SplittableRandom(seed ^ 0x5eed5eedL);
		final List<Sample> val = new ArrayList<>();
		if (samples.size() >= 5) {
			final int k = Math.max(1, (int) Math.round(fraction * samples.size()));
			final List<Integer> idx = new ArrayList<>();
			for (int i = 0; i < samples.size(); i++) idx.add(i);
			shuffle(idx, rnd);
			final TreeSet<Integer> held = new TreeSet<>(idx.subList(0, k));
			for (final int i : held.descendingSet()) val.add(0, samples.remove(i));
		}
		else {
			for (final Sample s : samples) {
				final int nx = Math.max(1, s.width / tile), ny = Math.max(1, s.height / tile);
				final int tw = Math.min(tile, s.width), th = Math.min(tile, s.height);
				final int n = nx * ny;
				if (n < 2) continue;
				final int k = Math.max(1, (int) Math.round(fraction * n));
				final List<Integer> idx = new ArrayList<>();
				for (int i = 0; i < n; i++) idx.add(i);
				shuffle(idx, rnd);
				final List<Integer> held = new ArrayList<>(idx.subList(0, Math.min(k, n - 1)));
				Collections.sort(held);
				float[] w = s.weights();
				w = w == null ? filled(s.width * s.height) : w.clone();
				for (final int t : held) {
					final int x0 = (t % nx) * tw, y0 = (t / nx) * th;
					val.add(s.crop(s.name + "@" + x0 + "," + y0, x0, y0, tw, th));
					for (int y = y0; y < y0 + th; y++)
						Arrays.fill(w, y * s.width + x0, y * s.width + x0 + tw, 0f);
				}
				s.setWeights(w);
			}
		}
		if (val.isEmpty()) throw new NoisyLabelsException("the training data is too small to hold out validation tiles of " +
			tile + " pixels: give validation_image/validation_label, a smaller patch_size, or validation_fraction=0");
		requireNotEmpty("image");
		return new TrainingData(val, classes, normalization, Arrays.asList("held out from " + String.join(", ", names)));
	}

	/**
	 * 3D form of {@link #splitValidation}: with at least 5 volumes ({@link Volumes#of}) about
	 * {@code fraction} of them are held out whole (at least 1, never all); otherwise a slab of about
	 * {@code fraction} of the slices (at least 1, never all) at a random z of each volume of 2 slices or more
	 * is held out: its slices stay in the training volume as context with weight 0, and a copy of the slab,
	 * named {@code name@zK:1..k} so it forms a volume of its own, is the validation data.
	 */
	public TrainingData splitValidationVolumes(final double fraction, final long seed) {
		final SplittableRandom rnd = new SplittableRandom(seed ^ 0x5eed5eedL);
		final List<Volumes.Volume> volumes = Volumes.of(samples);
		final List<Sample> val = new ArrayList<>();
		if (volumes.size() >= 5) {
			final int k = Math.min(volumes.size() - 1, Math.max(1, (int) Math.round(fraction * volumes.size())));
			final List<Integer> idx = new ArrayList<>();
			for (int i = 0; i < volumes.size(); i++) idx.add(i);
			shuffle(idx, rnd);
			final TreeSet<Integer> held = new TreeSet<>(idx.subList(0, k));
			for (final int i : held) val.addAll(volumes.get(i).slices);
			final java.util.Set<Sample> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
			out.addAll(val);
			samples.removeIf(out::contains);
		}
		else {
			for (final Volumes.Volume v : volumes) {
				final int d = v.depth();
				if (d < 2) continue;
				final int k = Math.min(d - 1, Math.max(1, (int) Math.round(fraction * d)));
				final int z0 = rnd.nextInt(d - k + 1);
				for (int z = z0; z < z0 + k; z++) {
					final Sample s = v.slices.get(z);
					final int c = s.name.lastIndexOf(':');
					final String base = c < 0 ? s.name : s.name.substring(0, c);
					val.add(s.crop(base + "@z" + (z0 + 1) + ":" + (z - z0 + 1), 0, 0, s.width, s.height));
					s.setWeights(new float[s.width * s.height]);
				}
			}
		}
		if (val.isEmpty()) throw new NoisyLabelsException(
			"dimensions=3: no validation can be held out of volumes of one slice: give validation_image/validation_label, or validation_fraction=0");
		requireNotEmpty("image");
		return new TrainingData(val, classes, normalization, Arrays.asList("held out from " + String.join(", ", names)));
	}

	private static float[] filled(final int n) {
		final float[] w = new float[n];
		Arrays.fill(w, 1f);
		return w;
	}

	private static void shuffle(final List<Integer> l, final SplittableRandom rnd) {
		for (int i = l.size() - 1; i > 0; i--) Collections.swap(l, i, rnd.nextInt(i + 1));
	}

	/** How label values map to classes. */
	public static final class LabelMap {

		final int classes;
		final float foreground; // NaN unless binary with a non-unit foreground value

		private LabelMap(final int classes, final float foreground) {
			this.classes = classes;
			this.foreground = foreground;
		}

		/** The largest number of classes inferred without {@code classes=N}: labels 0..7. */
		public static final int MAX_AUTO_CLASSES = 8;

		/**
		 * Reads the classes of a label image. With {@code expected = 0} (automatic): binary (0 and one other
		 * value) -> 2 classes; else whole numbers 0..C−1 with C <= {@link #MAX_AUTO_CLASSES}; anything else
		 * (instance labels, class values such as 0/128/255) is refused. With {@code expected > 0} (the user's
		 * {@code classes=N}, or a model's classes), values must lie in 0..expected−1 (a binary 0/v image is
		 * accepted as 0/1 when expected is 2).
		 */
		public static LabelMap of(final ImagePlus label, final String key, final int expected) {
			Masks.requireGray(label, key);
			final TreeSet<Float> values = new TreeSet<>();
			final ImageStack st = label.getStack();
			for (int z = 1; z <= st.getSize(); z++) {
				final ImageProcessor ip = st.getProcessor(z);
				for (int i = 0; i < ip.getPixelCount(); i++) {
					final float v = ip.getf(i);
					if (Float.isNaN(v)) throw new NoisyLabelsException(key + " has NaN pixels: labels must be whole numbers 0, 1, 2, ...");
					if (values.size() < 300) values.add(v);
				}
			}
			final float max = values.last();
			if (expected <= 2 && values.size() <= 2 && values.first() >= 0 && (values.size() == 1 || values.first() == 0)) {
				final float fg = values.size() == 2 ? max : values.first() == 0 ? 1 : values.first();
				final int c = Math.max(2, expected);
				return new LabelMap(c, fg);
			}
			return new LabelMap(checkClasses(values, key, expected), Float.NaN);
		}

		/**
		 * The number of classes of non-binary label values (see {@link #of}); {@code values} holds the
		 * distinct values (at most 300 are collected).
		 */
		static int checkClasses(final TreeSet<Float> values, final String key, final int expected) {
			for (final float v : values) {
				if (v < 0 || v != Math.rint(v)) throw new NoisyLabelsException(key + " has the value " +
					org.noisylabels.Check.fmt(v) + ": class labels must be whole numbers 0, 1, 2, ... (or a binary 0/255 mask)");
			}
			final float max = values.last();
			if (expected > 0) {
				if (max >= expected) throw new NoisyLabelsException(key + " has the class " + Math.round(max) +
					" but the model has only " + expected + " classes (0.." + (expected - 1) +
					"): relabel it or retrain with all classes (classes=N)");
				return expected;
			}
			if (max >= MAX_AUTO_CLASSES) {
				final StringBuilder list = new StringBuilder();
				int k = 0;
				for (final float v : values) {
					if (k++ == 4) {
						list.append(", ...");
						break;
					}
					list.append(k == 1 ? "" : ", ").append(org.noisylabels.Check.fmt(v));
				}
				final boolean classLike = max < 255 && values.size() == max + 1;
				throw new NoisyLabelsException(key + " has " + (values.size() >= 300 ? "300 or more" : values.size()) +
					" different values (" + list + " up to " + org.noisylabels.Check.fmt(max) +
					"): it is neither a binary mask nor classes 0.." + (MAX_AUTO_CLASSES - 1) +
					". Object (instance) labels: convert them with 'Labels to Mask' first. Classes: " + (classLike ?
						"give classes=" + Math.round(max + 1) + " to train " + Math.round(max + 1) + " classes 0.." + Math.round(max)
						: "relabel them to 0, 1, ..., C-1 and give classes=C"));
			}
			return Math.max(2, (int) max + 1);
		}

		public int classes() {
			return classes;
		}

		/** The distinct values of a label image (at most 300 are collected). */
		static TreeSet<Float> values(final ImagePlus label) {
			final TreeSet<Float> values = new TreeSet<>();
			final ImageStack st = label.getStack();
			for (int z = 1; z <= st.getSize(); z++) {
				final ImageProcessor ip = st.getProcessor(z);
				for (int i = 0; i < ip.getPixelCount() && values.size() < 300; i++) values.add(ip.getf(i));
			}
			return values;
		}

		byte[] apply(final ImageProcessor ip) {
			final byte[] out = new byte[ip.getPixelCount()];
			final boolean binary = !Float.isNaN(foreground);
			for (int i = 0; i < out.length; i++) {
				final float v = ip.getf(i);
				out[i] = (byte) (binary ? v == foreground ? 1 : 0 : (int) v);
			}
			return out;
		}
	}
}
