package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;

import ij.IJ;
import ij.ImagePlus;

/**
 * PINT, DAST and CLSLSR with dimensions=3 from the command line on img3d/gt3d (57×61×31): tiny 3D runs
 * whose models Apply Model uses in 3D, and the methods' own outputs as stacks of the volume's size. Each run
 * holds out the default validation (validation_fraction 0.2 of one volume: a z-slab of 6 of its 31 slices).
 */
public class Methods3DCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	private static final String IMG = "test-images/img3d.tif", GT = "test-images/gt3d.tif";
	private static final String[] TINY = { "batch_size=1", "patch_size=32", "base_channels=4", "depth=2",
		"dimensions=3" };
	private static final int W = 57, H = 61, D = 31;

	private static Object[] run(final String title, final String... a) {
		final List<String> l = new ArrayList<>();
		l.add(title);
		l.addAll(Arrays.asList(a));
		l.addAll(Arrays.asList(TINY));
		// the log service's lines too (stderr + logs)
		final Object[] r = TrainPINTCommandTest.cli(l.toArray(new String[0]));
		assertTrue(r[2].toString(), r[2].toString().contains("validation: 1 z-slab of 6 slices held out"));
		return r;
	}

	private static String json(final File model) throws Exception {
		return new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()), StandardCharsets.UTF_8);
	}

	/** Apply Model with a 3D model gives a probability stack of the volume's size, values in [0, 1]. */
	private void appliesIn3d(final File model) throws Exception {
		assertEquals(3, ModelInfo.read(model.toPath()).dimensions);
		final File prob = new File(tmp.getRoot(), model.getName() + "-p.tif");
		final Object[] a = TrainPINTCommandTest.cli("Apply Model", "model=" + model, "image=" + IMG, "probability=" + prob);
		assertEquals(a[2].toString(), 0, a[0]);
		final ImagePlus p = IJ.openImage(prob.getPath());
		assertEquals(W, p.getWidth());
		assertEquals(H, p.getHeight());
		assertEquals(D, p.getStackSize());
		for (int z = 1; z <= D; z++)
			for (final float v : (float[]) p.getStack().getProcessor(z).getPixels())
				assertTrue(v >= 0 && v <= 1);
	}

	@Test
	public void pint3dWritesAVolumeUncertaintyMapAndAModel() throws Exception {
		final File model = new File(tmp.getRoot(), "pint3d"), u = new File(tmp.getRoot(), "u.tif"), table = new File(tmp
			.getRoot(), "u.csv");
		final Object[] r = run("PINT", "image=" + IMG, "label=" + GT, "model=" + model, "uncertainty=" + u,
			"uncertainty_table=" + table, "pnt_iterations=3", "int_iterations=2", "m=2");
		assertEquals(r[2].toString(), 0, r[0]);
		final String err = r[2].toString();
		assertTrue(err, err.contains("3D U-Net"));
		assertTrue(err, err.contains("image phase (INT) for 2 iterations"));
		// one volume: the image phase has a single image (the volume patch)
		assertTrue(err, err.contains("single training image"));
		final String json = json(model);
		assertTrue(json, json.contains("\"method\": \"pint\""));
		final ImagePlus map = IJ.openImage(u.getPath());
		assertEquals(32, map.getBitDepth());
		assertEquals(W, map.getWidth());
		assertEquals(H, map.getHeight());
		assertEquals(D, map.getStackSize());
		for (int z = 1; z <= D; z++)
			for (final float v : (float[]) map.getStack().getProcessor(z).getPixels())
				// an entropy of two classes, float32 from TensorFlow: a small tolerance above ln 2
				assertTrue("u = " + v, v >= 0 && v <= Math.log(2) + 1e-5);
		assertEquals(1 + D, Files.readAllLines(table.toPath()).size());
		appliesIn3d(model);
	}

	@Test
	public void dast3dRanksEveryStepAndItsModelApplies() throws Exception {
		// the clean set: a smaller, shallower crop of the stack (x 0..39, y 0..39, slices 1..20)
		final ImagePlus img = IJ.openImage(IMG), lab = IJ.openImage(GT);
		final File cimg = new File(tmp.getRoot(), "clean.tif"), clab = new File(tmp.getRoot(), "clean-label.tif");
		for (final Object[] o : new Object[][] { { img, cimg }, { lab, clab } }) {
			final ImagePlus im = (ImagePlus) o[0];
			im.setRoi(0, 0, 40, 40);
			final ImagePlus crop = new ij.plugin.Duplicator().run(im, 1, 20);
			assertEquals(20, crop.getStackSize());
			IJ.saveAsTiff(crop, ((File) o[1]).getPath());
		}
		final File model = new File(tmp.getRoot(), "dast3d");
		final Object[] r = run("DAST", "image=" + IMG, "label=" + GT, "clean_image=" + cimg, "clean_label=" + clab,
			"model=" + model, "iterations=6", "dast_clean_batch_size=1", "dast_rank_length=2", "rampup_start=0",
			"rampup_end=4");
		assertEquals(r[2].toString(), 0, r[0]);
		// the graph ranked this step's scores against the fed queues as the Java queues did, in every step
		final Matcher m = Pattern.compile("DAST: (\\d+) steps, (\\d+) ranked, .* (\\d+) mismatches").matcher(r[2]
			.toString());
		assertTrue(r[2].toString(), m.find());
		assertEquals(6, Integer.parseInt(m.group(1)));
		assertEquals(4, Integer.parseInt(m.group(2))); // queues of 2 are full after 2 steps
		assertEquals(0, Integer.parseInt(m.group(3)));
		assertTrue(json(model).contains("\"method\": \"dast\""));
		appliesIn3d(model);
	}

	@Test
	public void clslsr3dFlagsVoxelsOfTheVolumeAndItsModelApplies() throws Exception {
		final File model = new File(tmp.getRoot(), "clslsr3d"), flagged = new File(tmp.getRoot(), "flagged.tif"),
			perImage = new File(tmp.getRoot(), "per-image.csv");
		final Object[] r = run("CLSLSR", "image=" + IMG, "label=" + GT, "model=" + model, "iterations=4",
			"stage1_iterations=4", "flagged=" + flagged, "flagged_per_image=" + perImage);
		assertEquals(r[2].toString(), 0, r[0]);
		final String err = r[2].toString();
		assertTrue(err, err.contains("confident learning on the baseline's predictions of " + D + " images"));
		final ImagePlus f = IJ.openImage(flagged.getPath());
		assertEquals(W, f.getWidth());
		assertEquals(H, f.getHeight());
		assertEquals(D, f.getStackSize());
		final Matcher m = Pattern.compile("CLSLSR: (\\d+) of (\\d+) labelled pixels flagged").matcher(err);
		assertTrue(err, m.find());
		assertEquals((long) W * H * D, Long.parseLong(m.group(2)));
		long count = 0;
		for (int z = 1; z <= D; z++)
			for (final byte b : (byte[]) f.getStack().getProcessor(z).getPixels())
				if (b != 0) count++;
		assertEquals(Long.parseLong(m.group(1)), count);
		final String json = json(model);
		assertTrue(json, json.contains("\"method\": \"clslsr\""));
		assertTrue(json, json.contains("\"flagged_pixels\": " + count));
		appliesIn3d(model);
	}
}
