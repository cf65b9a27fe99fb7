package org.noisylabels.synth;

import static org.noisylabels.Expect.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.Progress;
import org.noisylabels.cli.CommandLine;
import org.noisylabels.metric.ThresholdBaseline;
import org.noisylabels.noise.ContourPerturbation;

import ij.IJ;
import ij.ImagePlus;

/** Synthetic Microscopy with dimensions=3: one volume with 3D objects, an anisotropic PSF and a calibration. */
public class SyntheticVolumeTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static SyntheticMicroscopy.Result make(final String kind, final int count, final long seed) {
		return SyntheticVolume.generate(kind, 128, count, 32, 1.5, 100, 2.5, seed, Progress.NONE);
	}

	private static byte[][] gt(final ImagePlus imp) {
		final byte[][] g = new byte[imp.getStackSize()][];
		for (int z = 0; z < g.length; z++) g[z] = (byte[]) imp.getStack().getPixels(z + 1);
		return g;
	}

	private static short[][] counts(final ImagePlus imp) {
		final short[][] g = new short[imp.getStackSize()][];
		for (int z = 0; z < g.length; z++) g[z] = (short[]) imp.getStack().getPixels(z + 1);
		return g;
	}

	/** Sizes (voxels) and z extents (slices) of the 6-connected foreground components. */
	private static int[][] components(final byte[][] g, final int w, final int h) {
		final int d = g.length;
		final boolean[][] seen = new boolean[d][w * h];
		final java.util.List<int[]> out = new java.util.ArrayList<>();
		for (int z = 0; z < d; z++)
			for (int i = 0; i < w * h; i++) {
				if (g[z][i] == 0 || seen[z][i]) continue;
				int n = 0, z0 = z, z1 = z;
				final ArrayDeque<int[]> q = new ArrayDeque<>();
				q.add(new int[] { z, i });
				seen[z][i] = true;
				while (!q.isEmpty()) {
					final int[] p = q.poll();
					n++;
					z0 = Math.min(z0, p[0]);
					z1 = Math.max(z1, p[0]);
					final int x = p[1] % w, y = p[1] / w;
					final int[][] nb = { { p[0], x > 0 ? p[1] - 1 : -1 }, { p[0], x < w - 1 ? p[1] + 1 : -1 }, { p[0], y > 0
						? p[1] - w : -1 }, { p[0], y < h - 1 ? p[1] + w : -1 }, { p[0] - 1, p[1] }, { p[0] + 1, p[1] } };
					for (final int[] m : nb) {
						if (m[1] < 0 || m[0] < 0 || m[0] >= d || g[m[0]][m[1]] == 0 || seen[m[0]][m[1]]) continue;
						seen[m[0]][m[1]] = true;
						q.add(m);
					}
				}
				out.add(new int[] { n, z1 - z0 + 1 });
			}
		return out.toArray(new int[0][]);
	}

	@Test
	public void volumeWithBinaryGroundTruthCalibrationAndObjectsSpanningSlices() {
		for (final String kind : SyntheticVolume.KINDS) {
			final SyntheticMicroscopy.Result r = make(kind, 30, 1);
			assertEquals(16, r.image.getBitDepth());
			assertEquals(8, r.groundTruth.getBitDepth());
			for (final ImagePlus imp : new ImagePlus[] { r.image, r.groundTruth }) {
				assertEquals(128, imp.getWidth());
				assertEquals(128, imp.getHeight());
				assertEquals(32, imp.getStackSize());
				assertEquals(SyntheticVolume.PIXEL_WIDTH, imp.getCalibration().pixelWidth, 0);
				assertEquals(SyntheticVolume.PIXEL_WIDTH, imp.getCalibration().pixelHeight, 0);
				assertEquals(SyntheticVolume.PIXEL_WIDTH * 2.5, imp.getCalibration().pixelDepth, 1e-12);
				assertTrue(imp.getCalibration().scaled());
			}
			final byte[][] g = gt(r.groundTruth);
			long fg = 0;
			for (final byte[] s : g)
				for (final byte v : s) {
					assertTrue(v == 0 || v == (byte) 255);
					if (v != 0) fg++;
				}
			final double f = fg / (128.0 * 128 * 32);
			// nuclei: up to 30 ellipsoids of about 2,600 voxels fill a tenth or more; tubes of about 250 voxels less
			final double[] range = kind.equals("blobs") ? new double[] { 0.05, 0.35 } : new double[] { 0.003, 0.05 };
			assertTrue(kind + ": foreground " + f, f > range[0] && f < range[1]);
			// objects do not touch: each is its own component; most span several slices
			final int[][] comps = components(g, 128, 128);
			assertTrue(kind + ": " + comps.length + " objects", comps.length >= 10 && comps.length <= 30);
			int deep = 0;
			for (final int[] c : comps) if (c[1] >= 3) deep++;
			assertTrue(kind + ": " + deep + " of " + comps.length + " objects span 3 slices or more", deep >= comps.length *
				0.8);
		}
	}

	@Test
	public void sameSeedSameVolumeOtherSeedOtherVolume() {
		for (final String kind : SyntheticVolume.KINDS) {
			final SyntheticMicroscopy.Result a = make(kind, 10, 7), b = make(kind, 10, 7), c = make(kind, 10, 8);
			boolean imageDiffers = false, gtDiffers = false;
			for (int z = 0; z < 32; z++) {
				assertArrayEquals(counts(a.image)[z], counts(b.image)[z]);
				assertArrayEquals(gt(a.groundTruth)[z], gt(b.groundTruth)[z]);
				imageDiffers |= !java.util.Arrays.equals(counts(a.image)[z], counts(c.image)[z]);
				gtDiffers |= !java.util.Arrays.equals(gt(a.groundTruth)[z], gt(c.groundTruth)[z]);
			}
			assertTrue(imageDiffers && gtDiffers);
		}
	}

	/**
	 * The PSF is longer in z than in x/y: with isotropic voxels (z_spacing 1) and tubes in random 3D directions
	 * (so that the shapes have no preferred axis), the mean intensity step between neighbours in and around the
	 * objects is larger along x than along z (about 1.9 times with sigma_z = 2.5 sigma_xy; 1 for an isotropic
	 * PSF). 1e4 photons: little noise, no clipping at 65535.
	 */
	@Test
	public void psfIsLongerInZThanInXY() {
		final SyntheticMicroscopy.Result r = SyntheticVolume.generate("tubes", 128, 30, 32, 1.5, 1e4, 1.0, 3,
			Progress.NONE);
		final short[][] c = counts(r.image);
		final byte[][] g = gt(r.groundTruth);
		double gx = 0, gz = 0;
		int nx = 0, nz = 0;
		for (int z = 0; z < 31; z++)
			for (int y = 0; y < 128; y++)
				for (int x = 0; x < 127; x++) {
					final int i = y * 128 + x;
					if (g[z][i] != 0 || g[z][i + 1] != 0) {
						gx += Math.abs((c[z][i + 1] & 0xffff) - (c[z][i] & 0xffff));
						nx++;
					}
					if (g[z][i] != 0 || g[z + 1][i] != 0) {
						gz += Math.abs((c[z + 1][i] & 0xffff) - (c[z][i] & 0xffff));
						nz++;
					}
				}
		assertTrue(nx > 1000 && nz > 1000);
		gx /= nx;
		gz /= nz;
		assertTrue("mean step in x " + gx + ", in z " + gz, gx > 1.5 * gz);
	}

	@Test
	public void otsuOnTheVolumeIsDecentButBelowOne() {
		for (final String kind : SyntheticVolume.KINDS) {
			final SyntheticMicroscopy.Result r = make(kind, kind.equals("blobs") ? 30 : 120, 2);
			final ImagePlus mask = ThresholdBaseline.apply(r.image, "Otsu", 1, 51, 0, false, false, Progress.NONE).mask;
			final byte[][] s = gt(mask), g = gt(r.groundTruth);
			long both = 0, ns = 0, ng = 0;
			for (int z = 0; z < s.length; z++)
				for (int i = 0; i < s[z].length; i++) {
					if (s[z][i] != 0) ns++;
					if (g[z][i] != 0) ng++;
					if (s[z][i] != 0 && g[z][i] != 0) both++;
				}
			final double dice = 2.0 * both / (ns + ng);
			assertTrue(kind + ": Otsu Dice " + dice, dice > 0.4 && dice < 0.97);
		}
	}

	@Test
	public void fastEnough() {
		final long t0 = System.nanoTime();
		make("blobs", 30, 11);
		make("tubes", 30, 11);
		final double s = (System.nanoTime() - t0) / 1e9;
		// about 0.3 s each here; a loose bound for a loaded machine
		assertTrue("two 128x128x32 volumes took " + s + " s", s < 10);
	}

	@Test
	public void badInputIsOneLineError() {
		expect(() -> SyntheticVolume.generate("filaments", 64, 5, 8, 1.5, 100, 2, 1, Progress.NONE), "no 3D version");
		expect(() -> SyntheticVolume.generate("er", 64, 5, 8, 1.5, 100, 2, 1, Progress.NONE), "no 3D version");
		expect(() -> SyntheticVolume.generate("blobs", 64, 5, 1, 1.5, 100, 2, 1, Progress.NONE), "slices=1");
		expect(() -> SyntheticVolume.generate("blobs", 64, 5, 8, 1.5, 100, 0, 1, Progress.NONE), "z_spacing");
		expect(() -> SyntheticVolume.generate("cells", 64, 5, 8, 1.5, 100, 2, 1, Progress.NONE), "kind");
	}


	/** The command line: keys reach the command, the calibration survives the TIFF, 3D noise works on it. */
	@Test
	public void commandLineVolumeAndContourPerturbation3D() throws Exception {
		final File img = new File(tmp.getRoot(), "img.tif"), gt = new File(tmp.getRoot(), "gt.tif"), noisy = new File(tmp
			.getRoot(), "noisy.tif"), table = new File(tmp.getRoot(), "p.csv");
		Object[] r = cli("Synthetic Microscopy", "dimensions=3", "kind=blobs", "size=64", "count=8", "slices=12",
			"z_spacing=3", "seed=3", "image=" + img, "ground_truth=" + gt);
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus a = IJ.openImage(img.getPath()), b = IJ.openImage(gt.getPath());
		assertEquals(12, a.getStackSize());
		assertEquals(12, b.getStackSize());
		assertEquals(SyntheticVolume.PIXEL_WIDTH * 3, b.getCalibration().pixelDepth, 1e-9);
		assertEquals(SyntheticVolume.PIXEL_WIDTH, b.getCalibration().pixelWidth, 1e-9);
		final SyntheticMicroscopy.Result api = SyntheticVolume.generate("blobs", 64, 8, 12, 1.5, 100, 3, 3,
			Progress.NONE);
		for (int z = 0; z < 12; z++) {
			assertArrayEquals(counts(api.image)[z], counts(a)[z]);
			assertArrayEquals(gt(api.groundTruth)[z], gt(b)[z]);
		}
		r = cli("Contour Perturbation", "label=" + gt, "dimensions=3", "noise_rate=1", "r_min=3", "r_max=5", "ball=true",
			"seed=2", "noisy_label=" + noisy, "perturbation=" + table);
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus n = IJ.openImage(noisy.getPath());
		final ContourPerturbation.Result p = ContourPerturbation.apply(b, 1, 3, 5, 2, 3, true, Progress.NONE);
		for (int z = 0; z < 12; z++) assertArrayEquals(gt(p.noisyLabel)[z], gt(n)[z]);
		assertEquals(SyntheticVolume.PIXEL_WIDTH * 3, n.getCalibration().pixelDepth, 1e-9);
		final String csv = new String(java.nio.file.Files.readAllBytes(table.toPath()), StandardCharsets.UTF_8);
		assertTrue(csv, csv.contains("ball") && csv.contains(p.kind[0]));
		// bad input: one line, exit 2
		r = cli("Synthetic Microscopy", "dimensions=3", "kind=filaments", "slices=4", "size=64", "image=" + new File(tmp
			.getRoot(), "x.tif"), "ground_truth=" + new File(tmp.getRoot(), "y.tif"));
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("no 3D version"));
		r = cli("Synthetic Microscopy", "kind=blobs", "z_spacing=3", "size=64", "image=" + new File(tmp.getRoot(),
			"x.tif"), "ground_truth=" + new File(tmp.getRoot(), "y.tif"));
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("z_spacing is for dimensions=3"));
		r = cli("Contour Perturbation", "label=" + gt, "dimensions=3", "r_min=6", "r_max=5", "noisy_label=" + new File(
			tmp.getRoot(), "z.tif"));
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("r_min=6"));
		assertFalse(new File(tmp.getRoot(), "z.tif").exists());
		r = cli("--help", "Contour Perturbation");
		assertTrue(r[1].toString() + r[2], (r[1].toString() + r[2]).contains("dimensions") && (r[1].toString() + r[2])
			.contains("ball"));
		r = cli("--help", "Synthetic Microscopy");
		assertTrue(r[1].toString() + r[2], (r[1].toString() + r[2]).contains("z_spacing"));
	}

	private static Object[] cli(final String... args) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final String[] all = new String[args.length + 1];
		all[0] = "--quiet";
		System.arraycopy(args, 0, all, 1, args.length);
		final int code = new CommandLine(new PrintStream(out, true), new PrintStream(err, true)).run(all);
		return new Object[] { code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) };
	}
}
