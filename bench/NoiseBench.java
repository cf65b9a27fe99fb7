import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

import org.noisylabels.noise.ContourPerturbation;
import org.noisylabels.noise.Morphology;
import org.noisylabels.noise.RandomFlipping;
import org.noisylabels.noise.RandomLabels;
import org.noisylabels.noise.RandomSampling;
import org.noisylabels.noise.Skeleton;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/**
 * Times every noise generator on a 2048×2048 0/255 mask of random discs (fixed seed), and the 3D
 * dilation/erosion on a 512×512×16 stack. Prints the median of 9 runs (after 1 warm-up run) in ms and
 * the throughput in MPixel/s.
 */
public class NoiseBench {

	static final int RUNS = 9;

	static ImagePlus discs(final int w, final int h, final int slices, final int n, final long seed) {
		final Random r = new Random(seed);
		final ImageStack st = new ImageStack(w, h);
		for (int s = 0; s < slices; s++) {
			final byte[] px = new byte[w * h];
			for (int k = 0; k < n; k++) {
				final int cx = r.nextInt(w), cy = r.nextInt(h), rad = 5 + r.nextInt(40);
				for (int y = Math.max(0, cy - rad); y <= Math.min(h - 1, cy + rad); y++)
					for (int x = Math.max(0, cx - rad); x <= Math.min(w - 1, cx + rad); x++)
						if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) px[y * w + x] = (byte) 255;
			}
			st.addSlice(new ByteProcessor(w, h, px));
		}
		return new ImagePlus("discs", st);
	}

	static void time(final String name, final ImagePlus input, final Supplier<Object> run) {
		run.get(); // warm-up
		final double[] ms = new double[RUNS];
		for (int i = 0; i < RUNS; i++) {
			final long t0 = System.nanoTime();
			run.get();
			ms[i] = (System.nanoTime() - t0) / 1e6;
		}
		Arrays.sort(ms);
		final double median = ms[RUNS / 2];
		final double mpix = (double) input.getWidth() * input.getHeight() * input.getStackSize() / 1e6;
		System.out.printf(java.util.Locale.ROOT, "%-42s %10.1f ms %10.1f MPixel/s   (min %.1f, max %.1f)%n", name,
			median, mpix / (median / 1000), ms[0], ms[RUNS - 1]);
	}

	public static void main(final String[] args) {
		final ImagePlus mask = discs(2048, 2048, 1, 600, 1);
		int fg = 0;
		for (final byte b : (byte[]) mask.getProcessor().getPixels()) if (b != 0) fg++;
		System.out.printf(java.util.Locale.ROOT, "mask 2048x2048, %d random discs (r 5..44), foreground %.1f %%%n",
			600, 100.0 * fg / (2048 * 2048));
		time("Random Sampling (RCL) p_sample=0.1", mask, () -> RandomSampling.apply(mask, 0.1, 42));
		time("Random Flipping (RCL) p_flip=0.45", mask, () -> RandomFlipping.apply(mask, 0.45, 42));
		time("Dilation (PCL) iterations=1", mask, () -> Morphology.dilate(mask, 1, false));
		time("Dilation (PCL) iterations=10", mask, () -> Morphology.dilate(mask, 10, false));
		time("Erosion (PCL) iterations=1", mask, () -> Morphology.erode(mask, 1, false));
		time("Erosion (PCL) iterations=10", mask, () -> Morphology.erode(mask, 10, false));
		time("Skeleton (PCL)", mask, () -> Skeleton.apply(mask));
		time("Random Labels (RL) p_generate=0.1", mask, () -> RandomLabels.apply(mask, 0.1, 42));
		// one seed per kind of contour perturbation (noise_rate=1, r=18)
		for (final String kind : new String[] { ContourPerturbation.DILATE, ContourPerturbation.ERODE,
			ContourPerturbation.DISTORT })
		{
			final ImagePlus small = discs(16, 16, 1, 2, 3);
			long seed = 0;
			while (!ContourPerturbation.apply(small, 1, 18, 18, seed).kind[0].equals(kind)) seed++;
			final long s = seed;
			time("Contour Perturbation " + kind + " r=18", mask, () -> ContourPerturbation.apply(mask, 1, 18, 18, s));
		}
		final ImagePlus stack = discs(512, 512, 16, 40, 2);
		time("Dilation (PCL) three_d 512x512x16", stack, () -> Morphology.dilate(stack, 1, true));
		time("Erosion (PCL) three_d 512x512x16", stack, () -> Morphology.erode(stack, 1, true));
		time("Dilation (PCL) slice by slice 512x512x16", stack, () -> Morphology.dilate(stack, 1, false));
	}
}
