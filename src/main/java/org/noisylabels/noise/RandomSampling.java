package org.noisylabels.noise;

import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/**
 * Random sampling (RCL): in every slice, keeps exactly ceil(p_sample · n_c) randomly chosen pixels of each
 * class c (background included) and marks all other pixels as <i>ignored</i>. Ignored pixels are 0 in the
 * noisy label and 255 in the ignore mask (0 elsewhere); losses must leave them out.
 * <p>
 * A binary label (0 and one other value) gives a 0/255 noisy label; a multi-class label (0..C-1) keeps its
 * class values and bit depth. Empty labels are allowed (only background is sampled).
 */
public final class RandomSampling {

	/** The two outputs. */
	public static final class Result {

		/** Kept pixels with their class, 0 elsewhere. */
		public final ImagePlus noisyLabel;
		/** 255 where a pixel is ignored, 0 where it is kept. */
		public final ImagePlus ignoreMask;

		Result(final ImagePlus noisyLabel, final ImagePlus ignoreMask) {
			this.noisyLabel = noisyLabel;
			this.ignoreMask = ignoreMask;
		}
	}

	private RandomSampling() {}

	public static Result apply(final ImagePlus label, final double pSample, final long seed) {
		return apply(label, pSample, seed, Progress.NONE);
	}

	public static Result apply(final ImagePlus label, final double pSample, final long seed,
		final Progress progress)
	{
		Check.probability(pSample, "p_sample");
		final ClassLabels labels = ClassLabels.read(label, "label");
		final SplittableRandom random = new SplittableRandom(seed);
		final int w = labels.width, h = labels.height, n = w * h, slices = labels.values.length;
		final ImageStack noisy = new ImageStack(w, h), ignore = new ImageStack(w, h);
		final int[] start = new int[labels.classes + 1];
		for (int s = 0; s < slices; s++) {
			progress.checkCanceled();
			progress.update("Random sampling: slice " + (s + 1) + "/" + slices, (double) s / slices);
			final int[] v = labels.values[s];
			final int[] order = labels.groupByClass(s, start);
			final int[] out = new int[n];
			final byte[] ign = new byte[n];
			java.util.Arrays.fill(ign, (byte) Masks.FG);
			for (int c = 0; c < labels.classes; c++) {
				final int nc = start[c + 1] - start[c];
				if (nc == 0) continue;
				final int keep = NoiseImages.ceilCount(pSample, nc);
				NoiseImages.chooseFirst(order, start[c], nc, keep, random);
				for (int j = start[c]; j < start[c] + keep; j++) {
					final int i = order[j];
					out[i] = v[i];
					ign[i] = 0;
				}
			}
			final String sliceLabel = label.getStack().getSliceLabel(s + 1);
			noisy.addSlice(sliceLabel, labels.toProcessor(out));
			ignore.addSlice(sliceLabel, new ByteProcessor(w, h, ign));
		}
		progress.update("Random sampling done", 1);
		return new Result(NoiseImages.result(label, noisy, NoiseImages.title(label, "-sampled")), NoiseImages.result(
			label, ignore, NoiseImages.title(label, "-ignored")));
	}
}
