import java.util.Locale;

import org.noisylabels.noise.ContourPerturbation;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/**
 * How strongly does PINTExperiment's contour perturbation corrupt a label, compared with the paper's
 * Table 1 noise? The paper (Shi &amp; Wu, MICCAI 2021, §3) erodes or dilates whole 3D left-atrium volumes
 * by 5–18 voxels. (1) Dice of a 3D ball of radius R (an LA-sized object, R = 25 and 35 voxels) after r
 * iterations of the cross-shaped (6-neighbour) element, r = 5..18, i.e. everything within taxicab distance
 * r added or removed. (2) Dice of the bundled nuclei mask (test-images/gt2d.tif, mean radius 12.1 px)
 * perturbed by org.noisylabels.noise.ContourPerturbation (noise_rate 1, 60 draws) for several [r_min,
 * r_max], per kind (dilate / erode / distort). No TensorFlow.
 * <p>
 * Usage: bench/run.sh PINTNoiseStrength
 */
public class PINTNoiseStrength {

	public static void main(final String[] args) {
		System.out.println("# (1) paper: 3D ball of radius R, cross element r = 5..18 times; mean Dice vs the ball");
		for (final int r0 : new int[] { 25, 35 }) {
			final double[] d = ball(r0);
			System.out.println(String.format(Locale.ROOT, "ball R = %d: dilated %.3f, eroded %.3f, mean %.3f", r0, d[0], d[1],
				(d[0] + d[1]) / 2));
		}
		System.out.println("# (2) ours: nuclei gt2d.tif (mean object radius R = 12.1 px), ContourPerturbation, 60 draws");
		final ImagePlus gt = IJ.openImage("test-images/gt2d.tif");
		final ByteProcessor g0 = gt.getProcessor().convertToByteProcessor(false);
		final byte[] g = (byte[]) g0.getPixels();
		final int[][] ranges = { { 2, 7 }, { 3, 9 }, { 4, 11 } };
		for (final int[] rr : ranges) {
			final ImageStack st = new ImageStack(g0.getWidth(), g0.getHeight());
			final int n = 60;
			for (int z = 0; z < n; z++) st.addSlice(g0.duplicate());
			final ContourPerturbation.Result r = ContourPerturbation.apply(new ImagePlus("l", st), 1.0, rr[0], rr[1], 7);
			final double[] s = new double[3];
			final int[] c = new int[3];
			double all = 0;
			for (int z = 1; z <= n; z++) {
				final byte[] p = (byte[]) r.noisyLabel.getStack().getProcessor(z).getPixels();
				long tp = 0, ps = 0, gs = 0;
				for (int i = 0; i < p.length; i++) {
					final boolean a = p[i] != 0, b = g[i] != 0;
					if (a) ps++;
					if (b) gs++;
					if (a && b) tp++;
				}
				final double d = 2.0 * tp / (ps + gs);
				final int k = r.kind[z - 1].equals(ContourPerturbation.DILATE) ? 0 : r.kind[z - 1].equals(
					ContourPerturbation.ERODE) ? 1 : 2;
				s[k] += d;
				c[k]++;
				all += d / n;
			}
			System.out.println(String.format(Locale.ROOT,
				"r in [%d, %d] = [%.2f R, %.2f R]: dilated %.3f, eroded %.3f, distorted %.3f, mean %.3f", rr[0], rr[1], rr[0] /
					12.1, rr[1] / 12.1, s[0] / c[0], s[1] / c[1], s[2] / c[2], all));
		}
	}

	/** Mean Dice of the dilated and of the eroded ball over r = 5..18 (taxicab distance transforms). */
	static double[] ball(final int radius) {
		final int n = 2 * (radius + 20);
		final int[] out = new int[n * n * n], in = new int[n * n * n];
		final boolean[] b = new boolean[n * n * n];
		final double c = n / 2.0;
		for (int z = 0; z < n; z++)
			for (int y = 0; y < n; y++)
				for (int x = 0; x < n; x++)
					b[(z * n + y) * n + x] = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= radius * radius;
		taxicab(b, true, out, n); // distance of background voxels to the ball
		taxicab(b, false, in, n); // distance of ball voxels to the background
		double dil = 0, ero = 0;
		long ballN = 0;
		for (final boolean v : b)
			if (v) ballN++;
		for (int r = 5; r <= 18; r++) {
			long dn = 0, en = 0;
			for (int i = 0; i < b.length; i++) {
				if (b[i] || out[i] <= r) dn++;
				if (b[i] && in[i] > r) en++;
			}
			dil += 2.0 * ballN / (dn + ballN) / 14; // the dilated set contains the ball
			ero += 2.0 * en / (en + ballN) / 14; // the eroded set is inside the ball
		}
		return new double[] { dil, ero };
	}

	/**
	 * Exact taxicab (6-neighbour) distance to the nearest voxel with b == target, by a forward and a
	 * backward raster pass; voxels with b == target get 0.
	 */
	static void taxicab(final boolean[] b, final boolean target, final int[] d, final int n) {
		final int inf = 1 << 28;
		for (int i = 0; i < d.length; i++) d[i] = b[i] == target ? 0 : inf;
		for (int z = 0; z < n; z++)
			for (int y = 0; y < n; y++)
				for (int x = 0; x < n; x++) {
					final int i = (z * n + y) * n + x;
					if (x > 0) d[i] = Math.min(d[i], d[i - 1] + 1);
					if (y > 0) d[i] = Math.min(d[i], d[i - n] + 1);
					if (z > 0) d[i] = Math.min(d[i], d[i - n * n] + 1);
				}
		for (int z = n - 1; z >= 0; z--)
			for (int y = n - 1; y >= 0; y--)
				for (int x = n - 1; x >= 0; x--) {
					final int i = (z * n + y) * n + x;
					if (x < n - 1) d[i] = Math.min(d[i], d[i + 1] + 1);
					if (y < n - 1) d[i] = Math.min(d[i], d[i + n] + 1);
					if (z < n - 1) d[i] = Math.min(d[i], d[i + n * n] + 1);
				}
	}
}
