package org.noisylabels.method.igtt;

/**
 * Small operations on iGTT's per-image arrays: a mask is a {@code byte[]} of {@code width * height}
 * values in raster order, 0 = background and any non-zero value (255 on output) = foreground.
 */
public final class Pixels {

	private Pixels() {}

	/** Number of non-zero pixels. */
	public static int countForeground(final byte[] mask) {
		int c = 0;
		for (final byte b : mask)
			if (b != 0) c++;
		return c;
	}

	/** Whether more than half of the pixels are foreground (non-zero). */
	public static boolean isMajorityForeground(final byte[] mask) {
		return 2L * countForeground(mask) > mask.length;
	}

	/** The complement of a mask, 0/255. */
	public static byte[] invert(final byte[] mask) {
		final byte[] out = new byte[mask.length];
		for (int i = 0; i < mask.length; i++)
			if (mask[i] == 0) out[i] = (byte) 255;
		return out;
	}

	/** A 0/255 copy of a mask (non-zero becomes 255). */
	public static byte[] binary(final byte[] mask) {
		final byte[] out = new byte[mask.length];
		for (int i = 0; i < mask.length; i++)
			if (mask[i] != 0) out[i] = (byte) 255;
		return out;
	}

	/** Throws an {@link IllegalArgumentException} unless {@code actual == expected}. */
	public static void requireSameLength(final int expected, final int actual) {
		if (expected != actual) {
			throw new IllegalArgumentException("array of " + actual + " pixels where " + expected + " were expected");
		}
	}
}
