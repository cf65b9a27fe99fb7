package org.noisylabels.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

/**
 * Synthetic 3D fluorescence volumes with an exact ground truth (*Synthetic Microscopy* with
 * {@code dimensions=3}): one volume of size × size × slices voxels, whose voxels are {@code zSpacing} times
 * as deep as they are wide. Shapes are defined in physical space (unit: the pixel width, z = slice ·
 * zSpacing), and a voxel belongs to an object when its centre lies inside the shape:
 * <ul>
 * <li><b>blobs</b>: nuclei-like ellipsoids, semi-axes 8–20 px in x/y (rotated about z) and 0.5–0.8 of the
 * smaller one in z (flattened, as nuclei on a coverslip), with a smooth 3D texture; they do not touch;</li>
 * <li><b>tubes</b>: mitochondria-like tubes, 3D random curves 15–40 px long with a radius of 2–3.5 px
 * (the union of the balls along the curve), that do not touch.</li>
 * </ul>
 * {@code count} is an upper bound: an object that cannot be placed without touching another after 60
 * attempts is left out. Image formation as in 2D, in 3D: a Gaussian PSF of sigma {@code blur} px in x/y and
 * {@link #Z_PSF} times that (physically) in z, i.e. Z_PSF · blur / zSpacing slices; out-of-focus haze
 * (15 % of the objects' light blurred by max(6, 4 blur) px, z again Z_PSF times); a smooth uneven
 * background (3–10 % rising by 12–30 % of the brightest object); scaling to {@code photons} at the
 * brightest voxel; Poisson photons, Gaussian read noise of 1.5 counts and an offset of 100 counts (16-bit).
 * Both outputs carry the calibration: pixel width and height {@link #PIXEL_WIDTH} µm, depth PIXEL_WIDTH ·
 * zSpacing µm. Deterministic for a seed.
 */
public final class SyntheticVolume {

	public static final String[] KINDS = { SyntheticMicroscopy.BLOBS, SyntheticMicroscopy.TUBES };
	/** Axial / lateral sigma of the PSF, in physical units (widefield/confocal PSFs are 2–3 times longer in z). */
	public static final double Z_PSF = 2.5;
	/** Pixel width and height written in the calibration, in µm. */
	public static final double PIXEL_WIDTH = 0.2;
	/** The default voxel depth / pixel width. */
	public static final double DEFAULT_Z_SPACING = 2.5;
	/** Largest accepted zSpacing. */
	public static final double MAX_Z_SPACING = 20;

	private SyntheticVolume() {}

