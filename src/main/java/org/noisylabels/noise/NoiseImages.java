package org.noisylabels.noise;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/** Small helpers shared by the noise generators: counts, random subsets, results with calibration. */
public final class NoiseImages {

	private NoiseImages() {}

	/**
	 * ceil(p·n), computed on the decimal value of {@code p} (so that p = 0.1 and n = 30 give 3, not the 4 that
	 * the binary double 0.1·30 = 3.0000000000000004 would give).
	 */
	public static int ceilCount(final double p, final int n) {
		return new BigDecimal(Double.toString(p)).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING)
			.intValueExact();
	}

	/** round(p·n) with halves rounded up, computed on the decimal value of {@code p}. */
	public static int roundCount(final double p, final int n) {
		return new BigDecimal(Double.toString(p)).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.HALF_UP)
			.intValueExact();
	}

	/**
	 * Moves a uniformly chosen subset of {@code k} elements of {@code a[from, from + n)} to its first {@code k}
	 * places (partial Fisher-Yates shuffle).
	 */
	public static void chooseFirst(final int[] a, final int from, final int n, final int k,
		final SplittableRandom random)
	{
		for (int i = 0; i < k; i++) {
			final int j = from + i + random.nextInt(n - i);
			final int t = a[from + i];
			a[from + i] = a[j];
			a[j] = t;
		}
	}

	/** The title of a result: the input's title without extension plus a suffix such as "-flipped". */
	public static String title(final ImagePlus source, final String suffix) {
		return Masks.stripExtension(source.getTitle()) + suffix;
	}

	/** A new image from a stack, with the source's calibration and the given title. */
	public static ImagePlus result(final ImagePlus source, final ImageStack stack, final String title) {
		final ImagePlus imp = new ImagePlus(title, stack);
		imp.setCalibration(source.getCalibration().copy());
		return imp;
	}

	/** A 0/255 8-bit image from per-slice byte arrays (0 or -1 = 255), with the source's calibration. */
	public static ImagePlus maskResult(final ImagePlus source, final byte[][] slices, final String title) {
		final int w = source.getWidth(), h = source.getHeight();
		final ImageStack out = new ImageStack(w, h);
		final ImageStack in = source.getStack();
		for (int s = 0; s < slices.length; s++) out.addSlice(in.getSliceLabel(s + 1), new ByteProcessor(w, h,
			slices[s]));
		return result(source, out, title);
	}

	/** The pixel arrays of a 0/255 8-bit mask (shared, not copied). */
	public static byte[][] pixels(final ImagePlus mask) {
		final ImageStack st = mask.getStack();
		final byte[][] px = new byte[st.getSize()][];
		for (int s = 0; s < px.length; s++) px[s] = (byte[]) st.getPixels(s + 1);
		return px;
	}

	/** Number of non-zero bytes. */
	public static int count(final byte[] px) {
		int n = 0;
		for (final byte b : px) if (b != 0) n++;
		return n;
	}
}
