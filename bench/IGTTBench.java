import java.util.Random;
import java.util.SplittableRandom;

import org.noisylabels.method.IGTT;
import org.noisylabels.method.igtt.Candidates;
import org.noisylabels.method.igtt.Ems;
import org.noisylabels.method.igtt.LabelState;
import org.noisylabels.method.igtt.Pixels;
import org.noisylabels.noise.Skeleton;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * Speed of iGTT's trainer-independent parts on 256x256 images: the DMI selection among K = 30 threshold
 * candidates, the EMS module (skeleton, shift, sampling), and one whole label refresh. Inputs: a synthetic
 * smooth probability map and the bundled nuclei ground truth (cropped to 256x256) as the candidate.
 */
public class IGTTBench {

	public static void main(final String[] args) {
		final int w = 256, h = 256, n = w * h;
		final Random rnd = new Random(1);
		// a smooth probability map with blobs (as a network would give), plus noise
		final float[] p = new float[n];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				p[y * w + x] = (float) (0.5 + 0.3 * Math.sin(x / 9.0) * Math.cos(y / 13.0) + 0.05 * rnd.nextGaussian());
		final ImagePlus gt = IJ.openImage("test-images/gt2d.tif");
		final ImageProcessor crop = gt.getProcessor();
		crop.setRoi(128, 128, w, h);
		final ImageProcessor c = crop.crop();
		final byte[] cand = new byte[n];
		for (int i = 0; i < n; i++)
			if (c.get(i) != 0) cand[i] = (byte) 255;

		final int reps = 200;
		// warm-up
		for (int i = 0; i < 50; i++) {
			Candidates.select(p, 30, false);
			Ems.apply(cand, w, h, 1, 0.1, new SplittableRandom(i));
		}
		long t0 = System.nanoTime();
		int sink = 0;
		for (int i = 0; i < reps; i++)
			sink += Candidates.select(p, 30, false).index;
		final double select = (System.nanoTime() - t0) / 1e6 / reps;

		t0 = System.nanoTime();
		for (int i = 0; i < reps; i++) {
			final double[] t = Candidates.thresholds(p, 30);
			for (int k = 1; k < 29; k++)
				sink += Candidates.dmi(p, Candidates.candidate(p, t[k])) > 0 ? 1 : 0;
		}
		final double naive = (System.nanoTime() - t0) / 1e6 / reps;

		t0 = System.nanoTime();
		for (int i = 0; i < reps; i++)
			sink += Skeleton.thin(cand, w, h)[0];
		final double skel = (System.nanoTime() - t0) / 1e6 / reps;

		t0 = System.nanoTime();
		for (int i = 0; i < reps; i++)
			sink += Ems.apply(cand, w, h, 1, 0.1, new SplittableRandom(i)).keptPixels;
		final double ems = (System.nanoTime() - t0) / 1e6 / reps;

		final byte[] thick = Candidates.select(p, 30, false).mask;
		t0 = System.nanoTime();
		for (int i = 0; i < reps / 4; i++)
			sink += Ems.apply(thick, w, h, 1, 0.1, new SplittableRandom(i)).keptPixels;
		final double emsThick = (System.nanoTime() - t0) / 1e6 / (reps / 4);

		final LabelState state = new LabelState(w, h, 8, true);
		final IGTT.Params params = new IGTT.Params();
		t0 = System.nanoTime();
		for (int e = 1; e <= 25; e++) {
			for (int i = 0; i < 8; i++)
				IGTT.refresh(state, i, p, e, params);
			state.endEpoch(e);
		}
		final double refresh = (System.nanoTime() - t0) / 1e6 / (25 * 8);

		System.out.printf("image %dx%d, K = 30, candidates k = 1..28, %d repetitions (after warm-up)%n", w, h, reps);
		System.out.printf("DMI selection (one pass + suffix sums):   %.3f ms per image%n", select);
		System.out.printf("DMI selection, naive (28 masks + 28 DMI): %.3f ms per image%n", naive);
		System.out.printf("skeleton (ImageJ skeletonize):            %.3f ms per image (nuclei crop, %d fg px)%n", skel,
			Pixels.countForeground(cand));
		System.out.printf("EMS (invert check, skeleton, shift r=1, sample p=0.1): %.3f ms per image%n", ems);
		System.out.printf("EMS on the blobs of the synthetic map (%d fg px, thick): %.3f ms per image%n", Pixels
			.countForeground(thick), emsThick);
		System.out.printf("refresh on the synthetic map (selection + EMS + history):      %.3f ms per image%n", refresh);
		System.out.printf("=> label refresh of 8 images x 100 epochs: %.2f s%n", refresh * 800 / 1000);
		if (sink == 42) System.out.println();
	}
}
