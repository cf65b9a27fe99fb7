package org.noisylabels.noise;

import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.Progress;

import ij.ImagePlus;
import ij.ImageStack;

/**
 * Random flipping (RCL): in every slice, exactly round(p_flip · n_c) randomly chosen pixels of each class c
 * get another class. For a binary label that means round(p·n_fg) foreground pixels become background and
 * round(p·n_bg) background pixels become foreground (0/255 output). For a multi-class label (0..C-1) each
 * chosen pixel gets a class drawn uniformly from the C - 1 other classes; class values and bit depth are
 * kept. Empty labels are allowed.
 */
public final class RandomFlipping {

	private RandomFlipping() {}

	public static ImagePlus apply(final ImagePlus label, final double pFlip, final long seed) {
		return apply(label, pFlip, seed, Progress.NONE);
	}

	public static ImagePlus apply(final ImagePlus label, final double pFlip, final long seed,
		final Progress progress)
	{
		Check.probability(pFlip, "p_flip");
		final ClassLabels labels = ClassLabels.read(label, "label");
		final SplittableRandom random = new SplittableRandom(seed);
		final int w = labels.width, h = labels.height, slices = labels.values.length, classes = labels.classes;
		final ImageStack out = new ImageStack(w, h);
		final int[] start = new int[classes + 1];
		for (int s = 0; s < slices; s++) {
			progress.checkCanceled();
			progress.update("Random flipping: slice " + (s + 1) + "/" + slices, (double) s / slices);
			final int[] v = labels.values[s];
			final int[] order = labels.groupByClass(s, start);
			final int[] flipped = v.clone();
			for (int c = 0; c < classes; c++) {
				final int nc = start[c + 1] - start[c];
				if (nc == 0) continue;
				final int k = NoiseImages.roundCount(pFlip, nc);
				NoiseImages.chooseFirst(order, start[c], nc, k, random);
				for (int j = start[c]; j < start[c] + k; j++) {
					// a uniform class among the classes - 1 others
					int other = classes == 2 ? 1 - c : random.nextInt(classes - 1);
					if (classes > 2 && other >= c) other++;
					flipped[order[j]] = other;
				}
			}
			out.addSlice(label.getStack().getSliceLabel(s + 1), labels.toProcessor(flipped));
		}
		progress.update("Random flipping done", 1);
		return NoiseImages.result(label, out, NoiseImages.title(label, "-flipped"));
	}
}
