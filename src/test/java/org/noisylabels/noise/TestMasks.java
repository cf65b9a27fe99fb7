package org.noisylabels.noise;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.io.File;
import java.util.Arrays;
import java.util.Random;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/** Test images and small helpers for the noise tests. */
final class TestMasks {

	private TestMasks() {}

	static ImagePlus open(final String name) {
		final ImagePlus imp = IJ.openImage(new File("test-images", name).getPath());
		assertNotNull(name, imp);
		return imp;
	}

	/** gt2d.tif: 512×512 0/255. */
	static ImagePlus gt2d() {
		return open("gt2d.tif");
	}

	/** gt3d.tif: 57×61×31 0/255. */
	static ImagePlus gt3d() {
		return open("gt3d.tif");
	}

	/** A mask of random discs (some touching the border), values 0/255. */
	static ImagePlus discs(final int w, final int h, final int slices, final int n, final long seed) {
		final Random r = new Random(seed);
		final ImageStack st = new ImageStack(w, h);
		for (int s = 0; s < slices; s++) {
			final byte[] px = new byte[w * h];
			for (int k = 0; k < n; k++) {
				final int cx = r.nextInt(w), cy = r.nextInt(h), rad = 1 + r.nextInt(Math.max(1, Math.min(w, h) / 8));
				for (int y = Math.max(0, cy - rad); y <= Math.min(h - 1, cy + rad); y++)
					for (int x = Math.max(0, cx - rad); x <= Math.min(w - 1, cx + rad); x++)
						if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) px[y * w + x] = (byte) 255;
			}
			st.addSlice(new ByteProcessor(w, h, px));
		}
		return new ImagePlus("discs.tif", st);
	}

	/** Pixel values of one slice (1-based) as ints. */
	static int[] values(final ImagePlus imp, final int slice) {
		final ImageProcessor ip = imp.getStack().getProcessor(slice);
		final int[] v = new int[ip.getPixelCount()];
		for (int i = 0; i < v.length; i++) v[i] = (int) ip.getf(i);
		return v;
	}

	static int count(final int[] v, final int value) {
		int n = 0;
		for (final int x : v) if (x == value) n++;
		return n;
	}

	static void assertSameImage(final ImagePlus a, final ImagePlus b) {
		assertEquals(a.getStackSize(), b.getStackSize());
		for (int s = 1; s <= a.getStackSize(); s++) {
			org.junit.Assert.assertArrayEquals("slice " + s, values(a, s), values(b, s));
		}
	}

	static boolean sameImage(final ImagePlus a, final ImagePlus b) {
		if (a.getStackSize() != b.getStackSize()) return false;
		for (int s = 1; s <= a.getStackSize(); s++) if (!Arrays.equals(values(a, s), values(b, s))) return false;
		return true;
	}
}
