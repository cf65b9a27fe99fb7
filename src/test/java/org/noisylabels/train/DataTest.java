package org.noisylabels.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.noisylabels.NoisyLabelsException;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

public class DataTest {

	private static ImagePlus ramp(final int w, final int h) {
		final float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = i;
		return new ImagePlus("ramp", new FloatProcessor(w, h, px));
	}

	@Test
	public void binaryAndMultiClassLabels() {
		final ByteProcessor b = new ByteProcessor(4, 2);
		b.set(1, 0, 200);
		final TrainingData bin = TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", b), null, null, Normalization
			.zscore(), 0, "image", "label");
		assertEquals(2, bin.classes());
		assertArrayEquals(new byte[] { 0, 1, 0, 0, 0, 0, 0, 0 }, bin.sample(0).labels());
		final ShortProcessor m = new ShortProcessor(4, 2);
		m.set(0, 0, 3);
		m.set(1, 0, 1);
		final TrainingData multi = TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", m), null, null, Normalization
			.zscore(), 0, "image", "label");
		assertEquals(4, multi.classes());
		assertEquals(3, multi.sample(0).label(0));
		// z-score: mean 0, sd 1
		double s = 0, s2 = 0;
		for (final float v : multi.sample(0).image) {
			s += v;
			s2 += v * v;
		}
		assertEquals(0, s / 8, 1e-6);
		assertEquals(1, s2 / 8, 1e-5);
	}

	/** Instance labels (many values) are refused unless the classes are given; then they are classes. */
	@Test
	public void instanceLabelsNeedExplicitClasses() {
		final ShortProcessor inst = new ShortProcessor(16, 12);
		for (int i = 0; i < 16 * 12; i++) inst.set(i, i % 20); // values 0..19
		expectError(() -> TrainingData.fromImages(ramp(16, 12), new ImagePlus("l", inst), null, null, Normalization
			.zscore(), 0, "image", "label"), "'Labels to Mask'");
		expectError(() -> TrainingData.fromImages(ramp(16, 12), new ImagePlus("l", inst), null, null, Normalization
			.zscore(), 0, "image", "label"), "classes=20");
		final TrainingData d = TrainingData.fromImages(ramp(16, 12), new ImagePlus("l", inst), null, null,
			Normalization.zscore(), 20, "image", "label");
		assertEquals(20, d.classes());
		assertEquals(19, d.sample(0).label(19));
		// labels 0..7 are still classes without asking
		final ShortProcessor eight = new ShortProcessor(16, 12);
		for (int i = 0; i < 16 * 12; i++) eight.set(i, i % 8);
		assertEquals(8, TrainingData.fromImages(ramp(16, 12), new ImagePlus("l", eight), null, null, Normalization
			.zscore(), 0, "image", "label").classes());
		// class values that are not 0..C-1 are refused with how to relabel them
		final ij.process.ByteProcessor spread = new ij.process.ByteProcessor(16, 12);
		for (int i = 0; i < 16 * 12; i++) spread.set(i, new int[] { 0, 128, 255 }[i % 3]);
		expectError(() -> TrainingData.fromImages(ramp(16, 12), new ImagePlus("l", spread), null, null, Normalization
			.zscore(), 0, "image", "label"), "relabel them to 0, 1, ..., C-1");
	}

	@Test
	public void labelErrors() {
		final FloatProcessor frac = new FloatProcessor(4, 2);
		frac.setf(0, 0.5f);
		frac.setf(1, 2f);
		expectError(() -> TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", frac), null, null, Normalization.zscore(),
			0, "image", "label"), "whole numbers");
		final ByteProcessor three = new ByteProcessor(4, 2);
		three.set(0, 2);
		three.set(1, 1);
		expectError(() -> TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", three), null, null, Normalization
			.zscore(), 2, "image", "label"), "has the class 2 but the model has only 2 classes");
		expectError(() -> TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", new ByteProcessor(4, 3)), null, null,
			Normalization.zscore(), 0, "image", "label"), "same size");
		final ByteProcessor all = new ByteProcessor(4, 2);
		all.setValue(255);
		all.fill();
		expectError(() -> TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", new ByteProcessor(4, 2)), new ImagePlus(
			"ig", all), null, Normalization.zscore(), 0, "image", "label"), "training set is empty");
	}

	private static void expectError(final Runnable r, final String part) {
		try {
			r.run();
			fail("expected: " + part);
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(part));
		}
	}

	@Test
	public void ignoreMaskAndWeights() {
		final ByteProcessor ig = new ByteProcessor(4, 2);
		ig.set(2, 1, 1);
		final FloatProcessor w = new FloatProcessor(4, 2);
		w.setValue(0.5);
		w.fill();
		final TrainingData d = TrainingData.fromImages(ramp(4, 2), new ImagePlus("l", new ByteProcessor(4, 2)),
			new ImagePlus("ig", ig), new ImagePlus("w", w), Normalization.zscore(), 0, "image", "label");
		assertEquals(0f, d.sample(0).weight(6), 0);
		assertEquals(0.5f, d.sample(0).weight(5), 0);
		assertEquals(7, d.usedPixels());
	}

	@Test
	public void validationTilesAreHeldOutAndNotTrainedOn() {
		final TrainingData d = TrainingData.fromImages(ramp(64, 64), new ImagePlus("l", new ByteProcessor(64, 64)), null,
			null, Normalization.zscore(), 0, "image", "label");
		final TrainingData val = d.splitValidation(0.25, 16, 42);
		assertEquals(4, val.size()); // 16 tiles, a quarter held out
		assertEquals(64 * 64 - 4 * 256, d.usedPixels());
		// the same seed holds out the same tiles
		final TrainingData d2 = TrainingData.fromImages(ramp(64, 64), new ImagePlus("l", new ByteProcessor(64, 64)), null,
			null, Normalization.zscore(), 0, "image", "label");
		final TrainingData val2 = d2.splitValidation(0.25, 16, 42);
		for (int i = 0; i < 4; i++) assertEquals(val.sample(i).name, val2.sample(i).name);
		// each held-out tile's pixels have weight 0 in training
		for (final Sample t : val.samples()) {
			final String[] xy = t.name.substring(t.name.indexOf('@') + 1).split(",");
			final int x0 = Integer.parseInt(xy[0]), y0 = Integer.parseInt(xy[1]);
			assertEquals(0f, d.sample(0).weight(y0 * 64 + x0), 0);
			assertEquals(0f, d.sample(0).weight((y0 + 15) * 64 + x0 + 15), 0);
			assertEquals(d.sample(0).image[y0 * 64 + x0], t.image[0], 0);
		}
		// stacks of >= 5 slices hold out whole slices
		final ImageStack st = new ImageStack(8, 8), ls = new ImageStack(8, 8);
		for (int z = 0; z < 10; z++) {
			st.addSlice(new FloatProcessor(8, 8));
			ls.addSlice(new ByteProcessor(8, 8));
		}
		final TrainingData stack = TrainingData.fromImages(new ImagePlus("s", st), new ImagePlus("l", ls), null, null,
			Normalization.zscore(), 0, "image", "label");
		assertEquals(2, stack.splitValidation(0.2, 8, 1).size());
		assertEquals(8, stack.size());
	}

	@Test
	public void patchesKeepImageLabelAndWeightTogether() {
		// image value = 1000·label + position code; every patch pixel must agree with its label
		final int w = 20, h = 12;
		final float[] img = new float[w * h];
		final byte[] lab = new byte[w * h];
		for (int i = 0; i < img.length; i++) {
			lab[i] = (byte) ((i * 7) % 3);
			img[i] = 1000 * lab[i] + i;
		}
		final Sample s = new Sample("s", w, h, img, lab, null);
		final TrainingData d = new TrainingData(Collections.singletonList(s), 3, Normalization.parse("none"), Arrays
			.asList("s"));
		final PatchSampler sampler = new PatchSampler(d, 16, true, true, 7, Collections.emptyList());
		final Set<Float> corners = new HashSet<>();
		for (int k = 0; k < 20; k++) {
			final PatchSampler.Batch b = sampler.next(2);
			for (int i = 0; i < b.image.length; i++) {
				if (b.weights[i] == 0) {
					assertEquals(0f, b.image[i], 0);
					continue;
				}
				final int src = Math.round(b.image[i]) % 1000;
				assertEquals(b.labels[i], lab[src]);
				assertEquals(b.labels[i], Math.round(b.image[i]) / 1000);
			}
			corners.add(b.image[0]);
		}
		assertTrue("augmentation varies the patches: " + corners, corners.size() >= 4);
		// the 12-pixel-high image in a 16-pixel patch: 16·16 − 16·12 pixels per patch have weight 0
		final PatchSampler.Batch b = new PatchSampler(d, 16, false, false, 1, Collections.emptyList()).next(1);
		int zero = 0;
		for (final float v : b.weights)
			if (v == 0) zero++;
		assertEquals(16 * 4, zero);
	}

	@org.junit.Rule
	public org.junit.rules.TemporaryFolder tmp = new org.junit.rules.TemporaryFolder();

	@Test
	public void foldersOfPairs() throws Exception {
		final java.io.File im = tmp.newFolder("images"), lb = tmp.newFolder("labels");
		for (int k = 0; k < 3; k++) {
			ij.IJ.saveAsTiff(ramp(6 + k, 5), new java.io.File(im, "n" + k + ".tif").getPath());
			final ByteProcessor l = new ByteProcessor(6 + k, 5);
			l.set(0, 0, k == 2 ? 2 : 1);
			ij.IJ.saveAsTiff(new ImagePlus("l", l), new java.io.File(lb, "n" + k + ".tif").getPath());
		}
		final TrainingData d = TrainingData.fromFolders(im, lb, Normalization.zscore(), 0);
		assertEquals(3, d.size());
		assertEquals(3, d.classes()); // one pair has class 2
		assertEquals(8, d.sample(2).width);
		assertEquals(Arrays.asList("n0.tif", "n1.tif", "n2.tif"), d.sourceNames());
		new java.io.File(lb, "n1.tif").delete();
		expectError(() -> TrainingData.fromFolders(im, lb, Normalization.zscore(), 0), "no label for n1.tif");
		final java.io.File empty = tmp.newFolder("empty");
		expectError(() -> TrainingData.fromFolders(empty, lb, Normalization.zscore(), 0),
			"the training set is empty");
	}

	/** Slices "name:1..depth" of w×h, image value = 100·volume + z, label 1 everywhere, weights 1. */
	private static List<Sample> volume(final String name, final int vol, final int depth, final int w, final int h) {
		final List<Sample> l = new ArrayList<>();
		for (int z = 0; z < depth; z++) {
			final float[] im = new float[w * h];
			Arrays.fill(im, 100 * vol + z);
			final byte[] lab = new byte[w * h];
			Arrays.fill(lab, (byte) 1);
			final float[] wt = new float[w * h];
			Arrays.fill(wt, 1f);
			l.add(new Sample(name + ":" + (z + 1), w, h, im, lab, wt));
		}
		return l;
	}

	/**
	 * 3D validation: one volume gives a z-slab of round(0.2·31) = 6 consecutive slices, copied as a volume of
	 * its own and given weight 0 (not removed) in training; 5 volumes give one whole volume held out.
	 */
	@Test
	public void validationOfVolumesIsAZSlabOrWholeVolumes() {
		final List<Sample> one = volume("v", 0, 31, 4, 3);
		final TrainingData d = new TrainingData(one, 2, Normalization.parse("none"), Arrays.asList("v"));
		final TrainingData val = d.splitValidationVolumes(0.2, 42);
		assertEquals(31, d.size());
		assertEquals(6, val.size());
		final List<Volumes.Volume> vv = Volumes.of(val.samples());
		assertEquals(1, vv.size());
		final int z0 = (int) val.samples().get(0).image[0];
		int zeroed = 0;
		for (int z = 0; z < 31; z++) {
			final boolean held = z >= z0 && z < z0 + 6;
			final Sample s = d.samples().get(z);
			if (held) zeroed++;
			for (int i = 0; i < 12; i++)
				assertEquals("slice " + z, held ? 0f : 1f, s.weight(i), 0f);
		}
		assertEquals(6, zeroed);
		for (int k = 0; k < 6; k++) {
			final Sample s = val.samples().get(k);
			assertEquals(z0 + k, s.image[0], 0f); // consecutive slices of the slab
			assertEquals(1f, s.weight(0), 0f); // the validation copy keeps its weights
			assertTrue(s.name, s.name.startsWith("v@z" + (z0 + 1) + ":"));
		}
		// a different seed may move the slab, never changes its size
		assertEquals(6, new TrainingData(volume("v", 0, 31, 4, 3), 2, Normalization.parse("none"), Arrays.asList("v"))
			.splitValidationVolumes(0.2, 7).size());

		final List<Sample> five = new ArrayList<>();
		for (int v = 0; v < 5; v++) five.addAll(volume("s" + v, v, 3 + v, 4, 3));
		final TrainingData d5 = new TrainingData(five, 2, Normalization.parse("none"), Arrays.asList("s"));
		final TrainingData v5 = d5.splitValidationVolumes(0.2, 42);
		final List<Volumes.Volume> held = Volumes.of(v5.samples());
		assertEquals(1, held.size());
		final int vol = (int) v5.samples().get(0).image[0] / 100;
		assertEquals(3 + vol, held.get(0).depth()); // the whole volume
		assertEquals(4, Volumes.of(d5.samples()).size());
		assertEquals(3 + 4 + 5 + 6 + 7 - (3 + vol), d5.size());
		for (final Sample s : d5.samples()) assertTrue((int) s.image[0] / 100 != vol);

		// volumes of one slice cannot give a slab
		try {
			new TrainingData(volume("f", 0, 1, 4, 3), 2, Normalization.parse("none"), Arrays.asList("f"))
				.splitValidationVolumes(0.2, 1);
			fail("a single slice has no slab to hold out");
		}
		catch (final org.noisylabels.NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("validation_image"));
		}
	}
}
