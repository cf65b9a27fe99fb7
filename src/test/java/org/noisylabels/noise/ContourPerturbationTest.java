package org.noisylabels.noise;

import org.noisylabels.Expect;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

public class ContourPerturbationTest {

	/** Reference dilation/erosion by r with the cross element: the L1 ball (diamond) of radius r. */
	static int[] diamond(final int[] v, final int w, final int h, final int r, final boolean dilate) {
		final int[] out = new int[v.length];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				boolean any = false, all = true;
				for (int dy = -r; dy <= r; dy++)
					for (int dx = -r + Math.abs(dy); dx <= r - Math.abs(dy); dx++) {
						final int xx = x + dx, yy = y + dy;
						final boolean f = xx >= 0 && yy >= 0 && xx < w && yy < h && v[yy * w + xx] != 0;
						any |= f;
						all &= f;
					}
				out[y * w + x] = (dilate ? any : all) ? 255 : 0;
			}
		return out;
	}

	@Test
	public void stackPerturbsExactlyRoundedRateOfSlices() {
		final ImagePlus gt = TestMasks.gt3d();
		final int w = gt.getWidth(), h = gt.getHeight(), n = gt.getStackSize();
		assertEquals(31, n);
		int dilated = 0, eroded = 0, distorted = 0;
		for (final long seed : new long[] { 1, 2, 3 }) {
			for (final double rate : new double[] { 0.5, 0.3 }) {
				final ContourPerturbation.Result r = ContourPerturbation.apply(gt, rate, 2, 4, seed);
				int perturbed = 0;
				for (int s = 0; s < n; s++) if (r.perturbed[s]) perturbed++;
				assertEquals(Math.round(rate * n), perturbed); // 16 and 9
				for (int s = 0; s < n; s++) {
					final int[] in = TestMasks.values(gt, s + 1), out = TestMasks.values(r.noisyLabel, s + 1);
					if (!r.perturbed[s]) {
						assertEquals(ContourPerturbation.NONE, r.kind[s]);
						assertEquals(0, r.radius[s]);
						assertArrayEquals("unperturbed slice " + (s + 1), in, out);
						continue;
					}
					final int rad = r.radius[s];
					assertTrue("r=" + rad, rad >= 2 && rad <= 4);
					if (r.kind[s].equals(ContourPerturbation.DILATE)) {
						dilated++;
						assertArrayEquals("dilated slice " + (s + 1), diamond(in, w, h, rad, true), out);
					}
					else if (r.kind[s].equals(ContourPerturbation.ERODE)) {
						eroded++;
						assertArrayEquals("eroded slice " + (s + 1), diamond(in, w, h, rad, false), out);
					}
					else {
						assertEquals(ContourPerturbation.DISTORT, r.kind[s]);
						distorted++;
						checkDistortion(in, out, w, h, rad);
					}
				}
			}
		}
		assertTrue(dilated > 0 && eroded > 0 && distorted > 0);
	}

	/** Every changed pixel lies within 2r + 2 (Chebyshev) of the original contour. */
	private static void checkDistortion(final int[] in, final int[] out, final int w, final int h, final int r) {
		for (int i = 0; i < in.length; i++) {
			assertTrue(out[i] == 0 || out[i] == 255);
			if (in[i] == out[i]) continue;
			final int x = i % w, y = i / w, d = 2 * r + 2;
			boolean near = false;
			for (int yy = Math.max(0, y - d); yy <= Math.min(h - 1, y + d) && !near; yy++)
				for (int xx = Math.max(0, x - d); xx <= Math.min(w - 1, x + d) && !near; xx++) {
					final int j = yy * w + xx;
					near = in[j] != 0 && (xx == 0 || xx == w - 1 || yy == 0 || yy == h - 1 || in[j - 1] == 0 ||
						in[j + 1] == 0 || in[j - w] == 0 || in[j + w] == 0);
				}
			assertTrue("changed pixel " + x + "," + y + " far from the contour", near);
		}
	}

	@Test
	public void distortionAddsAndRemovesDiscs() {
		// a 41×41 square in 101×101: 164 outer boundary pixels -> 16 discs of radius 6 added, then removed
		final ByteProcessor bp = new ByteProcessor(101, 101);
		for (int y = 30; y <= 70; y++)
			for (int x = 30; x <= 70; x++) bp.set(x, y, 255);
		final byte[] px = ((byte[]) bp.getPixels()).clone();
		assertEquals(164, ContourPerturbation.outerBoundary(px, 101, 101).length);
		ContourPerturbation.distort(px, 101, 101, 6, new java.util.SplittableRandom(4));
		int added = 0, removed = 0;
		for (int i = 0; i < px.length; i++) {
			final boolean was = bp.get(i) != 0, is = px[i] != 0;
			if (is && !was) added++;
			if (was && !is) removed++;
		}
		assertTrue("added " + added, added > 0);
		assertTrue("removed " + removed, removed > 0);
		// a disc of radius 6 has 113 pixels (dx² + dy² <= 36): at most 16 discs are added
		assertTrue(added <= 16 * 113);
		final byte[] disc = new byte[21 * 21];
		ContourPerturbation.disc(disc, 21, 21, 10, 10, 6, (byte) 255);
		assertEquals(113, NoiseImages.count(disc));
		final byte[] clipped = new byte[21 * 21];
		ContourPerturbation.disc(clipped, 21, 21, 0, 0, 6, (byte) 255);
		assertEquals(35, NoiseImages.count(clipped)); // one quarter with its two half-axes: (113 - 1 - 4*6)/4 + 6 + 6 + 1
	}

	@Test
	public void kindsFollowTheirProbabilities() {
		final int n = 400;
		final ImageStack st = new ImageStack(16, 16);
		for (int s = 0; s < n; s++) {
			final ByteProcessor bp = new ByteProcessor(16, 16);
			for (int y = 5; y < 11; y++)
				for (int x = 5; x < 11; x++) bp.set(x, y, 255);
			st.addSlice(bp);
		}
		final ContourPerturbation.Result r = ContourPerturbation.apply(new ImagePlus("s", st), 1, 1, 3, 8);
		int dil = 0, ero = 0, dis = 0;
		final int[] rCount = new int[4];
		for (int s = 0; s < n; s++) {
			assertTrue(r.perturbed[s]);
			rCount[r.radius[s]]++;
			if (r.kind[s].equals("dilate")) dil++;
			else if (r.kind[s].equals("erode")) ero++;
			else dis++;
		}
		final double sd35 = Math.sqrt(n * 0.35 * 0.65), sd30 = Math.sqrt(n * 0.3 * 0.7), sd3 = Math.sqrt(n / 3.0 *
			2 / 3.0);
		assertEquals(0.35 * n, dil, 4 * sd35);
		assertEquals(0.35 * n, ero, 4 * sd35);
		assertEquals(0.30 * n, dis, 4 * sd30);
		assertEquals(0, rCount[0]);
		for (int k = 1; k <= 3; k++) assertEquals(n / 3.0, rCount[k], 4 * sd3);
	}

	@Test
	public void singleImageIsPerturbedWithProbabilityNoiseRate() {
		final ByteProcessor bp = new ByteProcessor(12, 12);
		for (int y = 4; y < 8; y++)
			for (int x = 4; x < 8; x++) bp.set(x, y, 255);
		final ImagePlus crop = new ImagePlus("square", bp);
		int perturbed = 0;
		final int runs = 200;
		for (int seed = 0; seed < runs; seed++) {
			final ContourPerturbation.Result r = ContourPerturbation.apply(crop, 0.5, 1, 2, seed);
			assertEquals(1, r.table.size());
			if (r.perturbed[0]) perturbed++;
			else assertArrayEquals(TestMasks.values(crop, 1), TestMasks.values(r.noisyLabel, 1));
		}
		assertEquals(runs * 0.5, perturbed, 4 * Math.sqrt(runs * 0.25));
		assertFalse(ContourPerturbation.apply(crop, 0, 1, 2, 3).perturbed[0]);
		assertTrue(ContourPerturbation.apply(crop, 1, 1, 2, 3).perturbed[0]);
	}

	@Test
	public void tableDescribesEverySlice() {
		final ImagePlus gt = TestMasks.gt3d();
		final ContourPerturbation.Result r = ContourPerturbation.apply(gt, 0.5, 5, 18, 42);
		final ResultsTable t = r.table;
		assertEquals(31, t.size());
		assertArrayEquals(new String[] { "slice", "perturbed", "kind", "r" }, t.getHeadings());
		int perturbed = 0;
		for (int row = 0; row < 31; row++) {
			assertEquals(row + 1, (int) t.getValue("slice", row));
			assertEquals(String.valueOf(r.perturbed[row]), t.getStringValue("perturbed", row));
			assertEquals(r.kind[row], t.getStringValue("kind", row));
			assertEquals(r.radius[row], (int) t.getValue("r", row));
			if (r.perturbed[row]) {
				perturbed++;
				assertTrue(r.radius[row] >= 5 && r.radius[row] <= 18);
			}
		}
		assertEquals(16, perturbed);
		assertEquals("gt3d-perturbed", r.noisyLabel.getTitle());
	}

	@Test
	public void seeds() {
		final ImagePlus gt = TestMasks.gt3d();
		final ContourPerturbation.Result a = ContourPerturbation.apply(gt, 0.5, 2, 6, 100), b = ContourPerturbation
			.apply(gt, 0.5, 2, 6, 100), c = ContourPerturbation.apply(gt, 0.5, 2, 6, 101);
		TestMasks.assertSameImage(a.noisyLabel, b.noisyLabel);
		assertArrayEquals(a.kind, b.kind);
		assertArrayEquals(a.radius, b.radius);
		assertFalse(TestMasks.sameImage(a.noisyLabel, c.noisyLabel));
	}

	@Test
	public void badInput() {
		final ImagePlus gt = TestMasks.gt3d();
		Expect.expect(() -> ContourPerturbation.apply(gt, 0.5, 9, 5, 1),
			"r_min=9 is larger than r_max=5");
		Expect.expect(() -> ContourPerturbation.apply(gt, 1.5, 5, 9, 1), "noise_rate=1.5");
		Expect.expect(() -> ContourPerturbation.apply(gt, 0.5, 0, 9, 1), "r_min=0");
		Expect.expect(() -> ContourPerturbation.apply(new ImagePlus("e", new ByteProcessor(9, 9)),
			0.5, 1, 2, 1), "label is empty");
		Expect.expect(() -> ContourPerturbation.apply(TestMasks.open("mask3d.tif"), 0.5, 1, 2, 1),
			"not a binary mask");
	}
}
