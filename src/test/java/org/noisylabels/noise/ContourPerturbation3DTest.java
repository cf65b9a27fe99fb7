package org.noisylabels.noise;

import static org.noisylabels.Expect.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;
import org.noisylabels.Progress;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;

/** 3D contour perturbation (dimensions=3) and the cube/ball morphology behind it. */
public class ContourPerturbation3DTest {

	private static byte[][] randomVolume(final int w, final int h, final int d, final long seed) {
		final SplittableRandom rng = new SplittableRandom(seed);
		final byte[][] v = new byte[d][w * h];
		// a few random boxes, so that there are objects, holes and borders
		for (int k = 0; k < 6; k++) {
			final int x0 = rng.nextInt(w), y0 = rng.nextInt(h), z0 = rng.nextInt(d);
			final int x1 = Math.min(w - 1, x0 + rng.nextInt(6)), y1 = Math.min(h - 1, y0 + rng.nextInt(6)), z1 = Math
				.min(d - 1, z0 + rng.nextInt(5));
			for (int z = z0; z <= z1; z++)
				for (int y = y0; y <= y1; y++)
					for (int x = x0; x <= x1; x++) v[z][y * w + x] = -1;
		}
		for (int z = 0; z < d; z++)
			for (int i = 0; i < w * h; i++) if (rng.nextDouble() < 0.05) v[z][i] = (byte) ~v[z][i];
		return v;
	}

	private static byte[][] copy(final byte[][] v) {
		final byte[][] c = new byte[v.length][];
		for (int z = 0; z < v.length; z++) c[z] = v[z].clone();
		return c;
	}

