import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.noisylabels.Progress;
import org.noisylabels.metric.RocAuc;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.metric.SurfaceDistance;
import org.noisylabels.metric.ThresholdBaseline;

import ij.ImagePlus;
import ij.plugin.filter.GaussianBlur;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * Speed of the metrics and the threshold baseline on a 2048x2048 mask / probability map.
 * Ground truth: 600 random discs (radius 8-40 px, seed 1). Prediction: the ground truth blurred
 * (sigma 3) with Gaussian noise (sd 0.1) and a different disc set mixed in, clipped to [0, 1]: a
 * probability map with millions of distinct values; its mask is p > 0.5.
 * Each figure is the median of 7 runs after 3 warm-up runs, single thread.
 */
public class MetricsBench {

	static final int N = 2048;

	public static void main(final String[] args) {
		final SplittableRandom rng = new SplittableRandom(1);
		final byte[] g = discs(rng, 600);
		final byte[] other = discs(rng, 60);
		final float[] p = new float[N * N];
		for (int i = 0; i < p.length; i++) p[i] = g[i] != 0 || other[i] != 0 ? 1 : 0;
		final GaussianBlur blur = new GaussianBlur();
		blur.showProgress(false);
		blur.blurGaussian(new FloatProcessor(N, N, p), 3, 3, 0.0002);
		for (int i = 0; i < p.length; i++) p[i] = (float) Math.max(0, Math.min(1, p[i] + 0.1 * gauss(rng)));
		final byte[] s = new byte[N * N];
		int fgS = 0, fgG = 0;
		for (int i = 0; i < p.length; i++) {
			if (p[i] > 0.5f) {
				s[i] = 1;
				fgS++;
			}
			if (g[i] != 0) fgG++;
		}
		final byte[][] S = { s }, G = { g };
		final float[][] P = { p };
		System.out.printf(Locale.ROOT, "image %dx%d, ground truth %.1f %% foreground, prediction %.1f %%%n", N, N, 100.0 *
			fgG / (N * N), 100.0 * fgS / (N * N));
		final int[] surf = { count(SurfaceDistance.surface(S, N, N)[0]), count(SurfaceDistance.surface(G, N, N)[0]) };
		System.out.printf(Locale.ROOT, "surface pixels: prediction %d, ground truth %d%n", surf[0], surf[1]);

		time("Dice + IoU + accuracy", () -> SegmentationMetrics.overlap(S, G)[0]);
		time("ASSD + ASD + HD95 (2D, exact EDT x2)", () -> SurfaceDistance.compute(S, G, N, N, 1, 1, 1, 1e9).assd);
		time("AUC (4.2 M pixels, exact, ties averaged)", () -> RocAuc.auc(P, G));
		time("all metrics of one pair (score)", () -> SegmentationMetrics.score(S, G, P, N, N, 1, 1, 1).hd95);
		final ImagePlus pred = new ImagePlus("p", new FloatProcessor(N, N, p));
		final byte[] g255 = g.clone();
		for (int i = 0; i < g255.length; i++) if (g255[i] != 0) g255[i] = (byte) 255;
		final ImagePlus truth = new ImagePlus("g", new ByteProcessor(N, N, g255));
		time("Segmentation Metrics table (ImagePlus, slice + mean rows)", () -> SegmentationMetrics.evaluate(pred,
			truth, 0.5, false, Progress.NONE).getValue("dice", 0));
		// an image to threshold: 16-bit-like intensities of the probability map
		final float[] img = new float[N * N];
		for (int i = 0; i < img.length; i++) img[i] = 100 + 1000 * p[i];
		final ImagePlus image = new ImagePlus("img", new FloatProcessor(N, N, img));
		time("Threshold Baseline Otsu, sigma 1", () -> (double) ThresholdBaseline.apply(image, "Otsu", 1, 51, 0, false,
			false, Progress.NONE).bins[0]);
		time("Threshold Baseline Otsu, sigma 0", () -> (double) ThresholdBaseline.apply(image, "Otsu", 0, 51, 0, false,
			false, Progress.NONE).bins[0]);
		time("Threshold Baseline Adaptive Gaussian, sigma 1, block 51", () -> (double) ThresholdBaseline.apply(image,
			"Adaptive Gaussian", 1, 51, 0, false, false, Progress.NONE).bins[0]);
		System.exit(0); // ImageJ's filter threads would keep the JVM alive
	}

	static void time(final String what, final Supplier<Double> task) {
		double sink = 0;
		for (int i = 0; i < 3; i++) sink += task.get();
		final double[] ms = new double[7];
		for (int i = 0; i < ms.length; i++) {
			final long t0 = System.nanoTime();
			sink += task.get();
			ms[i] = (System.nanoTime() - t0) / 1e6;
		}
		Arrays.sort(ms);
		System.out.printf(Locale.ROOT, "%-60s median %8.1f ms  (min %.1f, max %.1f)  [%s]%n", what, ms[3], ms[0], ms[6],
			Double.isNaN(sink) ? "NaN" : "ok");
	}

	static byte[] discs(final SplittableRandom rng, final int n) {
		final byte[] m = new byte[N * N];
		for (int k = 0; k < n; k++) {
			final double cx = rng.nextDouble() * N, cy = rng.nextDouble() * N, r = 8 + 32 * rng.nextDouble();
			for (int y = Math.max(0, (int) (cy - r)); y <= Math.min(N - 1, (int) (cy + r)); y++)
				for (int x = Math.max(0, (int) (cx - r)); x <= Math.min(N - 1, (int) (cx + r)); x++)
					if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) m[y * N + x] = 1;
		}
		return m;
	}

	static int count(final byte[] a) {
		int c = 0;
		for (final byte b : a) if (b != 0) c++;
		return c;
	}

	static double gauss(final SplittableRandom rng) {
		double u;
		do u = rng.nextDouble(); while (u == 0);
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
	}
}
