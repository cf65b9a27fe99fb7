package org.noisylabels.train;

import java.util.SplittableRandom;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/** Small synthetic images for the trainer tests: bright noisy discs on a dark background. */
final class TrainTestData {

	private TrainTestData() {}

	/** {image, label (0/255)} of w×h with discs of radius 3..6, Gaussian noise (sd 0.3 of the contrast). */
	static ImagePlus[] discs(final int w, final int h, final int count, final long seed) {
		final SplittableRandom r = new SplittableRandom(seed);
		final float[] img = new float[w * h];
		final byte[] lab = new byte[w * h];
		for (int k = 0; k < count; k++) {
			final int cx = r.nextInt(w), cy = r.nextInt(h), rad = 3 + r.nextInt(4);
			for (int y = Math.max(0, cy - rad); y < Math.min(h, cy + rad + 1); y++)
				for (int x = Math.max(0, cx - rad); x < Math.min(w, cx + rad + 1); x++)
					if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) lab[y * w + x] = (byte) 255;
		}
		for (int i = 0; i < w * h; i++) img[i] = 100 + (lab[i] != 0 ? 50 : 0) + (float) (15 * nextGaussian(r));
		return new ImagePlus[] { new ImagePlus("discs.tif", new FloatProcessor(w, h, img)), new ImagePlus("discs-label.tif",
			new ByteProcessor(w, h, lab)) };
	}

	static double nextGaussian(final SplittableRandom r) {
		double u, v, s;
		do {
			u = 2 * r.nextDouble() - 1;
			v = 2 * r.nextDouble() - 1;
			s = u * u + v * v;
		}
		while (s >= 1 || s == 0);
		return u * Math.sqrt(-2 * Math.log(s) / s);
	}

	/** A tiny, fast configuration. */
	static TrainingConfig tinyConfig() {
		final TrainingConfig c = new TrainingConfig();
		c.network.depth = 2;
		c.network.baseChannels = 8;
		c.network.encoderDropout = new double[] { 0, 0, 0 };
		c.iterations = 120;
		c.batchSize = 2;
		c.patchSize = 32;
		c.learningRate = 0.01;
		c.validationFraction = 0;
		c.tileSize = 64;
		return c;
	}

	static double dice(final byte[] a, final byte[] b) {
		long inter = 0, sa = 0, sb = 0;
		for (int i = 0; i < a.length; i++) {
			final boolean x = a[i] != 0, y = b[i] != 0;
			if (x && y) inter++;
			if (x) sa++;
			if (y) sb++;
		}
		return (2.0 * inter + 1e-5) / (sa + sb + 1e-5);
	}
}