	/**
	 * Textbook reference: out(x) = any (dilation) of in(x − d) / all (erosion) of in(x + d) over the element's
	 * offsets d, outside = background. The cube's offsets run from −⌊r/2⌋ to ⌊(r−1)/2⌋; the ball's are |d| ≤ (r−1)/2.
	 */
	private static byte[][] reference(final byte[][] in, final int w, final int h, final int r, final boolean ball,
		final boolean dilate)
	{
		final int d = in.length, lo = r / 2, hi = (r - 1) / 2;
		final double rho = (r - 1) / 2.0;
		final byte[][] out = new byte[d][w * h];
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					boolean any = false, all = true;
					for (int dz = -lo; dz <= lo; dz++)
						for (int dy = -lo; dy <= lo; dy++)
							for (int dx = -lo; dx <= lo; dx++) {
								if (ball ? dx * dx + dy * dy + dz * dz > rho * rho : dx > hi || dy > hi || dz > hi) continue;
								final int sx = dilate ? x - dx : x + dx, sy = dilate ? y - dy : y + dy, sz = dilate ? z - dz : z + dz;
								final boolean f = sx >= 0 && sy >= 0 && sz >= 0 && sx < w && sy < h && sz < d && in[sz][sy * w +
									sx] != 0;
								any |= f;
								all &= f;
							}
					out[z][y * w + x] = (dilate ? any : all) ? (byte) -1 : 0;
				}
		return out;
	}

	@Test
	public void cubeAndBallEqualTheTextbookDefinition() {
		final int w = 17, h = 13, d = 11;
		for (final long seed : new long[] { 1, 2 }) {
			final byte[][] in = randomVolume(w, h, d, seed);
			for (int r = 1; r <= 7; r++) {
				for (final boolean ball : new boolean[] { false, true }) {
					for (final boolean dilate : new boolean[] { true, false }) {
						final byte[][] got = copy(in);
						if (ball) VolumeMorphology.ball(got, w, h, r, dilate);
						else VolumeMorphology.cube(got, w, h, r, dilate);
						final byte[][] ref = reference(in, w, h, r, ball, dilate);
						for (int z = 0; z < d; z++) assertArrayEquals("seed " + seed + " r=" + r + (ball ? " ball " : " cube ") +
							(dilate ? "dilation" : "erosion") + " slice " + z, ref[z], got[z]);
					}
				}
			}
		}
	}

	/** A stack of w×h×d with the cube [a, a + side) on every axis set to 255. */
	private static ImagePlus cubeObject(final int w, final int h, final int d, final int a, final int side) {
		final ImageStack st = new ImageStack(w, h);
		for (int z = 0; z < d; z++) {
			final byte[] px = new byte[w * h];
			if (z >= a && z < a + side)
				for (int y = a; y < a + side; y++)
					for (int x = a; x < a + side; x++) px[y * w + x] = -1;
			st.addSlice("z" + z, new ByteProcessor(w, h, px));
		}
		return new ImagePlus("cube", st);
	}

	/** Bounding box {x0, x1, y0, y1, z0, z1} and voxel count of the foreground. */
	private static int[] box(final ImagePlus imp) {
		final int w = imp.getWidth(), h = imp.getHeight();
		final int[] b = { Integer.MAX_VALUE, -1, Integer.MAX_VALUE, -1, Integer.MAX_VALUE, -1, 0 };
		for (int z = 0; z < imp.getStackSize(); z++) {
			final byte[] px = (byte[]) imp.getStack().getPixels(z + 1);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					if (px[y * w + x] == 0) continue;
					b[0] = Math.min(b[0], x);
					b[1] = Math.max(b[1], x);
					b[2] = Math.min(b[2], y);
					b[3] = Math.max(b[3], y);
					b[4] = Math.min(b[4], z);
					b[5] = Math.max(b[5], z);
					b[6]++;
				}
		}
		return b;
	}

	@Test
	public void oneCubeObjectGrowsOrShrinksByTheDrawnCubeInAllThreeAxes() {
		final int size = 40, a = 14, side = 11;
		final ImagePlus gt = cubeObject(size, size, size, a, side);
		final int rMin = 3, rMax = 9;
		boolean sawDilate = false, sawErode = false, sawMin = false, sawMax = false;
		for (long seed = 0; seed < 60; seed++) {
			final ContourPerturbation.Result r = ContourPerturbation.apply(gt, 1.0, rMin, rMax, seed, 3, false,
				Progress.NONE);
			assertEquals(1, r.perturbed.length);
			assertTrue(r.perturbed[0]);
			final int rad = r.radius[0];
			assertTrue("r=" + rad, rad >= rMin && rad <= rMax);
			sawMin |= rad == rMin;
			sawMax |= rad == rMax;
			final int lo = rad / 2, hi = (rad - 1) / 2;
			final int[] b = box(r.noisyLabel);
			final int[] expected;
			if (r.kind[0].equals(ContourPerturbation.DILATE)) {
				sawDilate = true;
				expected = new int[] { a - lo, a + side - 1 + hi };
			}
			else {
				assertEquals(ContourPerturbation.ERODE, r.kind[0]);
				sawErode = true;
				expected = new int[] { a + lo, a + side - 1 - hi };
			}
			for (int axis = 0; axis < 3; axis++) {
				assertEquals("seed " + seed + " axis " + axis + " low", expected[0], b[2 * axis]);
				assertEquals("seed " + seed + " axis " + axis + " high", expected[1], b[2 * axis + 1]);
			}
			final int s = expected[1] - expected[0] + 1; // side ± (r − 1)
			assertEquals(side + (r.kind[0].equals(ContourPerturbation.DILATE) ? 1 : -1) * (rad - 1), s);
			assertEquals("a solid cube", s * s * s, b[6]);
			assertEquals(rad, (int) r.table.getValue("r", 0));
			assertEquals(r.kind[0], r.table.getStringValue("kind", 0));
		}
		assertTrue(sawDilate && sawErode && sawMin && sawMax);
	}

	@Test
	public void theChangeIsNotConfinedToSlices() {
		// a sphere-like object: 3D perturbation changes slices above and below it (2D mode cannot add slices)
		final ImagePlus gt = TestMasks.gt3d();
		final ImagePlus ball = ballObject(48, 48, 24, 10);
		for (final ImagePlus label : new ImagePlus[] { gt, ball }) {
			for (long seed = 0; seed < 4; seed++) {
				final ContourPerturbation.Result r = ContourPerturbation.apply(label, 1.0, 5, 7, seed, 3, seed % 2 == 0,
					Progress.NONE);
				int changedSlices = 0;
				for (int z = 0; z < label.getStackSize(); z++) {
					final int[] in = TestMasks.values(label, z + 1), out = TestMasks.values(r.noisyLabel, z + 1);
					if (!java.util.Arrays.equals(in, out)) changedSlices++;
				}
				assertTrue(label.getTitle() + " seed " + seed + ": " + changedSlices + " slices changed", changedSlices > 1);
				final int[] before = box(label), after = box(r.noisyLabel);
				if (label == ball) {
					final int dz = after[5] - after[4] - (before[5] - before[4]);
					if (r.kind[0].equals(ContourPerturbation.DILATE)) assertTrue("z extent grows: " + dz, dz > 0);
					else assertTrue("z extent shrinks: " + dz, dz < 0);
				}
			}
		}
	}

	private static ImagePlus ballObject(final int w, final int h, final int d, final double radius) {
		final ImageStack st = new ImageStack(w, h);
		for (int z = 0; z < d; z++) {
			final byte[] px = new byte[w * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					final double dx = x - w / 2.0, dy = y - h / 2.0, dz = z - d / 2.0;
					if (dx * dx + dy * dy + dz * dz <= radius * radius) px[y * w + x] = -1;
				}
			st.addSlice("z" + z, new ByteProcessor(w, h, px));
		}
		return new ImagePlus("ball", st);
	}

	@Test
	public void noiseRateIsTheProbabilityOfPerturbingTheVolume() {
		final ImagePlus gt = cubeObject(12, 12, 6, 2, 4);
		for (final double rate : new double[] { 0.25, 0.75 }) {
			final int n = 400;
			int perturbed = 0, dilated = 0;
			for (long seed = 0; seed < n; seed++) {
				final ContourPerturbation.Result r = ContourPerturbation.apply(gt, rate, 1, 2, seed, 3, false,
					Progress.NONE);
				if (r.perturbed[0]) {
					perturbed++;
					if (r.kind[0].equals(ContourPerturbation.DILATE)) dilated++;
				}
				else {
					assertEquals(ContourPerturbation.NONE, r.kind[0]);
					TestMasks.assertSameImage(gt, r.noisyLabel);
				}
			}
			// binomial: sd = sqrt(n p (1 − p)) ≤ 8.7 for n = 400; 5 sd either side
			assertEquals("rate " + rate, rate * n, perturbed, 5 * Math.sqrt(n * rate * (1 - rate)));
			assertEquals("dilate vs erode", 0.5 * perturbed, dilated, 5 * Math.sqrt(perturbed * 0.25));
		}
		assertFalse(ContourPerturbation.apply(gt, 0, 1, 2, 7, 3, false, Progress.NONE).perturbed[0]);
	}

	@Test
	public void sameSeedSameResultAnd2DUnchanged() {
		final ImagePlus gt = TestMasks.gt3d();
		TestMasks.assertSameImage(ContourPerturbation.apply(gt, 1, 3, 8, 5, 3, false, Progress.NONE).noisyLabel,
			ContourPerturbation.apply(gt, 1, 3, 8, 5, 3, false, Progress.NONE).noisyLabel);
		// dimensions=2 is the slice-by-slice perturbation of the old signature
		TestMasks.assertSameImage(ContourPerturbation.apply(gt, 0.5, 3, 8, 5).noisyLabel, ContourPerturbation.apply(gt,
			0.5, 3, 8, 5, 2, false, Progress.NONE).noisyLabel);
	}

	/** Per object: exactly round(rate·N) of N separate cubes change, each by its own drawn cube, in x, y and z. */
	@Test
	public void perObjectPerturbsTheRoundedRateOfObjectsEachByItsCube() {
		final int size = 60, side = 6, gap = 20;
		// 2 × 2 × 2 cubes of side 6 at 20 voxel spacing: r ≤ 8 keeps dilated cubes apart
		final ImageStack st = new ImageStack(size, size);
		for (int z = 0; z < 45; z++) {
			final byte[] px = new byte[size * size];
			for (int cz = 0; cz < 2; cz++)
				for (int cy = 0; cy < 2; cy++)
					for (int cx = 0; cx < 2; cx++) {
						if (z < 10 + cz * gap || z >= 10 + cz * gap + side) continue;
						for (int y = 10 + cy * gap; y < 10 + cy * gap + side; y++)
							for (int x = 10 + cx * gap; x < 10 + cx * gap + side; x++) px[y * size + x] = -1;
					}
			st.addSlice("z" + z, new ByteProcessor(size, size, px));
		}
		final ImagePlus gt = new ImagePlus("cubes", st);
		for (final double rate : new double[] { 0.25, 0.5, 1 }) {
			for (long seed = 0; seed < 5; seed++) {
				final ContourPerturbation.Result r = ContourPerturbation.apply(gt, rate, 2, 6, seed, 3, false, true,
					Progress.NONE);
				assertEquals(8, r.perturbed.length);
				assertEquals(8, r.table.size());
				int perturbed = 0;
				for (final boolean b : r.perturbed) if (b) perturbed++;
				assertEquals(Math.round(rate * 8), perturbed);
				// every object, in raster order of its first voxel: z, then y, then x of the grid
				final byte[][] out = new byte[45][];
				for (int z = 0; z < 45; z++) out[z] = (byte[]) r.noisyLabel.getStack().getPixels(z + 1);
				long total = 0;
				for (int o = 0; o < 8; o++) {
					final int cz = o / 4, cy = o / 2 % 2, cx = o % 2;
					final int rad = r.radius[o], lo = rad / 2, hi = (rad - 1) / 2;
					final int grow = r.kind[o].equals(ContourPerturbation.DILATE) ? 1 : r.kind[o].equals(
						ContourPerturbation.ERODE) ? -1 : 0;
					if (grow == 0) assertEquals(ContourPerturbation.NONE, r.kind[o]);
					final int a0 = grow > 0 ? -lo : grow < 0 ? lo : 0, a1 = side - 1 + (grow > 0 ? hi : grow < 0 ? -hi : 0);
					final int s = a1 - a0 + 1;
					if (s > 0) total += (long) s * s * s;
					// the expected cube is all foreground
					for (int z = a0; z <= a1; z++)
						for (int y = a0; y <= a1; y++)
							for (int x = a0; x <= a1; x++) assertEquals("object " + o, -1, out[10 + cz * gap + z][(10 + cy * gap +
								y) * size + 10 + cx * gap + x]);
				}
				long fg = 0;
				for (final byte[] sl : out) for (final byte b : sl) if (b != 0) fg++;
				assertEquals("nothing else is foreground", total, fg);
			}
		}
	}

	@Test
	public void badInputIsOneLineError() {
		final ImagePlus gt = TestMasks.gt3d();
		final ImagePlus single = new ImagePlus("single", new ByteProcessor(8, 8));
		single.getProcessor().set(3, 3, 255);
		expect(() -> ContourPerturbation.apply(single, 0.5, 3, 5, 1, 3, false, Progress.NONE), "single 2D image");
		expect(() -> ContourPerturbation.apply(gt, 0.5, 6, 5, 1, 3, false, Progress.NONE), "r_min=6");
		expect(() -> ContourPerturbation.apply(gt, 0.5, 3, 5, 1, 2, true, Progress.NONE), "ball=true");
		expect(() -> ContourPerturbation.apply(gt, 0.5, 3, 5, 1, 4, false, Progress.NONE), "dimensions");
		expect(() -> ContourPerturbation.apply(gt, 0.5, 3, 5, 1, 2, false, true, Progress.NONE), "per_object=true");
	}

}