	/** One volume of {@code size}×{@code size}×{@code slices} voxels. */
	public static SyntheticMicroscopy.Result generate(final String kind, final int size, final int count,
		final int slices, final double blur, final double photons, final double zSpacing, final long seed,
		final Progress progress)
	{
		final String k = Check.choice(kind, "kind", SyntheticMicroscopy.KINDS);
		if (!Arrays.asList(KINDS).contains(k)) throw new NoisyLabelsException("kind=" + k +
			" has no 3D version: use kind=blobs (nuclei) or kind=tubes with dimensions=3");
		Check.range(size, 32, 8192, "size");
		Check.range(count, 1, 100000, "count");
		if (slices < 2) throw new NoisyLabelsException("dimensions=3 makes one volume of size x size x slices, but slices=" +
			slices + ": give slices=2 or more (e.g. slices=32)");
		Check.range(slices, 2, 100000, "slices");
		Check.range(blur, 0, 50, "blur");
		Check.range(photons, 1, 1e6, "photons");
		Check.range(zSpacing, 0.1, MAX_Z_SPACING, "z_spacing");
		final long voxels = (long) size * size * slices;
		// density, signal and haze (4 bytes each), ground truth, counts
		if (voxels * 15 > Runtime.getRuntime().maxMemory() / 2 || voxels > Integer.MAX_VALUE) {
			throw new NoisyLabelsException("size=" + size + " with slices=" + slices + " needs about " + voxels * 15 /
				(1 << 20) + " MB: lower size or slices, or give Java more memory");
		}
		final int n = (int) voxels;
		final SplittableRandom rng = new SplittableRandom(seed);
		final SplittableRandom geometry = rng.split(), noise = rng.split();
		final float[] density = new float[n];
		final byte[] gt = new byte[n];
		final Volume v = new Volume(size, slices, zSpacing, density, gt);
		progress.update("Synthetic microscopy (3D): objects", 0);
		if (SyntheticMicroscopy.BLOBS.equals(k)) blobs(geometry, count, v);
		else tubes(geometry, count, v);
		progress.checkCanceled();
		progress.update("Synthetic microscopy (3D): PSF", 0.4);
		final float[] signal = density.clone();
		blur(signal, size, slices, blur, Z_PSF * blur / zSpacing);
		final double hz = Math.max(6, 4 * blur);
		blur(density, size, slices, hz, Z_PSF * hz / zSpacing);
		progress.checkCanceled();
		progress.update("Synthetic microscopy (3D): camera", 0.8);
		final float[] bg = background(geometry, size, slices);
		final int plane = size * size;
		double max = 0;
		for (int i = 0; i < n; i++) {
			final float l = signal[i] + (float) SyntheticMicroscopy.HAZE * density[i] + bg[i % plane];
			signal[i] = l;
			if (l > max) max = l;
		}
		final double scale = photons / max;
		final ImageStack image = new ImageStack(size, size), truth = new ImageStack(size, size);
		for (int z = 0; z < slices; z++) {
			final short[] counts = new short[plane];
			final byte[] g = new byte[plane];
			for (int j = 0, i = z * plane; j < plane; j++, i++) {
				final double lambda = signal[i] * scale;
				final double c = SyntheticMicroscopy.CAMERA_OFFSET + PoissonSampler.sample(noise, lambda) +
					SyntheticMicroscopy.READ_NOISE * gaussian(noise);
				final long r = Math.round(c);
				counts[j] = (short) (r < 0 ? 0 : r > 65535 ? 65535 : r);
				g[j] = gt[i] != 0 ? (byte) Masks.FG : 0;
			}
			image.addSlice(k + " z" + (z + 1), new ShortProcessor(size, size, counts, null));
			truth.addSlice(k + " z" + (z + 1), new ByteProcessor(size, size, g));
		}
		progress.update("Synthetic microscopy (3D): done", 1);
		final String title = "synthetic-" + k + "-3d";
		final ImagePlus img = new ImagePlus(title, image), gtImp = new ImagePlus(title + "-gt", truth);
		for (final ImagePlus imp : new ImagePlus[] { img, gtImp }) {
			final Calibration cal = new Calibration(imp);
			cal.pixelWidth = PIXEL_WIDTH;
			cal.pixelHeight = PIXEL_WIDTH;
			cal.pixelDepth = PIXEL_WIDTH * zSpacing;
			cal.setUnit("micron");
			imp.setCalibration(cal);
		}
		return new SyntheticMicroscopy.Result(img, gtImp, null);
	}

	// ---------------------------------------------------------------- objects

	/** The volume being drawn: voxel i = z·size² + y·size + x, physical z = z · zSpacing. */
	private static final class Volume {

		final int size, slices;
		final double zs;
		final float[] density;
		final byte[] fg;
		/** Voxels of the object being built, and a marker of them. */
		int[] list = new int[1024];
		int listSize;
		final byte[] mark;

		Volume(final int size, final int slices, final double zs, final float[] density, final byte[] fg) {
			this.size = size;
			this.slices = slices;
			this.zs = zs;
			this.density = density;
			this.fg = fg;
			mark = new byte[fg.length];
		}

		void add(final int i) {
			if (mark[i] != 0) return;
			mark[i] = 1;
			if (listSize == list.length) list = Arrays.copyOf(list, 2 * listSize);
			list[listSize++] = i;
		}

		void clear() {
			for (int k = 0; k < listSize; k++) mark[list[k]] = 0;
			listSize = 0;
		}

		/**
		 * Whether the listed voxels touch an object (a listed voxel or one of its 6 neighbours is foreground):
		 * objects stay apart, so that each is its own connected component.
		 */
		boolean touches() {
			final int plane = size * size;
			for (int k = 0; k < listSize; k++) {
				final int i = list[k];
				if (fg[i] != 0) return true;
				final int z = i / plane, y = i % plane / size, x = i % size;
				if (x > 0 && fg[i - 1] != 0 || x < size - 1 && fg[i + 1] != 0 || y > 0 && fg[i - size] != 0 ||
					y < size - 1 && fg[i + size] != 0 || z > 0 && fg[i - plane] != 0 || z < slices - 1 && fg[i +
						plane] != 0) return true;
			}
			return false;
		}

		/** Paints the listed voxels with brightness · (1 + amplitude · texture). */
		void paint(final double brightness, final double amplitude, final Texture t) {
			final int plane = size * size;
			for (int k = 0; k < listSize; k++) {
				final int i = list[k];
				fg[i] = 1;
				final int z = i / plane, y = i % plane / size, x = i % size;
				density[i] = (float) Math.max(0, brightness * (1 + amplitude * t.at(x, y, z * zs)));
			}
		}

