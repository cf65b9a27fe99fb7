package org.noisylabels.method;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.BeforeClass;
import org.junit.Test;
import org.noisylabels.Expect;
import org.noisylabels.method.igtt.Polarity.Contrast;
import org.noisylabels.method.igtt.Ems;
import org.noisylabels.noise.Skeleton;
import org.noisylabels.method.igtt.LabelState;
import org.noisylabels.method.IGTT.Output;
import org.noisylabels.method.IGTT.Params;
import org.noisylabels.method.igtt.Polarity;
import org.noisylabels.method.igtt.Candidates;
import org.noisylabels.method.igtt.Candidates.Selection;
import org.noisylabels.method.igtt.Pixels;
import org.noisylabels.method.IGTT.Update;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;

public class IGTTTest {

	/** The bundled 512x512 nuclei ground truth, 0/255. */
	private static byte[] gt;
	private static int gw, gh;

	@BeforeClass
	public static void load() {
		final ImagePlus imp = IJ.openImage("test-images/gt2d.tif");
		assertNotNull("test-images/gt2d.tif", imp);
		gw = imp.getWidth();
		gh = imp.getHeight();
		gt = new byte[gw * gh];
		for (int i = 0; i < gt.length; i++)
			if (imp.getProcessor().get(i) != 0) gt[i] = (byte) 255;
	}

	// ---- first_labels ------------------------------------------------------------------------

