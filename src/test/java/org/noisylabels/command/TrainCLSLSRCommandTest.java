package org.noisylabels.command;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.method.CLSLSR;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.ModelInfo;
import org.noisylabels.train.TrainingConfig;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/** Train > CLSLSR end to end on a tiny case, through the command line, and its model in Apply Model. */
public class TrainCLSLSRCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@AfterClass
	public static void release() {
		ModelCache.release();
	}

	/** Two 48×48 slices of bright squares on a dark background, labels with every 7th pixel flipped. */
	private File[] data() {
		final ImageStack is = new ImageStack(48, 48), ls = new ImageStack(48, 48);
		for (int s = 0; s < 2; s++) {
			final float[] px = new float[48 * 48];
			final byte[] lb = new byte[48 * 48];
			for (int i = 0; i < px.length; i++) {
				final boolean fg = (i % 48 / 8 + i / 48 / 8 + s) % 2 == 0;
				px[i] = fg ? 80 + i % 5 : 10 + i % 7;
				lb[i] = (byte) ((fg ^ i % 7 == 0) ? 255 : 0);
			}
			is.addSlice(new FloatProcessor(48, 48, px));
			ls.addSlice(new ByteProcessor(48, 48, lb));
		}
		final File img = new File(tmp.getRoot(), "img.tif"), lab = new File(tmp.getRoot(), "lab.tif");
		IJ.saveAsTiff(new ImagePlus("img", is), img.getPath());
		IJ.saveAsTiff(new ImagePlus("lab", ls), lab.getPath());
		return new File[] { img, lab };
	}

	@Test
	public void trainsThreeStagesAndApplyModelUsesTheModel() throws Exception {
		final File[] d = data();
		final File model = new File(tmp.getRoot(), "model"), out = new File(tmp.getRoot(), "out");
		final Object[] r = cli("CLSLSR", "image=" + d[0], "label=" + d[1], "iterations=6", "stage1_iterations=8",
			"batch_size=2", "patch_size=32", "base_channels=4", "depth=2", "validation_fraction=0", "slsr_epsilon=0.2",
			"model=" + model, "output_folder=" + out);
		assertEquals(r[2].toString(), 0, r[0]);
		// stage 1 ran its own 8 iterations (its curve), stage 3 the 6 of the model
		final List<String> stage1 = Files.readAllLines(new File(out, "stage1_curve.csv").toPath());
		assertEquals("8", stage1.get(stage1.size() - 1).split(",")[0]);
		final String json = new String(Files.readAllBytes(new File(model, ModelInfo.JSON).toPath()),
			StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"method\": \"clslsr\""));
		assertTrue(json, json.contains("\"slsr_epsilon\": 0.2"));
		assertTrue(json, json.contains("\"stage1_iterations\": 8"));
		assertTrue("stage 3 ran 6 iterations: " + json, json.contains("\"iterations\": 6,"));
		// the number of flagged pixels in the model = the table's = the stack's
		final Matcher m = Pattern.compile("\"flagged_pixels\": (\\d+)").matcher(json);
		assertTrue(json, m.find());
		final long inModel = Long.parseLong(m.group(1));
		final ImagePlus flagged = IJ.openImage(new File(out, "flagged.tif").getPath());
		assertEquals(2, flagged.getStackSize());
		long inStack = 0;
		for (int s = 1; s <= 2; s++) {
			final ImageProcessor ip = flagged.getStack().getProcessor(s);
			for (int i = 0; i < ip.getPixelCount(); i++) if (ip.get(i) != 0) inStack++;
		}
		final List<String> rows = Files.readAllLines(new File(out, "flagged_per_image.csv").toPath());
		assertEquals(4, rows.size());
		assertEquals(inStack, Long.parseLong(rows.get(3).split(",")[2]));
		assertEquals(inStack, inModel);
		assertEquals(3, Files.readAllLines(new File(out, "noise_matrix.csv").toPath()).size());
		assertTrue(new File(out, "curve.csv").isFile());
		// Apply Model uses the stage 3 model
		final File prob = new File(tmp.getRoot(), "p.tif");
		final Object[] a = cli("Apply Model", "model=" + model, "image=" + d[0], "probability=" + prob);
		assertEquals(a[2].toString(), 0, a[0]);
		final ImagePlus p = IJ.openImage(prob.getPath());
		assertEquals(48, p.getWidth());
		assertEquals(2, p.getStackSize());
		for (int s = 1; s <= 2; s++) {
			final float[] v = (float[]) p.getStack().getProcessor(s).getPixels();
			for (final float x : v) assertTrue(x >= 0 && x <= 1);
		}
	}

	@Test
	public void badKeysAreRefusedBeforeTraining() throws Exception {
		final File[] d = data();
		final File model = new File(tmp.getRoot(), "bad");
		Object[] r = cli("CLSLSR", "image=" + d[0], "label=" + d[1], "slsr_epsilon=0.6", "model=" + model);
		assertEquals(r[2].toString(), 2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("slsr_epsilon=0.6 is out of range"));
		r = cli("CLSLSR", "image=" + d[0], "label=" + d[1], "iterations=2", "patch_size=32", "base_channels=4",
			"depth=2", "resume=" + d[0], "model=" + model);
		assertEquals(r[2].toString(), 2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("CLSLSR cannot continue an interrupted run"));
		assertFalse(model.exists());
	}

	@Test
	public void stageOneCopiesTheConfiguration() {
		final TrainingConfig c = new TrainingConfig();
		c.iterations = 77;
		c.seed = 9;
		c.network.baseChannels = 5;
		c.lrMilestones = new int[] { 3 };
		final TrainingConfig d = org.noisylabels.train.Stages.copy(c);
		assertEquals(77, d.iterations);
		assertEquals(9, d.seed);
		assertEquals(5, d.network.baseChannels);
		d.network.baseChannels = 6;
		assertEquals("the network settings are copied, not shared", 5, c.network.baseChannels);
		assertEquals(0.25, new CLSLSR().slsr_epsilon, 0);
	}
}