		/** Adds the voxels whose centre lies within r of the physical point (cx, cy, cz). */
		void ball(final double cx, final double cy, final double cz, final double r) {
			final int x0 = Math.max(0, (int) Math.ceil(cx - r)), x1 = Math.min(size - 1, (int) Math.floor(cx + r));
			final int y0 = Math.max(0, (int) Math.ceil(cy - r)), y1 = Math.min(size - 1, (int) Math.floor(cy + r));
			final int z0 = Math.max(0, (int) Math.ceil((cz - r) / zs)), z1 = Math.min(slices - 1, (int) Math.floor((cz +
				r) / zs));
			final double r2 = r * r;
			for (int z = z0; z <= z1; z++) {
				final double dz = z * zs - cz;
				for (int y = y0; y <= y1; y++) {
					final double dy = y - cy;
					for (int x = x0; x <= x1; x++) {
						final double dx = x - cx;
						if (dx * dx + dy * dy + dz * dz <= r2) add((z * size + y) * size + x);
					}
				}
			}
		}
	}

	/** A smooth random field of about unit amplitude: a sum of 6 random plane waves, 8–24 px long. */
	private static final class Texture {

		final double[][] k = new double[6][3];
		final double[] phase = new double[6];

		Texture(final SplittableRandom rng) {
			for (int j = 0; j < 6; j++) {
				final double[] u = unit(rng);
				final double f = 2 * Math.PI / (8 + 16 * rng.nextDouble());
				for (int a = 0; a < 3; a++) k[j][a] = f * u[a];
				phase[j] = 2 * Math.PI * rng.nextDouble();
			}
		}

		double at(final double x, final double y, final double z) {
			double s = 0;
			for (int j = 0; j < 6; j++) s += StrictMath.cos(k[j][0] * x + k[j][1] * y + k[j][2] * z + phase[j]);
			return s / Math.sqrt(3); // sd 1
		}
	}

	/** A random unit vector (uniform on the sphere). */
	private static double[] unit(final SplittableRandom rng) {
		final double z = 2 * rng.nextDouble() - 1, phi = 2 * Math.PI * rng.nextDouble(), s = Math.sqrt(1 - z * z);
		return new double[] { s * StrictMath.cos(phi), s * StrictMath.sin(phi), z };
	}

	/** Nuclei-like ellipsoids that do not touch. */
	private static void blobs(final SplittableRandom rng, final int count, final Volume v) {
		final double depth = v.slices * v.zs;
		final Texture texture = new Texture(rng);
		for (int o = 0; o < count; o++) {
			for (int attempt = 0; attempt < 60; attempt++) {
				final double a = 8 + 12 * rng.nextDouble(), b = 8 + 12 * rng.nextDouble();
				final double c = Math.min(a, b) * (0.5 + 0.3 * rng.nextDouble());
				final double theta = Math.PI * rng.nextDouble();
				final double cx = v.size * rng.nextDouble(), cy = v.size * rng.nextDouble();
				final double cz = depth > 2 * c ? c + (depth - 2 * c) * rng.nextDouble() : depth / 2;
				final double brightness = 0.5 + 0.5 * rng.nextDouble();
				v.clear();
				final double cos = StrictMath.cos(theta), sin = StrictMath.sin(theta), big = Math.max(a, b);
				final int x0 = Math.max(0, (int) Math.ceil(cx - big)), x1 = Math.min(v.size - 1, (int) Math.floor(cx +
					big));
				final int y0 = Math.max(0, (int) Math.ceil(cy - big)), y1 = Math.min(v.size - 1, (int) Math.floor(cy +
					big));
				final int z0 = Math.max(0, (int) Math.ceil((cz - c) / v.zs)), z1 = Math.min(v.slices - 1, (int) Math.floor(
					(cz + c) / v.zs));
				for (int z = z0; z <= z1; z++) {
					final double dz = (z * v.zs - cz) / c;
					for (int y = y0; y <= y1; y++)
						for (int x = x0; x <= x1; x++) {
							final double dx = x - cx, dy = y - cy;
							final double u = (cos * dx + sin * dy) / a, w = (-sin * dx + cos * dy) / b;
							if (u * u + w * w + dz * dz <= 1) v.add((z * v.size + y) * v.size + x);
						}
				}
				if (v.listSize == 0 || v.touches()) continue;
				v.paint(brightness, 0.15, texture);
				break;
			}
		}
		v.clear();
	}