	/** Bright filaments on noise, and its Otsu mask computed here independently (sigma 1, per slice). */
	private static ImagePlus filamentsOnNoise(final boolean bright) {
		final int w = 96, h = 80;
		final ImageStack st = new ImageStack(w, h);
		final Random rnd = new Random(3);
		for (int z = 0; z < 2; z++) {
			final ij.process.FloatProcessor fp = new ij.process.FloatProcessor(w, h);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					final boolean line = Math.abs(y - (20 + 30 * z) - x / 4) <= 1 || Math.abs(x - 60 + 10 * z) <= 1;
					final double v = (line ? 100 : 20) + 8 * rnd.nextGaussian();
					fp.setf(x, y, (float) (bright ? v : 120 - v));
				}
			st.addSlice(fp);
		}
		return new ImagePlus("filaments", st);
	}

	private static byte[] otsuMask(final ImagePlus imp, final int z, final boolean bright) {
		final ij.process.FloatProcessor fp = imp.getStack().getProcessor(z + 1).convertToFloatProcessor();
		new ij.plugin.filter.GaussianBlur().blurGaussian(fp, 1, 1, 0.0002);
		final float[] v = (float[]) fp.getPixels();
		float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
		for (final float f : v) {
			lo = Math.min(lo, f);
			hi = Math.max(hi, f);
		}
		final int[] hist = new int[256];
		for (final float f : v) hist[Math.min(255, (int) ((f - lo) / (hi - lo) * 256))]++;
		final int t = new ij.process.AutoThresholder().getThreshold(ij.process.AutoThresholder.Method.Otsu, hist);
		final byte[] m = new byte[v.length];
		for (int i = 0; i < v.length; i++) {
			final int bin = Math.min(255, (int) ((v[i] - lo) / (hi - lo) * 256));
			if (bright ? bin > t : bin <= t) m[i] = (byte) 255;
		}
		return m;
	}

	@Test
	public void firstLabelsOtsuAreEmsOfTheOtsuMaskAndBlackIsAllBlack() {
		for (final boolean bright : new boolean[] { true, false }) {
			final ImagePlus imp = filamentsOnNoise(bright);
			final Params p = new Params();
			p.brightObjects = bright;
			for (final byte[] l : IGTT.firstLabels(imp, p))
				assertEquals(0, Pixels.countForeground(l));
			p.firstLabels = "OTSU";
			p.seed = 5;
			final byte[][] first = IGTT.firstLabels(imp, p);
			assertEquals(2, first.length);
			for (int z = 0; z < 2; z++) {
				final byte[] otsu = otsuMask(imp, z, bright);
				final int fgOtsu = Pixels.countForeground(otsu);
				// the lines cover about 11 % of the image: the mask must be a sparse foreground, not its complement
				assertTrue(bright + " slice " + z + ": Otsu foreground " + fgOtsu, fgOtsu > 0.05 * otsu.length && fgOtsu < 0.3
					* otsu.length);
				// a few pixels may fall on the other side of the threshold with the baseline's own binning
				int outside = 0, differ = 0;
				for (int i = 0; i < otsu.length; i++)
					if (first[z][i] != 0 && otsu[i] == 0) outside++;
				// with r = 1 a skeleton pixel may move one pixel off the mask: allow a few, not many
				final int fg = Pixels.countForeground(first[z]);
				assertTrue("labels " + fg, fg > 0 && fg < fgOtsu / 3);
				assertTrue(bright + " slice " + z + ": " + outside + " of " + fg + " label pixels outside the Otsu mask",
					outside <= fg / 2);
				// r = 0, p = 1: exactly the skeleton of the Otsu mask, every pixel inside it
				final Params q = new Params();
				q.brightObjects = bright;
				q.firstLabels = IGTT.FIRST_OTSU;
				q.r = 0;
				q.p = 1;
				final byte[] skel = IGTT.firstLabels(imp, q)[z];
				final byte[] expected = Ems.apply(otsu, imp.getWidth(), imp.getHeight(), 0, 1, Ems.random(0, -1, z)).label;
				for (int i = 0; i < skel.length; i++)
					if (skel[i] != expected[i]) differ++;
				assertTrue(bright + " slice " + z + ": " + differ + " pixels differ from the skeleton of the Otsu mask",
					differ <= Pixels.countForeground(expected) / 20);
				// without EMS the first labels are the Otsu mask itself
				q.ems = false;
				final byte[] plain = IGTT.firstLabels(imp, q)[z];
				int d2 = 0;
				for (int i = 0; i < plain.length; i++)
					if ((plain[i] != 0) != (otsu[i] != 0)) d2++;
				assertTrue(d2 + " pixels differ from the Otsu mask", d2 <= fgOtsu / 50);
			}
		}
		final Params bad = new Params();
		bad.firstLabels = "triangle";
		Expect.expect(bad::validate, "first_labels=triangle is not allowed: use one of black, otsu");
	}

	// ---- 0. run settings -----------------------------------------------------------------------

	@Test
	public void automaticStepsPerEpochCoverTheImagesAndAreAtLeastEight() {
		// 8 images of 256x256 in batches of 2 patches of 128x128: 16 steps cover them once
		assertEquals(16, IGTTSegmentation.autoStepsPerEpoch(8L * 256 * 256, 2, 128));
		assertEquals(8, IGTTSegmentation.autoStepsPerEpoch(512L * 512, 2, 128));
		assertEquals(64, IGTTSegmentation.autoStepsPerEpoch(32L * 256 * 256, 2, 128));
		assertEquals(65, IGTTSegmentation.autoStepsPerEpoch(32L * 256 * 256 + 1, 2, 128));
		// one 128x512 strip would be 2 steps: raised to the minimum
		assertEquals(8, IGTTSegmentation.autoStepsPerEpoch(128L * 512, 2, 128));
		assertEquals(8, IGTTSegmentation.MIN_AUTO_STEPS_PER_EPOCH);
	}

	// ---- 1. thresholds and DMI selection -------------------------------------------------------

	@Test
	public void thresholdsFollowTheFormula() {
		final Random rnd = new Random(1);
		final float[] p = new float[1000];
		for (int i = 0; i < p.length; i++)
			p[i] = 0.2f + 0.6f * rnd.nextFloat();
		p[17] = 0.15f; // min
		p[400] = 0.95f; // max
		final double[] t = Candidates.thresholds(p, 30);
		assertEquals(30, t.length);
		final double d = ((double) 0.95f - (double) 0.15f) / 29.0;
		for (int k = 0; k < 30; k++)
			assertEquals("t_" + k, 0.15f + k * d, t[k], 1e-12);
		assertEquals(0.15f, t[0], 0);
		assertEquals(0.95f, t[29], 0);
		// a small exact case: K = 5 over [0, 1]
		assertArrayEquals(new double[] { 0, 0.25, 0.5, 0.75, 1 }, Candidates.thresholds(0, 1, 5), 1e-15);
		// candidates: P > t, strictly
		final byte[] c = Candidates.candidate(new float[] { 0.25f, 0.5f, 0.75f }, 0.5);
		assertArrayEquals(new byte[] { 0, 0, (byte) 255 }, c);
	}

	@Test
	public void dmiByHandOn2x2And3x3() {
		// 2x2: U = [[1.5, 0.3], [0.5, 1.7]], det = 2.55 - 0.15 = 2.4
		final float[] p2 = { 0.9f, 0.2f, 0.6f, 0.1f };
		final byte[] s2 = { 1, 0, 1, 0 };
		assertEquals(-Math.log(2.4 + 0.001), Candidates.dmi(p2, s2), 1e-6);
		assertEquals(-0.8758853, Candidates.dmi(p2, s2), 1e-6);
		// 3x3: U = [[2.4, 0.8], [0.6, 5.2]], det = 12.48 - 0.48 = 12
		final float[] p3 = { 0.9f, 0.8f, 0.1f, 0.7f, 0.2f, 0.1f, 0.3f, 0.1f, 0.0f };
		final byte[] s3 = { (byte) 255, (byte) 255, 0, (byte) 255, 0, 0, 0, 0, 0 };
		assertEquals(-2.4849900, Candidates.dmi(p3, s3), 1e-6);
		// the complement has det = -12: |det| gives the same value
		assertEquals(Candidates.dmi(p3, s3), Candidates.dmi(p3, Pixels.invert(s3)), 1e-9);
		// an all-black target: det = 0, DMI = -log(0.001)
		assertEquals(6.9077553, Candidates.dmi(p3, new byte[9]), 1e-6);
	}

	@Test
	public void fastDmiCurveEqualsDirectDmiOfEveryCandidate() {
		final Random rnd = new Random(7);
		for (int trial = 0; trial < 4; trial++) {
			final float[] p = new float[64 * 64];
			for (int i = 0; i < p.length; i++) {
				// quantised values hit the thresholds exactly (ties), plus continuous ones
				p[i] = trial % 2 == 0 ? rnd.nextInt(30) / 29f : (float) Math.pow(rnd.nextFloat(), 3);
			}
			final double[] t = Candidates.thresholds(p, 30);
			final double[] curve = Candidates.dmiCurve(p, t);
			for (int k = 0; k < 30; k++) {
				final double direct = Candidates.dmi(p, Candidates.candidate(p, t[k]));
				assertEquals("trial " + trial + ", k=" + k, direct, curve[k], 1e-9 * Math.max(1, Math.abs(direct)));
			}
		}
	}

	@Test
	public void bimodalPredictionSelectsTheTrueMask() {
		final int w = 64, h = 64;
		final byte[] truth = new byte[w * h];
		final float[] p = new float[w * h];
		final Random rnd = new Random(3);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final boolean in = x >= 16 && x < 48 && y >= 16 && y < 48; // 25 % of the image
				truth[y * w + x] = in ? (byte) 255 : 0;
				p[y * w + x] = (in ? 0.9f : 0.1f) + 0.1f * (rnd.nextFloat() - 0.5f);
			}
		final Selection s = Candidates.select(p, 30, false);
		assertArrayEquals(truth, s.mask);
		assertEquals(32 * 32, s.foreground);
		assertEquals(Candidates.dmi(p, truth), s.dmi, 1e-9);
		// det = n * sum over S of (p - mean P) is largest for S = {P > mean P}, here inside the gap
		double mean = 0;
		for (final float v : p)
			mean += v / p.length;
		assertEquals(0.3, mean, 0.01);
		assertArrayEquals(Candidates.candidate(p, mean), s.mask);
		// every threshold in the gap gives the same mask: ties go to the smallest k, the first one at or
		// above the brightest background pixel
		float maxBg = 0;
		for (int i = 0; i < p.length; i++)
			if (truth[i] == 0) maxBg = Math.max(maxBg, p[i]);
		assertTrue(s.threshold >= maxBg && s.thresholds[s.index - 1] < maxBg);
		// and it is the minimum over k = 1..K-2
		for (int k = 1; k < 29; k++)
			assertTrue("k=" + k, s.dmis[k] >= s.dmi);
	}

	@Test
	public void defaultRangeExcludesTheExtremes() {
		// 50 pixels at 0, 49 at 0.02, 1 at 1.0: mean 0.0198 < t_1 = 1/29, so P > t_0 beats P > t_1
		final float[] p = new float[100];
		for (int i = 50; i < 99; i++)
			p[i] = 0.02f;
		p[99] = 1f;
		final Selection full = Candidates.select(p, 30, true);
		assertEquals(0, full.index);
		assertEquals(50, full.foreground);
		final Selection ref = Candidates.select(p, 30, false);
		assertEquals(1, ref.index);
		assertEquals(1, ref.foreground);
		assertTrue(full.dmi < ref.dmi);
		// the reference range never returns 0 or K-1
		final Random rnd = new Random(11);
		for (int trial = 0; trial < 20; trial++) {
			final float[] q = new float[400];
			for (int i = 0; i < q.length; i++)
				q[i] = (float) Math.pow(rnd.nextDouble(), 1 + trial);
			final int k = Candidates.select(q, 30, false).index;
			assertTrue("index " + k, k >= 1 && k <= 28);
		}
		// a constant map: all DMIs are -log(0.001), the first considered candidate (empty) is taken
		final Selection flat = Candidates.select(new float[50], 30, false);
		assertEquals(1, flat.index);
		assertEquals(0, flat.foreground);
		assertEquals(6.9077553, flat.dmi, 1e-6);
	}

	/** A sparse two-class map: 7 % of the pixels around 0.8, the rest around 0.2 (SD 0.05), in random order. */
	private static float[] sparseMap(final byte[] truth, final long seed) {
		final Random rnd = new Random(seed);
		final float[] p = new float[truth.length];
		for (int i = 0; i < p.length; i++) {
			final boolean fg = rnd.nextDouble() < 0.07;
			truth[i] = fg ? (byte) 255 : 0;
			p[i] = (float) Math.min(1, Math.max(0, (fg ? 0.8 : 0.2) + 0.05 * rnd.nextGaussian()));
		}
		return p;
	}

	@Test
	public void histogramCriteriaDoNotFollowTheMeanOnSparseMaps() {
		final byte[] truth = new byte[128 * 128];
		final float[] p = sparseMap(truth, 7);
		final int trueFg = Pixels.countForeground(truth);
		// DMI: about P > mean(P) = 0.24, which takes the upper fifth of the background too
		final Selection dmi = Candidates.select(p, 30, false, Candidates.Criterion.DMI);
		assertEquals(Candidates.select(p, 30, false).index, dmi.index);
		assertTrue("DMI foreground " + dmi.foreground + " vs true " + trueFg, dmi.foreground > 2.5 * trueFg);
		for (final Candidates.Criterion c : new Candidates.Criterion[] { Candidates.Criterion.OTSU }) {
			final double t = Candidates.autoThreshold(p, c);
			assertTrue(c + " threshold " + t, t > 0.35 && t < 0.65);
			final Selection s = Candidates.select(p, 30, false, c);
			// the candidate nearest the auto-threshold, and it is nearly the true mask
			for (int k = 1; k < 29; k++)
				assertTrue(c + " k=" + k, Math.abs(s.thresholds[k] - t) >= Math.abs(s.threshold - t));
			assertArrayEquals(Candidates.candidate(p, s.threshold), s.mask);
			assertEquals(c + " foreground", trueFg, s.foreground, 0.01 * trueFg);
			assertEquals(Candidates.dmi(p, s.mask), s.dmi, 1e-9);
		}
		// a flat map stays a valid choice (the first considered candidate)
		assertEquals(1, Candidates.select(new float[50], 30, false, Candidates.Criterion.OTSU).index);
	}

	@Test
	public void candidateKeyReachesTheLabelRefresh() {
		final int w = 64, h = 64;
		final byte[] truth = new byte[w * h];
		final float[] p = sparseMap(truth, 9);
		final Params params = new Params();
		params.ems = false;
		params.candidate = "OTSU";
		params.validate();
		assertEquals("otsu", params.candidate);
		final LabelState state = new LabelState(new int[] { w }, new int[] { h }, false);
		final Update u = IGTT.refreshAll(state, 0, new float[][] { p }, 0, params)[0];
		assertArrayEquals(Candidates.select(p, 30, false, Candidates.Criterion.OTSU).mask, u.label);
		params.candidate = "dmi";
		final Update d = IGTT.refreshAll(state, 0, new float[][] { p }, 1, params)[0];
		assertTrue(d.selection.foreground > 2 * u.selection.foreground);
		// the final mask follows the same rule
		params.candidate = "otsu";
		final Output out = IGTT.output(new float[][] { p }, null, params);
		assertArrayEquals(Candidates.select(p, 30, false, Candidates.Criterion.OTSU).mask, out.masks[0]);
		params.sharedIndex = true;
		Expect.expect(params::validate, "shared_index=true works with candidate=dmi only");
		params.sharedIndex = false;
		params.candidate = "triangle";
		Expect.expect(params::validate, "candidate=triangle is not allowed: use one of dmi, otsu");
	}

	/**
	 * label_gate=otsu: two bright discs with a dark gap; a map that merges them (as the loop's candidates do)
	 * has a skeleton through the gap. Ungated, some labels lie in the gap; gated, none does, and every label
	 * pixel lies inside the image's Otsu mask.
	 */
	@Test
	public void labelGateKeepsTheSkeletonOutOfTheGapBetweenMergedObjects() {
		final int w = 64, h = 48;
		final float[] image = new float[w * h], p = new float[w * h];
		final byte[] gap = new byte[w * h];
		final Random rnd = new Random(4);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final int i = y * w + x;
				final boolean disc = Math.hypot(x - 18, y - 24) < 10 || Math.hypot(x - 46, y - 24) < 10;
				image[i] = (disc ? 200 : 40) + (float) rnd.nextGaussian() * 5;
				// the merged candidate: both discs and the 8-px gap between them (one elongated blob)
				final boolean merged = Math.abs(y - 24) < 8 && x > 10 && x < 54 || disc;
				p[i] = merged ? 0.9f + 0.01f * (float) rnd.nextDouble() : 0.1f * (float) rnd.nextDouble();
				if (!disc && x > 28 && x < 36 && Math.abs(y - 24) < 4) gap[i] = 1;
			}
		final Params params = new Params();
		params.r = 0;
		params.p = 1; // the label is the skeleton itself
		params.labelGate = "NONE";
		params.validate();
		assertEquals("none", params.labelGate);
		final LabelState state = new LabelState(new int[] { w }, new int[] { h }, false);
		final byte[] ungated = IGTT.refreshAll(state, 0, new float[][] { p }, 0, params)[0].label.clone();
		assertTrue("the merged blob's skeleton crosses the gap", countIn(ungated, gap) > 0);
		final byte[] gate = IGTT.gateMask(image, w, h, true);
		params.labelGate = "otsu";
		final byte[] gated = IGTT.refreshAll(state, 0, new float[][] { p }, new byte[][] { gate }, 0, params)[0].label;
		assertEquals(0, countIn(gated, gap));
		for (int i = 0; i < gated.length; i++) {
			if (gated[i] != 0) assertTrue("pixel " + i + " outside the gate", gate[i] != 0);
			if (ungated[i] != 0 && gate[i] != 0) assertTrue("pixel " + i + " dropped inside the gate", gated[i] != 0);
		}
		assertTrue(Pixels.countForeground(gated) > Pixels.countForeground(ungated) / 2);
		// the gate is the bright discs, or their complement for dark objects
		final byte[] dark = IGTT.gateMask(image, w, h, false);
		for (int i = 0; i < gate.length; i++)
			assertTrue("pixel " + i, (gate[i] != 0) != (dark[i] != 0));
		assertEquals(Math.PI * 200, Pixels.countForeground(gate), 40);
		params.labelGate = "li";
		Expect.expect(params::validate, "label_gate=li is not allowed: use one of otsu, none");
	}

	private static int countIn(final byte[] label, final byte[] region) {
		int n = 0;
		for (int i = 0; i < label.length; i++)
			if (label[i] != 0 && region[i] != 0) n++;
		return n;
	}

	@Test
	public void sharedIndexMinimisesTheMeanDmi() {
		final Random rnd = new Random(5);
		final float[][] ps = new float[3][900];
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 900; j++)
				ps[i][j] = (float) Math.pow(rnd.nextDouble(), 1 + 2 * i);
		final Selection[] shared = Candidates.selectShared(ps, 30, false);
		int best = -1;
		double bestMean = Double.POSITIVE_INFINITY;
		for (int k = 1; k < 29; k++) {
			double m = 0;
			for (int i = 0; i < 3; i++)
				m += Candidates.dmi(ps[i], Candidates.candidate(ps[i], Candidates.thresholds(ps[i], 30)[k])) / 3;
			if (m < bestMean) {
				bestMean = m;
				best = k;
			}
		}
		for (int i = 0; i < 3; i++) {
			assertEquals(best, shared[i].index);
			assertArrayEquals(Candidates.candidate(ps[i], Candidates.thresholds(ps[i], 30)[best]), shared[i].mask);
		}
		// the per-image choices differ for these maps (so the test can tell the two modes apart)
		final int k0 = Candidates.select(ps[0], 30, false).index, k2 = Candidates.select(ps[2], 30, false).index;
		assertTrue(k0 + " vs " + k2, k0 != k2);
	}

	@Test
	public void badInputIsRejected() {
		final Params params = new Params();
		params.k = 2;
		Expect.expect(params::validate, "k=2");
		params.k = 30;
		params.p = 0;
		Expect.expect(params::validate, "p=0");
		params.p = 1.5;
		Expect.expect(params::validate, "p=1.5");
		params.p = 0.1;
		params.r = -1;
		Expect.expect(params::validate, "r=-1");
		final float[] p = { 0.1f, Float.NaN, 0.3f };
		Expect.expect(() -> Candidates.select(p, 30, false), "NaN");
	}

	// ---- 2. EMS -----------------------------------------------------------------------------------

	@Test
	public void majorityForegroundIsInvertedBeforeSkeletonizing() {
		final int w = 40, h = 40;
		final byte[] c = new byte[w * h];
		Arrays.fill(c, (byte) 255);
		for (int y = 10; y < 20; y++)
			for (int x = 5; x < 35; x++)
				c[y * w + x] = 0; // a dark 30x10 band: the background is the minority
		assertTrue(Pixels.isMajorityForeground(c));
		final Ems.Result r = Ems.apply(c, w, h, 1, 1.0, new SplittableRandom(1));
		assertTrue(r.inverted);
		assertTrue(r.skeletonPixels >= 20);
		for (int i = 0; i < c.length; i++)
			if (r.skeleton[i] != 0) {
				final int x = i % w, y = i / w;
				assertTrue("skeleton pixel " + x + "," + y + " outside the band", y >= 10 && y < 20 && x >= 5 && x < 35);
			}
		// exactly half is not a majority; a minority is kept as it is
		final byte[] half = new byte[w * h];
		Arrays.fill(half, 0, w * h / 2, (byte) 255);
		assertFalse(Pixels.isMajorityForeground(half));
		assertFalse(Ems.apply(Pixels.invert(c), w, h, 1, 1.0, new SplittableRandom(1)).inverted);
	}

	@Test
	public void skeletonLiesInsideTheObjects() {
		final byte[] sk = Skeleton.thin(gt, gw, gh);
		int n = 0;
		for (int i = 0; i < sk.length; i++) {
			if (sk[i] == 0) continue;
			assertEquals("skeleton pixel outside the object at " + i, (byte) 255, gt[i]);
			n++;
		}
		final int fg = Pixels.countForeground(gt);
		assertTrue("skeleton pixels " + n, n > 125); // 125 nuclei, each with at least one skeleton pixel
		assertTrue("skeleton " + n + " vs object " + fg, n < fg / 5);
		// it is thin: almost no 2x2 block is entirely skeleton (ImageJ leaves a few at junctions: 4 here)
		int blocks = 0;
		for (int y = 0; y < gh - 1; y++)
			for (int x = 0; x < gw - 1; x++)
				if (sk[y * gw + x] != 0 && sk[y * gw + x + 1] != 0 && sk[(y + 1) * gw + x] != 0 && sk[(y + 1) * gw +
					x + 1] != 0) blocks++;
		assertTrue("2x2 blocks: " + blocks, blocks <= 10);
	}

	@Test
	public void shiftedPixelsStayWithinRadius() {
		for (int r = 1; r <= 2; r++) {
			final Ems.Result e = Ems.apply(gt, gw, gh, r, 0.1, new SplittableRandom(9));
			assertFalse(e.inverted);
			int off = 0;
			for (int i = 0; i < e.shifted.length; i++) {
				if (e.shifted[i] == 0) continue;
				if (e.skeleton[i] == 0) off++;
				assertTrue("pixel " + i + " farther than " + r + " from the skeleton", nearSkeleton(e.skeleton, i % gw,
					i / gw, r));
			}
			// the pixels really moved: many shifted pixels are off the skeleton
			assertTrue("r=" + r + ": only " + off + " of " + e.shiftedPixels + " moved", off > e.shiftedPixels / 3);
			// merging can only reduce the count
			assertTrue(e.shiftedPixels <= e.skeletonPixels && e.shiftedPixels > e.skeletonPixels / 3);
		}
	}

	private static boolean nearSkeleton(final byte[] sk, final int x, final int y, final int r) {
		for (int dy = -r; dy <= r; dy++)
			for (int dx = -r; dx <= r; dx++) {
				final int xx = x + dx, yy = y + dy;
				if (xx >= 0 && yy >= 0 && xx < gw && yy < gh && sk[yy * gw + xx] != 0) return true;
			}
		return false;
	}

	@Test
	public void samplingKeepsExactlyCeilOfPTimesN() {
		assertEquals(3, Ems.keepCount(0.1, 30));
		assertEquals(7, Ems.keepCount(0.07, 100)); // 0.07 * 100 = 7.000000000000001 in floating point
		assertEquals(4, Ems.keepCount(0.1, 31));
		assertEquals(1, Ems.keepCount(0.1, 1));
		assertEquals(0, Ems.keepCount(0.5, 0));
		for (final double p : new double[] { 0.1, 0.37, 1.0 }) {
			final Ems.Result e = Ems.apply(gt, gw, gh, 1, p, new SplittableRandom(4));
			assertEquals((int) Math.ceil(p * e.shiftedPixels - 1e-9), e.keptPixels);
			assertEquals(e.keptPixels, Pixels.countForeground(e.label));
			for (int i = 0; i < e.label.length; i++)
				if (e.label[i] != 0) assertTrue(e.shifted[i] != 0);
		}
	}

	@Test
	public void noShiftAndFullSamplingGiveTheSkeleton() {
		final Ems.Result e = Ems.apply(gt, gw, gh, 0, 1.0, new SplittableRandom(2));
		assertArrayEquals(Skeleton.thin(gt, gw, gh), e.label);
		assertEquals(e.skeletonPixels, e.keptPixels);
		assertEquals(e.skeletonPixels, e.shiftedPixels);
	}

	@Test
	public void sameSeedSameLabelDifferentSeedDifferentLabel() {
		final Params params = new Params();
		final byte[] a = IGTT.nextLabel(gt, gw, gh, params, Ems.random(42, 3, 0));
		final byte[] b = IGTT.nextLabel(gt, gw, gh, params, Ems.random(42, 3, 0));
		assertArrayEquals(a, b);
		assertFalse(Arrays.equals(a, IGTT.nextLabel(gt, gw, gh, params, Ems.random(43, 3, 0))));
		assertFalse(Arrays.equals(a, IGTT.nextLabel(gt, gw, gh, params, Ems.random(42, 4, 0))));
		assertFalse(Arrays.equals(a, IGTT.nextLabel(gt, gw, gh, params, Ems.random(42, 3, 1))));
		// about 10 % of the (shifted) skeleton is kept
		final int sk = Pixels.countForeground(Skeleton.thin(gt, gw, gh));
		final int kept = Pixels.countForeground(a);
		assertTrue(kept + " of " + sk, kept >= sk / 20 && kept <= sk / 9 + 1);
	}

	@Test
	public void withoutEmsTheCandidateIsTheLabelAsIs() {
		final Params params = new Params();
		params.ems = false;
		final byte[] inv = Pixels.invert(gt); // majority foreground: NOT inverted without EMS
		assertArrayEquals(inv, IGTT.nextLabel(inv, gw, gh, params, Ems.random(42, 1, 0)));
	}

	// ---- 3. polarity -------------------------------------------------------------------------------

	/** A 64x64 image with bright discs (about 20 % of the area) on a dark noisy background. */
	private static float[][] discScene(final double radius) {
		final int w = 64, h = 64;
		final float[] img = new float[w * h], truth = new float[w * h];
		final Random rnd = new Random(8);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final boolean in = Math.hypot(x - 20, y - 20) < radius || Math.hypot(x - 44, y - 42) < radius;
				truth[y * w + x] = in ? 1 : 0;
				img[y * w + x] = (in ? 180 : 40) + 20 * (float) rnd.nextGaussian();
			}
		return new float[][] { img, truth };
	}

	@Test
	public void invertedProbabilityMapIsFlippedBack() {
		final float[][] scene = discScene(11);
		final float[] img = scene[0], truth = scene[1];
		final float[] inverted = new float[truth.length];
		for (int i = 0; i < truth.length; i++)
			inverted[i] = 0.85f - 0.7f * truth[i];
		final Output out = IGTT.output(new float[][] { inverted }, new float[][] { img }, new Params());
		assertTrue(out.polarity.inverted);
		assertTrue(out.polarity.reason, out.polarity.reason.startsWith("inverted"));
		assertTrue(out.polarity.reason, out.polarity.reason.contains("(majority)"));
		assertTrue(out.polarity.reason, out.polarity.reason.contains("darker"));
		assertTrue(out.polarity.contrast < -1);
		assertTrue(out.polarity.foregroundFraction > 0.6);
		for (int i = 0; i < truth.length; i++) {
			assertEquals(truth[i] != 0 ? 255 : 0, out.masks[0][i] & 0xff);
			assertEquals(1 - inverted[i], out.probabilities[0][i], 1e-7);
		}
		// the right polarity is kept
		final float[] right = new float[truth.length];
		for (int i = 0; i < truth.length; i++)
			right[i] = 0.15f + 0.7f * truth[i];
		final Output ok = IGTT.output(new float[][] { right }, new float[][] { img }, new Params());
		assertFalse(ok.polarity.inverted);
		assertTrue(ok.polarity.reason, ok.polarity.reason.startsWith("kept"));
		assertTrue(ok.polarity.reason, ok.polarity.reason.contains("(minority)"));
		// exact: a kept polarity returns the probabilities untouched (plain Java, no TensorFlow)
		assertArrayEquals(right, ok.probabilities[0], 0f);
	}

	@Test
	public void brightnessOutweighsTheMinorityRule() {
		// large bright discs cover most of the image
		final float[][] scene = discScene(26);
		final byte[] mask = new byte[scene[1].length];
		int fg = 0;
		for (int i = 0; i < mask.length; i++)
			if (scene[1][i] != 0) {
				mask[i] = (byte) 255;
				fg++;
			}
		assertTrue(fg > mask.length * 0.6);
		final Polarity bright = Polarity.decide(mask, scene[0], true);
		assertFalse(bright.reason, bright.inverted);
		assertTrue(bright.reason, bright.reason.contains("outweighs the minority rule"));
		final Polarity dark = Polarity.decide(mask, scene[0], false);
		assertTrue(dark.reason, dark.inverted);
		final Polarity any = Polarity.decide(new byte[][] { mask }, new float[][] { scene[0] }, Contrast.ANY);
		assertTrue(any.reason, any.inverted);
		assertTrue(any.reason, any.reason.contains("minority rule"));
		// without an image only the minority rule applies
		assertTrue(Polarity.decide(mask, null, true).inverted);
		assertEquals((double) fg / mask.length, any.foregroundFraction, 1e-12);
	}

	@Test
	public void nucleiImageUsedAsPredictionGivesTheSameMaskInBothPolarities() {
		// the normalised bundled image stands in for a network output (and its inverse for a network that
		// converged to the inverted map): the DMI threshold plus the polarity decision recover the nuclei
		final float[] img = (float[]) IJ.openImage("test-images/img2d.tif").getProcessor().convertToFloatProcessor()
			.getPixels();
		float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
		for (final float v : img) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		final float[] p = new float[img.length], q = new float[img.length];
		for (int i = 0; i < img.length; i++) {
			p[i] = (img[i] - min) / (max - min);
			q[i] = 1 - p[i];
		}
		final Output direct = IGTT.output(new float[][] { p }, new float[][] { img }, new Params());
		final Output flipped = IGTT.output(new float[][] { q }, new float[][] { img }, new Params());
		assertFalse(direct.polarity.reason, direct.polarity.inverted);
		assertTrue(flipped.polarity.reason, flipped.polarity.inverted);
		final double d1 = dice(direct.masks[0], gt), d2 = dice(flipped.masks[0], gt);
		assertEquals(0.795, d1, 0.01); // blank answer: 0, inverted answer: far lower
		assertEquals(d1, d2, 0.01);
		assertTrue(dice(Pixels.invert(direct.masks[0]), gt) < 0.2);
	}

	private static double dice(final byte[] a, final byte[] b) {
		long inter = 0, sa = 0, sb = 0;
		for (int i = 0; i < a.length; i++) {
			if (a[i] != 0) sa++;
			if (b[i] != 0) sb++;
			if (a[i] != 0 && b[i] != 0) inter++;
		}
		return (2.0 * inter + 1e-5) / (sa + sb + 1e-5);
	}

	// ---- 4. label state and refresh ----------------------------------------------------------------

	@Test
	public void flatPredictionsGiveEmptyLabelsAndTheCollapseIsTrackedUntilALabelReturns() {
		final int w = 64, h = 64;
		final LabelState state = new LabelState(w, h, 2, false);
		final float[] flat = new float[w * h];
		java.util.Arrays.fill(flat, 0.37f);
		final float[] truth = discScene(11)[1];
		final float[] good = new float[truth.length];
		for (int i = 0; i < good.length; i++)
			good[i] = 0.2f + 0.6f * truth[i];
		final Params params = new Params();
		// a flat P: every threshold is the same value, the candidate P > t is empty, and so is the label
		final byte[] a = IGTT.refresh(state, 0, flat, 3, params).label;
		final byte[] b = IGTT.refresh(state, 1, flat, 3, params).label;
		assertEquals(0, Pixels.countForeground(a));
		assertEquals(0, Pixels.countForeground(b));
		assertEquals(3, IGTT.emptySince(-1, 3, new byte[][] { a, b }));
		assertEquals(3, IGTT.emptySince(3, 4, new byte[][] { a, b }));
		// one image with a structure again: not collapsed
		final byte[] c = IGTT.refresh(state, 1, good, 5, params).label;
		assertTrue(Pixels.countForeground(c) > 0);
		assertEquals(-1, IGTT.emptySince(3, 5, new byte[][] { a, c }));
		assertEquals(-1, IGTT.emptySince(-1, 5, new byte[][] { c, a }));
	}

	@Test
	public void labelStateStartsBlackAndRecordsHistory() {
		final int w = 64, h = 64;
		final LabelState state = new LabelState(w, h, 2, true);
		for (int i = 0; i < 2; i++) {
			assertEquals(0, Pixels.countForeground(state.label(i)));
			for (final float v : state.target(i))
				assertEquals(0f, v, 0f);
		}
		final float[] truth = discScene(11)[1];
		final float[] pred = new float[truth.length];
		for (int i = 0; i < pred.length; i++)
			pred[i] = 0.2f + 0.6f * truth[i];
		final Params params = new Params();
		final Update u = IGTT.refresh(state, 1, pred, 1, params);
		state.endEpoch(1);
		assertEquals(0, Pixels.countForeground(state.label(0)));
		assertArrayEquals(u.label, state.label(1));
		assertEquals(u.ems.keptPixels, Pixels.countForeground(state.label(1)));
		assertTrue(u.ems.keptPixels > 0);
		// the candidate is the discs; the label is a subset of the candidate dilated by r = 1
		int cand = 0;
		for (int i = 0; i < truth.length; i++) {
			assertEquals(truth[i] != 0, state.candidate(1)[i] != 0);
			if (state.candidate(1)[i] != 0) cand++;
		}
		assertEquals(cand, u.selection.foreground);
		// targets are 0/1
		final float[] target = state.target(1);
		for (int i = 0; i < target.length; i++)
			assertEquals(state.label(1)[i] != 0 ? 1f : 0f, target[i], 0f);
		// same (seed, epoch, image) gives the same label, whatever the order
		final LabelState other = new LabelState(w, h, 2, false);
		IGTT.refreshAll(other, 0, new float[][] { pred, pred }, 1, params);
		assertArrayEquals(state.label(1), other.label(1));
		assertFalse(Arrays.equals(other.label(0), other.label(1)));
		assertEquals(0, other.recordedEpochs());
		// a second epoch without EMS: the label is the candidate
		params.ems = false;
		final Update u2 = IGTT.refresh(state, 0, pred, 2, params);
		assertEquals(null, u2.ems);
		assertArrayEquals(u2.selection.mask, state.label(0));
		state.endEpoch(2);
		assertEquals(2, state.recordedEpochs());
		final ImageStack all = state.historyStack(false);
		assertEquals(4, all.getSize());
		assertEquals("epoch 1, image 2", all.getSliceLabel(2));
		assertEquals(0, Pixels.countForeground((byte[]) all.getPixels(1))); // image 1 after epoch 1: still black
		assertArrayEquals(u.label, (byte[]) all.getPixels(2));
		assertArrayEquals(u2.label, (byte[]) all.getPixels(3));
		final ImageStack cands = state.historyStack(1, true);
		assertEquals(2, cands.getSize());
		assertEquals("epoch 2", cands.getSliceLabel(2));
		assertEquals(cand, Pixels.countForeground((byte[]) cands.getPixels(1)));
	}
}
