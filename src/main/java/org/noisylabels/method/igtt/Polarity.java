package org.noisylabels.method.igtt;

import java.util.Locale;

import org.noisylabels.train.Normalization;

import ij.process.FloatProcessor;

/**
 * The polarity of iGTT's output: the network may converge to the inverted map, so after thresholding its
 * predictions {@link #decide} votes, once for all images, whether the masks must be inverted.
 */
public final class Polarity {

	/** Minimum |contrast| (in standard deviations of the z-scored image) for the brightness vote. */
	public static final double MIN_CONTRAST = 0.1;
	/** Foreground fractions within this distance of 1/2 give no minority vote. */
	public static final double MINORITY_MARGIN = 0.05;

	/** What the objects look like in the input image. */
	public enum Contrast {
		/** Objects brighter than the background (fluorescence). */
		BRIGHT,
		/** Objects darker than the background. */
		DARK,
		/** Unknown: decide by the minority rule alone. */
		ANY;

		public static Contrast of(final boolean brightObjects) {
			return brightObjects ? BRIGHT : DARK;
		}
	}

	/** Whether the final mask/probability map is the inverted network output. */
	public final boolean inverted;
	/** A human-readable sentence for the log. */
	public final String reason;
	/** Foreground fraction of the network's (not inverted) mask, pooled over all images. */
	public final double foregroundFraction;
	/**
	 * (mean of the z-scored image inside the network's mask − mean outside) / pooled SD; NaN when
	 * one side is empty or no image was given.
	 */
	public final double contrast;

	Polarity(final boolean inverted, final String reason, final double foregroundFraction,
		final double contrast)
	{
		this.inverted = inverted;
		this.reason = reason;
		this.foregroundFraction = foregroundFraction;
		this.contrast = contrast;
	}

	@Override
	public String toString() {
		return reason;
	}

	/** {@link #decide(byte[][], float[][], Contrast)} for one image. */
	public static Polarity decide(final byte[] mask, final float[] image, final boolean brightObjects) {
		return decide(new byte[][] { mask }, image == null ? null : new float[][] { image }, Contrast.of(
			brightObjects));
	}

	/**
	 * Decides once for all images (one network, one polarity) whether the masks computed from the network's
	 * output must be inverted. Two votes, pooled over all images:
	 * <ul>
	 * <li>brightness: each image is z-scored; with {@link Contrast#BRIGHT} the foreground should be brighter
	 * than the background (DARK: darker). It votes only when |contrast| ≥ {@value #MIN_CONTRAST} SD.</li>
	 * <li>minority: the foreground should be less than half of the pixels. It votes only when the fraction
	 * is more than {@value #MINORITY_MARGIN} away from 1/2.</li>
	 * </ul>
	 * The brightness vote wins when it votes (the user stated the objects' contrast, and dense objects may
	 * cover most of an image); otherwise the minority vote; otherwise the output is kept. {@code images}
	 * may be null (then only the minority rule applies).
	 */
	public static Polarity decide(final byte[][] masks, final float[][] images, final Contrast contrast) {
		if (images != null && images.length != masks.length) {
			throw new IllegalArgumentException(masks.length + " masks but " + images.length + " images");
		}
		long total = 0, fg = 0;
		double sumIn = 0, sumOut = 0, sum2 = 0, sum = 0;
		for (int m = 0; m < masks.length; m++) {
			final byte[] mask = masks[m];
			total += mask.length;
			fg += Pixels.countForeground(mask);
			if (images == null) continue;
			Pixels.requireSameLength(mask.length, images[m].length);
			final float[] z = Normalization.zscore().apply(new FloatProcessor(images[m].length, 1, images[m]));
			for (int i = 0; i < z.length; i++) {
				final double v = z[i];
				if (mask[i] != 0) sumIn += v;
				else sumOut += v;
				sum += v;
				sum2 += v * v;
			}
		}
		final double frac = total == 0 ? 0 : (double) fg / total;
		double d = Double.NaN;
		if (images != null && fg > 0 && fg < total) {
			final double mean = sum / total;
			final double sd = Math.sqrt(Math.max(0, sum2 / total - mean * mean));
			if (sd > 0) d = (sumIn / fg - sumOut / (total - fg)) / sd;
		}
		// votes: +1 keep, -1 invert, 0 abstain
		int bright = 0;
		if (contrast != Contrast.ANY && !Double.isNaN(d) && Math.abs(d) >= MIN_CONTRAST) {
			final boolean brighter = d > 0;
			bright = brighter == (contrast == Contrast.BRIGHT) ? 1 : -1;
		}
		int minority = 0;
		if (Math.abs(frac - 0.5) > MINORITY_MARGIN) minority = frac < 0.5 ? 1 : -1;
		final int vote = bright != 0 ? bright : minority != 0 ? minority : 1;
		final boolean invert = vote < 0;

		final StringBuilder sb = new StringBuilder();
		sb.append(invert ? "inverted the network's output" : "kept the network's polarity");
		sb.append(String.format(Locale.ROOT, ": its foreground covers %.1f%% of the pixels", 100 * frac));
		sb.append(minority > 0 ? " (minority)" : minority < 0 ? " (majority)" : " (about half)");
		if (!Double.isNaN(d)) {
			sb.append(String.format(Locale.ROOT, " and is %.2f SD %s than the background", Math.abs(d), d >= 0
				? "brighter" : "darker"));
		}
		else if (images != null) sb.append("; brightness cannot be compared (empty or full mask, or flat image)");
		sb.append("; ");
		if (bright != 0) {
			sb.append(contrast == Contrast.BRIGHT ? "bright" : "dark").append(" objects are expected");
			if (minority != 0 && minority != bright) sb.append(", which outweighs the minority rule");
		}
		else if (minority != 0) {
			sb.append("decided by the minority rule (the foreground should be less than half of the image)");
			if (contrast != Contrast.ANY && !Double.isNaN(d)) sb.append(", the contrast being too weak to tell");
		}
		else sb.append("no clear evidence either way, output kept as it is");
		if (invert) sb.append(String.format(Locale.ROOT,
			"; the mask is now the complement (%.1f%% foreground) and the probability map is 1 - output", 100 *
				(1 - frac)));
		return new Polarity(invert, sb.toString(), frac, d);
	}
}
