package org.noisylabels.metric;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.filter.GaussianBlur;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Classical threshold segmentations, the baselines that learned methods are compared with.
 * <ol>
 * <li>Optional Gaussian pre-smoothing of every slice (ImageJ's {@link GaussianBlur}, sigma in
 * pixels; 0 = none).</li>
 * <li>A global method of ImageJ's {@link AutoThresholder} (Otsu by default, or any of its 17
 * methods) applied to a 256-bin histogram, exactly as ImageJ's <i>Image &gt; Adjust &gt; Threshold</i>:
 * for an 8-bit image without smoothing the bins are the grey values 0..255; otherwise the 256 bins
 * span [min, max] of the (smoothed) intensities. With {@code per_slice = false} one histogram (and one
 * threshold) covers the whole stack, otherwise every slice gets its own. Bright objects are the bins
 * above the method's threshold bin t; dark objects the bins up to t (ImageJ's convention).</li>
 * <li>Or "Adaptive Gaussian": a pixel is an object where its (smoothed) value exceeds the
 * Gaussian-weighted local mean minus {@code offset} standard deviations:
 * {@code v > mean_local - offset * sd}, with the local mean a Gaussian blur of sigma
 * {@code (block_size - 1) / 6} (the window of {@code block_size} pixels spans ±3 sigma, as in
 * scikit-image's {@code threshold_local}) and {@code sd} the standard deviation of the (smoothed)
 * intensities of the slice ({@code per_slice = true}) or of the whole stack. The offset is in units of
 * that standard deviation, so it does not depend on the bit depth; a negative offset (e.g. -0.3)
 * suppresses the noise of flat background, which an offset of 0 splits about half and half. Dark
 * objects: {@code v < mean_local + offset * sd}.</li>
 * </ol>
 * A constant image (or, per slice, a constant slice) has nothing to threshold and is rejected.
 */
public final class ThresholdBaseline {

	public static final String OTSU = "Otsu";
	public static final String ADAPTIVE = "Adaptive Gaussian";

	/** Every method: Otsu first, then Adaptive Gaussian, then the other AutoThresholder methods. */
	public static final String[] METHODS = { "Otsu", "Adaptive Gaussian", "Default", "Huang", "Intermodes",
		"IsoData", "IJ_IsoData", "Li", "MaxEntropy", "Mean", "MinError", "Minimum", "Moments", "Percentile",
		"RenyiEntropy", "Shanbhag", "Triangle", "Yen" };

	/** The mask and, for global methods, the threshold in intensity units. */
	public static final class Result {

		/** 0/255 8-bit mask with the image's calibration. */
		public final ImagePlus mask;
		/**
		 * Per slice: the smallest (smoothed) intensity counted as a bright object, i.e. the lower edge of
		 * the first bin above the threshold bin (for dark objects: the values below it); NaN for
		 * Adaptive Gaussian.
		 */
		public final double[] thresholds;
		/** Per slice: the threshold bin t of the 256-bin histogram (-1 for Adaptive Gaussian). */
		public final int[] bins;

		Result(final ImagePlus mask, final double[] thresholds, final int[] bins) {
			this.mask = mask;
			this.thresholds = thresholds;
			this.bins = bins;
		}
	}

	private ThresholdBaseline() {}

	/** The canonical name of a method, or a one-line error listing the choices. */
	public static String method(final String name) {
		return Check.choice(name, "method", METHODS);
	}

	/**
	 * Segments {@code image} (2D or stack) by thresholding.
	 *
	 * @param sigma Gaussian pre-smoothing in pixels, 0 = none
	 * @param blockSize Adaptive Gaussian window in pixels (odd, at least 3)
	 * @param offset Adaptive Gaussian offset in standard deviations of the intensities
	 * @param darkObjects whether objects are darker than the background
	 * @param perSlice one threshold per slice instead of one for the whole stack
	 */
	public static Result apply(final ImagePlus image, final String method, final double sigma,
		final int blockSize, final double offset, final boolean darkObjects, final boolean perSlice,
		final Progress progress)
	{
		Masks.requireNoNaN(Check.present(image, "image"), "image");
		final String m = method(method);
		Check.range(sigma, 0, 1000, "sigma");
		Check.range(offset, -1000, 1000, "offset");
		if (ADAPTIVE.equals(m)) {
			Check.range(blockSize, 3, 100001, "block_size");
			if (blockSize % 2 == 0) {
				throw new NoisyLabelsException("block_size=" + blockSize + " must be odd: use " + (blockSize + 1));
			}
		}
		final ImageStack in = image.getStack();
		final int w = image.getWidth(), h = image.getHeight(), d = in.getSize();
		final boolean raw8 = image.getBitDepth() == 8 && sigma == 0;
		// a constant image is refused on its raw values: smoothing leaves rounding ripples near the border
		// that a threshold would turn into stripes
		requireNotConstant(in, perSlice, image.getTitle());
		// the (smoothed) intensities
		final float[][] v = new float[d][];
		for (int z = 0; z < d; z++) {
			progress.checkCanceled();
			progress.update("Threshold baseline: smoothing slice " + (z + 1) + "/" + d, 0.5 * z / d);
			final FloatProcessor fp = in.getProcessor(z + 1).convertToFloatProcessor();
			if (sigma > 0) {
				final GaussianBlur blur = new GaussianBlur();
				blur.showProgress(false);
				blur.blurGaussian(fp, sigma, sigma, 0.0002);
			}
			v[z] = (float[]) fp.getPixels();
		}
		final ImageStack out = new ImageStack(w, h);
		final double[] thresholds = new double[d];
		final int[] bins = new int[d];
		if (ADAPTIVE.equals(m)) adaptive(v, w, h, blockSize, offset, darkObjects, perSlice, out, thresholds, bins,
			progress, image.getTitle());
		else global(v, w, h, AutoThresholder.Method.valueOf(m), raw8, darkObjects, perSlice, out, thresholds, bins,
			progress, image.getTitle());
		for (int z = 1; z <= d; z++) out.setSliceLabel(in.getSliceLabel(z), z);
		final ImagePlus mask = new ImagePlus(Masks.stripExtension(image.getTitle()) + "-" + m.replace(' ', '-')
			.toLowerCase(java.util.Locale.ROOT), out);
		mask.setCalibration(image.getCalibration().copy());
		mask.getCalibration().disableDensityCalibration();
		progress.update("Threshold baseline: done", 1);
		return new Result(mask, thresholds, bins);
	}

	private static void global(final float[][] v, final int w, final int h, final AutoThresholder.Method method,
		final boolean raw8, final boolean dark, final boolean perSlice, final ImageStack out,
		final double[] thresholds, final int[] bins, final Progress progress, final String title)
	{
		final int d = v.length;
		final AutoThresholder thresholder = new AutoThresholder();
		int z0 = 0;
		while (z0 < d) {
			final int z1 = perSlice ? z0 + 1 : d; // slices [z0, z1) share one histogram
			progress.checkCanceled();
			progress.update("Threshold baseline: " + method.name() + (perSlice ? " slice " + (z0 + 1) : ""), 0.5 +
				0.5 * z0 / d);
			double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
			for (int z = z0; z < z1; z++)
				for (final float x : v[z]) {
					if (x < min) min = x;
					if (x > max) max = x;
				}
			if (!(max > min)) throw constant(title, perSlice && d > 1 ? z0 + 1 : 0, min);
			final double lo = raw8 ? 0 : min, scale = raw8 ? 1 : 256.0 / (max - min);
			final int[] hist = new int[256];
			for (int z = z0; z < z1; z++)
				for (final float x : v[z]) hist[bin(x, lo, scale)]++;
			final int t = thresholder.getThreshold(method, hist);
			final double value = lo + (t + 1) / scale;
			for (int z = z0; z < z1; z++) {
				final byte[] px = new byte[w * h];
				final float[] a = v[z];
				for (int i = 0; i < px.length; i++) {
					final boolean above = bin(a[i], lo, scale) > t;
					if (above != dark) px[i] = (byte) Masks.FG;
				}
				out.addSlice(null, new ByteProcessor(w, h, px));
				thresholds[z] = value;
				bins[z] = t;
			}
			z0 = z1;
		}
	}

	private static int bin(final float x, final double lo, final double scale) {
		final int b = (int) ((x - lo) * scale);
		return b < 0 ? 0 : b > 255 ? 255 : b;
	}

	private static void adaptive(final float[][] v, final int w, final int h, final int blockSize,
		final double offset, final boolean dark, final boolean perSlice, final ImageStack out,
		final double[] thresholds, final int[] bins, final Progress progress, final String title)
	{
		final int d = v.length;
		final double[] sd = new double[d];
		if (perSlice) {
			for (int z = 0; z < d; z++) {
				sd[z] = sd(v, z, z + 1);
				if (!(sd[z] > 0)) throw constant(title, d > 1 ? z + 1 : 0, v[z][0]);
			}
		}
		else {
			final double all = sd(v, 0, d);
			if (!(all > 0)) throw constant(title, 0, v[0][0]);
			java.util.Arrays.fill(sd, all);
		}
		final double localSigma = (blockSize - 1) / 6.0;
		for (int z = 0; z < d; z++) {
			progress.checkCanceled();
			progress.update("Threshold baseline: adaptive, slice " + (z + 1) + "/" + d, 0.5 + 0.5 * z / d);
			final FloatProcessor mean = new FloatProcessor(w, h, v[z].clone());
			final GaussianBlur blur = new GaussianBlur();
			blur.showProgress(false);
			blur.blurGaussian(mean, localSigma, localSigma, 0.0002);
			final float[] mu = (float[]) mean.getPixels();
			final float[] a = v[z];
			final double shift = offset * sd[z];
			final byte[] px = new byte[w * h];
			for (int i = 0; i < px.length; i++) {
				final boolean object = dark ? a[i] < mu[i] + shift : a[i] > mu[i] - shift;
				if (object) px[i] = (byte) Masks.FG;
			}
			out.addSlice(null, new ByteProcessor(w, h, px));
			thresholds[z] = Double.NaN;
			bins[z] = -1;
		}
	}

	private static double sd(final float[][] v, final int z0, final int z1) {
		double sum = 0, sum2 = 0;
		long n = 0;
		for (int z = z0; z < z1; z++)
			for (final float x : v[z]) {
				sum += x;
				n++;
			}
		final double mean = sum / n;
		for (int z = z0; z < z1; z++)
			for (final float x : v[z]) sum2 += (x - mean) * (x - mean);
		return Math.sqrt(sum2 / n);
	}

	private static void requireNotConstant(final ImageStack in, final boolean perSlice, final String title) {
		final int d = in.getSize();
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int z = 1; z <= d; z++) {
			if (perSlice) {
				min = Double.POSITIVE_INFINITY;
				max = Double.NEGATIVE_INFINITY;
			}
			final ij.process.ImageProcessor ip = in.getProcessor(z);
			for (int i = 0, n = ip.getPixelCount(); i < n; i++) {
				final float x = ip.getf(i);
				if (x < min) min = x;
				if (x > max) max = x;
			}
			if (perSlice && !(max > min)) throw constant(title, d > 1 ? z : 0, min);
		}
		if (!(max > min)) throw constant(title, 0, min);
	}

	private static NoisyLabelsException constant(final String title, final int slice, final double value) {
		return new NoisyLabelsException((slice > 0 ? "slice " + slice + " of " : "") + "image " + (title == null ? ""
			: title + " ") + "is constant (every pixel is " + Check.fmt(value) + "): there is nothing to threshold" +
			(slice > 0 ? "; use per_slice=false or remove that slice" : ""));
	}
}
