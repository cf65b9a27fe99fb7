package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.noisylabels.cli.Cli.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;

import ij.IJ;
import ij.ImagePlus;

/**
 * dimensions=3 through the command line: a 3D Supervised model of img3d/gt3d that Apply Model uses in 3D
 * (PINT, DAST, CLSLSR in 3D: {@link Methods3DCommandTest}).
 */
public class Train3DCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	private static final String IMG = "test-images/img3d.tif", GT = "test-images/gt3d.tif";
	private static final String[] TINY = { "iterations=6", "batch_size=1", "patch_size=32", "base_channels=2", "depth=2",
		"dimensions=3" };

	private static String[] args(final String title, final String... a) {
		final List<String> l = new ArrayList<>();
		l.add(title);
		for (final String s : a) l.add(s);
		for (final String s : TINY) l.add(s);
		return l.toArray(new String[0]);
	}

	private static void assertBadInput(final Object[] r, final String part, final File noOutput) {
		assertEquals(r[2].toString(), 2, r[0]);
		final List<String> errors = new ArrayList<>();
		for (final String line : r[2].toString().split("\n"))
			if (line.startsWith("error:")) errors.add(line);
		assertEquals(r[2].toString(), 1, errors.size());
		assertTrue(r[2].toString(), errors.get(0).contains(part));
		assertFalse(noOutput + " must not exist", noOutput.exists());
	}

	@Test
	public void supervised3dTrainsAndApplyModelSegmentsTheStackIn3d() throws Exception {
		final File model = new File(tmp.getRoot(), "model3d");
		// validation_label = the (here same) clean labels: validation predicts the volume in 3D
		final Object[] r = cli(args("Supervised (Robust Loss)", "image=" + IMG, "label=" + GT, "validation_label=" + GT,
			"model=" + model));
		assertEquals(r[2].toString(), 0, r[0]);
		final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"architecture\": \"unet3d\""));
		assertTrue(json, json.contains("\"dimensions\": 3"));
		// isotropic voxels (calibration 1×1×1) and 31 slices: z pooled at both levels, patches of 16 slices
		assertTrue(json, json.replaceAll("\\s", "").contains("\"z_pooling\":[2,2]"));
		assertTrue(json, json.contains("\"patch_depth\": 16"));
		final ModelInfo info = ModelInfo.read(model.toPath());
		assertEquals(3, info.dimensions);
		assertTrue(Double.isFinite(info.validationDice));

		final File prob = new File(tmp.getRoot(), "p.tif"), mask = new File(tmp.getRoot(), "m.tif");
		final Object[] a = cli("Apply Model", "model=" + model, "image=" + IMG, "probability=" + prob, "mask=" + mask);
		assertEquals(a[2].toString(), 0, a[0]);
		final ImagePlus p = IJ.openImage(prob.getPath()), m = IJ.openImage(mask.getPath());
		assertEquals(57, p.getWidth());
		assertEquals(61, p.getHeight());
		assertEquals(31, p.getStackSize());
		assertEquals(31, m.getStackSize());
		for (int z = 1; z <= 31; z++) {
			final float[] pp = (float[]) p.getStack().getProcessor(z).getPixels();
			final byte[] mm = (byte[]) m.getStack().getProcessor(z).getPixels();
			for (int i = 0; i < pp.length; i++) {
				assertTrue(pp[i] >= 0 && pp[i] <= 1);
				assertEquals((mm[i] & 0xff) == 255, pp[i] >= 0.5f);
			}
		}
		// Apply Model works in 3D: changing slice 16 changes the probabilities of slices 15 and 17 too
		final ImagePlus changed = IJ.openImage(IMG);
		changed.getStack().getProcessor(16).invert();
		final File changedFile = new File(tmp.getRoot(), "changed.tif"), prob2 = new File(tmp.getRoot(), "p2.tif");
		IJ.saveAsTiff(changed, changedFile.getPath());
		final Object[] a2 = cli("Apply Model", "model=" + model, "image=" + changedFile, "probability=" + prob2);
		assertEquals(a2[2].toString(), 0, a2[0]);
		final ImagePlus p2 = IJ.openImage(prob2.getPath());
		for (final int z : new int[] { 15, 17 }) {
			final float[] x = (float[]) p.getStack().getProcessor(z).getPixels(), y = (float[]) p2.getStack().getProcessor(z)
				.getPixels();
			double diff = 0;
			for (int i = 0; i < x.length; i++) diff += Math.abs(x[i] - y[i]);
			// far above float rounding (~1e-7 per voxel): the neighbouring slice's content reached this one
			assertTrue("slice " + z + " changed by " + diff, diff > 1e-3);
		}
	}

	/** Without validation labels a z-slab of the volume is held out, and its Dice recorded. */
	@Test
	public void validationIsHeldOutAsAZSlab() throws Exception {
		final File model = new File(tmp.getRoot(), "slab");
		// with the log service's lines (TrainPINTCommandTest.cli)
		final Object[] r = TrainPINTCommandTest.cli(args("Supervised (Robust Loss)", "image=" + IMG, "label=" + GT,
			"model=" + model, "validation_fraction=0.3"));
		assertEquals(r[2].toString(), 0, r[0]);
		// round(0.3 · 31) = 9 slices
		assertTrue(r[2].toString(), r[2].toString().contains("validation: 1 z-slab of 9 slices held out"));
		assertTrue(Double.isFinite(ModelInfo.read(model.toPath()).validationDice));
	}

	@Test
	public void coTeachingAndTriNetTrain3dModels() throws Exception {
		for (final String method : new String[] { "Co-Teaching", "TriNet" }) {
			final File model = new File(tmp.getRoot(), method + "-3d");
			final Object[] r = cli(args(method, "image=" + IMG, "label=" + GT, "model=" + model, "rampup_start=0",
				"rampup_end=2", "validation_fraction=0"));
			assertEquals(r[2].toString(), 0, r[0]);
			assertEquals(3, ModelInfo.read(model.toPath()).dimensions);
			final File prob = new File(tmp.getRoot(), method + "-p.tif");
			final Object[] a = cli("Apply Model", "model=" + model, "image=" + IMG, "probability=" + prob);
			assertEquals(a[2].toString(), 0, a[0]);
			assertEquals(31, IJ.openImage(prob.getPath()).getStackSize());
		}
	}

	@Test
	public void twoDOnlyMethodsRefuse3dAndIgttHasNoDimensionsKey() throws Exception {
		// a method that declares itself 2D-only is refused before any data is read or trained
		final org.noisylabels.train.TrainingMethod twoD = new org.noisylabels.train.TrainingMethod() {

			@Override
			public String methodName() {
				return "flat";
			}

			@Override
			public java.util.Map<String, Object> parameters() {
				return new java.util.HashMap<>();
			}

			@Override
			public boolean supports3D() {
				return false;
			}

			@Override
			public org.tensorflow.Operand<org.tensorflow.types.TFloat32> buildLoss(
				final org.noisylabels.train.StepGraph g)
			{
				throw new AssertionError("must not be built");
			}
		};
		try {
			org.noisylabels.train.Trainer.require3D(twoD);
			org.junit.Assert.fail("a 2D-only method must be refused");
		}
		catch (final org.noisylabels.NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("dimensions=3: flat cannot train 3D networks"));
		}
		org.noisylabels.train.Trainer.require3D(new org.noisylabels.method.PINT()); // no exception
		assertFalse(new org.noisylabels.method.IGTT().supports3D());
		// iGTT has no dimensions key (it stays 2D): the key is refused by name
		final Object[] igtt = cli("iGTT Unsupervised Segmentation", "image=" + IMG, "dimensions=3");
		assertEquals(igtt[2].toString(), 2, igtt[0]);
		assertTrue(igtt[2].toString(), igtt[2].toString().contains("unknown key 'dimensions'"));
		final File bad = new File(tmp.getRoot(), "bad");
		assertBadInput(cli("Supervised (Robust Loss)", "image=" + IMG, "label=" + GT, "model=" + bad, "dimensions=4"),
			"dimensions=4 is out of range", bad);
	}
}
