package org.noisylabels.noise;

import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;

/**
 * Random labels (RL): a 0/255 mask of the label's size in which every pixel is foreground independently
 * with probability p_generate. The label's pixel values are not used (only its size and calibration).
 */
public final class RandomLabels {

	private RandomLabels() {}

	public static ImagePlus apply(final ImagePlus label, final double pGenerate, final long seed) {
		return apply(label, pGenerate, seed, Progress.NONE);
	}

	public static ImagePlus apply(final ImagePlus label, final double pGenerate, final long seed,
		final Progress progress)
	{
		Check.probability(pGenerate, "p_generate");
		Masks.requireNoNaN(label, "label");
		final SplittableRandom random = new SplittableRandom(seed);
		final int n = label.getWidth() * label.getHeight(), slices = label.getStackSize();
		final byte[][] px = new byte[slices][];
		for (int s = 0; s < slices; s++) {
			progress.checkCanceled();
			progress.update("Random labels: slice " + (s + 1) + "/" + slices, (double) s / slices);
			final byte[] p = new byte[n];
			for (int i = 0; i < n; i++) if (random.nextDouble() < pGenerate) p[i] = (byte) Masks.FG;
			px[s] = p;
		}
		progress.update("Random labels done", 1);
		return NoiseImages.maskResult(label, px, NoiseImages.title(label, "-random"));
	}
}