	/** Mitochondria-like tubes: 3D random curves with a radius, that do not touch. */
	private static void tubes(final SplittableRandom rng, final int count, final Volume v) {
		final double depth = v.slices * v.zs;
		final Texture texture = new Texture(rng);
		final double step = 0.5;
		for (int o = 0; o < count; o++) {
			for (int attempt = 0; attempt < 60; attempt++) {
				final double length = 15 + 25 * rng.nextDouble(), radius = 2 + 1.5 * rng.nextDouble();
				final double brightness = 0.5 + 0.5 * rng.nextDouble();
				double x = v.size * rng.nextDouble(), y = v.size * rng.nextDouble(), z = depth * rng.nextDouble();
				final double[] dir = unit(rng);
				v.clear();
				for (double s = 0; s <= length; s += step) {
					v.ball(x, y, z, radius);
					// the direction turns smoothly: a small random change per step, renormalised
					for (int a = 0; a < 3; a++) dir[a] += 0.12 * gaussian(rng);
					final double norm = Math.sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
					for (int a = 0; a < 3; a++) dir[a] /= norm;
					x += step * dir[0];
					y += step * dir[1];
					z += step * dir[2];
				}
				if (v.listSize == 0 || v.touches()) continue;
				v.paint(brightness, 0.1, texture);
				break;
			}
		}
		v.clear();
	}

	// ---------------------------------------------------------------- image formation

	/** A smooth uneven background, the same in every slice: from 3–10 % rising by 12–30 %. */
	private static float[] background(final SplittableRandom rng, final int size, final int slices) {
		final double lo = 0.03 + 0.07 * rng.nextDouble(), span = 0.12 + 0.18 * rng.nextDouble();
		final double angle = 2 * Math.PI * rng.nextDouble();
		final double gx = StrictMath.cos(angle) / size, gy = StrictMath.sin(angle) / size;
		final double bx = size * rng.nextDouble(), by = size * rng.nextDouble(), bs = (0.3 + 0.3 * rng.nextDouble()) *
			size;
		final float[] f = new float[size * size];
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int y = 0, i = 0; y < size; y++)
			for (int x = 0; x < size; x++, i++) {
				final double r2 = (x - bx) * (x - bx) + (y - by) * (y - by);
				final double val = gx * x + gy * y + StrictMath.exp(-r2 / (2 * bs * bs));
				f[i] = (float) val;
				min = Math.min(min, val);
				max = Math.max(max, val);
			}
		final double scale = max > min ? span / (max - min) : 0;
		for (int i = 0; i < f.length; i++) f[i] = (float) (lo + (f[i] - min) * scale);
		return f;
	}

	/** Separable Gaussian blur of the volume, sigma sxy px in x/y and sz slices in z; outside = 0. */
	static void blur(final float[] v, final int size, final int slices, final double sxy, final double sz) {
		final int plane = size * size;
		final float[] line = new float[Math.max(size, slices)], out = new float[line.length];
		if (sxy > 0) {
			final float[] kernel = kernel(sxy);
			for (int z = 0; z < slices; z++)
				for (int y = 0; y < size; y++) convolve(v, z * plane + y * size, 1, size, kernel, line, out);
			for (int z = 0; z < slices; z++)
				for (int x = 0; x < size; x++) convolve(v, z * plane + x, size, size, kernel, line, out);
		}
		if (sz > 0 && slices > 1) {
			final float[] kernel = kernel(sz);
			for (int i = 0; i < plane; i++) convolve(v, i, plane, slices, kernel, line, out);
		}
	}

	private static float[] kernel(final double sigma) {
		final int r = (int) Math.ceil(3 * sigma);
		final float[] k = new float[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++) sum += k[i + r] = (float) StrictMath.exp(-i * i / (2 * sigma * sigma));
		for (int i = 0; i < k.length; i++) k[i] /= sum;
		return k;
	}

	private static void convolve(final float[] v, final int start, final int stride, final int len,
		final float[] kernel, final float[] line, final float[] out)
	{
		final int r = kernel.length / 2;
		for (int j = 0, i = start; j < len; j++, i += stride) line[j] = v[i];
		for (int j = 0; j < len; j++) {
			float s = 0;
			final int a = Math.max(0, j - r), b = Math.min(len - 1, j + r);
			for (int m = a; m <= b; m++) s += kernel[m - j + r] * line[m];
			out[j] = s;
		}
		for (int j = 0, i = start; j < len; j++, i += stride) v[i] = out[j];
	}

	/** A standard normal number (Box-Muller, one of the pair). */
	private static double gaussian(final SplittableRandom rng) {
		double u;
		do u = rng.nextDouble(); while (u == 0);
		return Math.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * rng.nextDouble());
	}
}
