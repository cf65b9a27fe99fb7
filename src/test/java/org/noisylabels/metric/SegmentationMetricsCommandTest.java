package org.noisylabels.metric;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

/** "Segmentation Metrics" through the command line, on the bundled images. */
public class SegmentationMetricsCommandTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();


	/** Column {@code name} of a CSV's rows. */
	static String[] column(final List<String> lines, final String name) {
		final List<String> head = java.util.Arrays.asList(lines.get(0).split(","));
		final int c = head.indexOf(name);
		assertTrue(name + " in " + head, c >= 0);
		final String[] out = new String[lines.size() - 1];
		for (int i = 1; i < lines.size(); i++) out[i - 1] = lines.get(i).split(",")[c];
		return out;
	}

	@Test
	public void groundTruthAgainstItselfIsPerfect() throws Exception {
		final File csv = new File(tmp.getRoot(), "m.csv");
		final Object[] r = cli("--quiet", "Segmentation Metrics", "prediction=test-images/gt2d.tif",
			"ground_truth=test-images/gt2d.tif", "metrics=" + csv);
		assertEquals(r[2].toString(), 0, r[0]);
		final List<String> lines = Files.readAllLines(csv.toPath());
		assertEquals("image,dice,iou,accuracy,assd,asd,hd95,auc", lines.get(0));
		assertEquals(3, lines.size());
		assertEquals("slice 1", column(lines, "image")[0]);
		assertEquals("mean", column(lines, "image")[1]);
		for (int row = 0; row < 2; row++) {
			assertEquals(1, Double.parseDouble(column(lines, "dice")[row]), 1e-12);
			assertEquals(1, Double.parseDouble(column(lines, "accuracy")[row]), 1e-12);
			assertEquals(0, Double.parseDouble(column(lines, "assd")[row]), 0);
			assertEquals(0, Double.parseDouble(column(lines, "hd95")[row]), 0);
			assertEquals("NaN", column(lines, "auc")[row]);
		}
	}

	@Test
	public void stackGetsSliceMeanAnd3DRows() throws Exception {
		final File csv = new File(tmp.getRoot(), "m3.csv");
		final Object[] r = cli("--quiet", "Segmentation Metrics", "prediction=test-images/gt3d.tif",
			"ground_truth=test-images/gt3d.tif", "metrics=" + csv);
		assertEquals(r[2].toString(), 0, r[0]);
		final List<String> lines = Files.readAllLines(csv.toPath());
		assertEquals(1 + 31 + 2, lines.size());
		final String[] image = column(lines, "image");
		assertEquals("slice 31", image[30]);
		assertEquals("mean", image[31]);
		assertEquals("3D", image[32]);
		assertEquals(1, Double.parseDouble(column(lines, "dice")[32]), 1e-12);
		assertEquals(0, Double.parseDouble(column(lines, "assd")[32]), 0);
	}

	@Test
	public void probabilityMapGetsAuc() throws Exception {
		// the ground truth itself as probabilities 0.2 (background) / 0.7 (object): AUC 1, Dice 1
		final ImagePlus gt = IJ.openImage("test-images/gt2d.tif");
		final FloatProcessor p = new FloatProcessor(gt.getWidth(), gt.getHeight());
		for (int i = 0; i < p.getPixelCount(); i++) p.setf(i, gt.getProcessor().get(i) > 0 ? 0.7f : 0.2f);
		final File pf = new File(tmp.getRoot(), "p.tif");
		IJ.saveAsTiff(new ImagePlus("p", p), pf.getPath());
		final File csv = new File(tmp.getRoot(), "m.csv");
		Object[] r = cli("--quiet", "Segmentation Metrics", "prediction=" + pf, "ground_truth=test-images/gt2d.tif",
			"metrics=" + csv);
		assertEquals(r[2].toString(), 0, r[0]);
		List<String> lines = Files.readAllLines(csv.toPath());
		assertEquals(1, Double.parseDouble(column(lines, "auc")[0]), 1e-12);
		assertEquals(1, Double.parseDouble(column(lines, "dice")[0]), 1e-12);
		// threshold above 0.7: empty prediction -> Dice ~ 0, distances capped at the diagonal sqrt(2)*512
		final File csv2 = new File(tmp.getRoot(), "m2.csv");
		r = cli("--quiet", "Segmentation Metrics", "prediction=" + pf, "ground_truth=test-images/gt2d.tif",
			"threshold=0.8", "metrics=" + csv2);
		assertEquals(r[2].toString(), 0, r[0]);
		lines = Files.readAllLines(csv2.toPath());
		assertEquals(0, Double.parseDouble(column(lines, "dice")[0]), 1e-6);
		assertEquals(512 * Math.sqrt(2), Double.parseDouble(column(lines, "assd")[0]), 1e-4);
		assertEquals(1, Double.parseDouble(column(lines, "auc")[0]), 1e-12);
	}

	private void expectFailure(final String prediction, final String groundTruth, final String part,
		final String... extra)
	{
		final File csv = new File(tmp.getRoot(), "bad.csv");
		final String[] args = new String[5 + extra.length];
		args[0] = "--quiet";
		args[1] = "Segmentation Metrics";
		args[2] = "prediction=" + prediction;
		args[3] = "ground_truth=" + groundTruth;
		args[4] = "metrics=" + csv;
		System.arraycopy(extra, 0, args, 5, extra.length);
		final Object[] r = cli(args);
		final String err = r[2].toString();
		assertEquals(err, 2, r[0]);
		assertTrue(err, err.startsWith("error: ") && err.contains(part));
		assertEquals(err, 1, err.trim().split("\n").length);
		assertFalse(csv.exists());
	}

	@Test
	public void badInputsExitWithCode2AndNoOutput() throws Exception {
		expectFailure("test-images/gt2d.tif", "test-images/gt3d.tif", "same size");
		final FloatProcessor nan = new FloatProcessor(512, 512);
		nan.setf(100, Float.NaN);
		final File nanFile = new File(tmp.getRoot(), "nan.tif");
		IJ.saveAsTiff(new ImagePlus("nan", nan), nanFile.getPath());
		expectFailure(nanFile.getPath(), "test-images/gt2d.tif", "NaN");
		final FloatProcessor range = new FloatProcessor(512, 512);
		for (int i = 0; i < 512 * 512; i++) range.setf(i, (i % 3) * 0.75f);
		final File rangeFile = new File(tmp.getRoot(), "range.tif");
		IJ.saveAsTiff(new ImagePlus("range", range), rangeFile.getPath());
		expectFailure(rangeFile.getPath(), "test-images/gt2d.tif", "[0, 1]");
		expectFailure("test-images/gt2d.tif", "test-images/img2d.tif", "not a binary mask");
		final File rgb = new File(tmp.getRoot(), "rgb.tif");
		IJ.saveAsTiff(new ImagePlus("rgb", new ColorProcessor(512, 512)), rgb.getPath());
		expectFailure(rgb.getPath(), "test-images/gt2d.tif", "color");
		expectFailure("test-images/gt2d.tif", "test-images/gt2d.tif", "threshold", "threshold=2");
	}
}
