package org.noisylabels.cli;

import static org.noisylabels.cli.Cli.cli;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

public class CommandLineTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void listShowsCommandsWithKeys() {
		final Object[] r = cli("--list");
		assertEquals(r[2].toString(), 0, r[0]);
		final String out = (String) r[1];
		assertTrue(out, out.contains("Labels to Mask"));
		assertTrue(out, out.contains("menu: Plugins > Noisy Labels > Utilities > Labels to Mask"));
		assertTrue(out, out.contains("label"));
		assertTrue(out, out.contains("-> mask"));
	}

	@Test
	public void labelsToMaskWritesBinaryMask() throws Exception {
		final ShortProcessor labels = new ShortProcessor(8, 6);
		labels.set(1, 1, 7);
		labels.set(2, 3, 300);
		final File in = tmp.newFile("labels.tif");
		IJ.saveAsTiff(new ImagePlus("labels", labels), in.getPath());
		final File out = new File(tmp.getRoot(), "mask.tif");
		final Object[] r = cli("Labels to Mask", "label=" + in, "mask=" + out);
		assertEquals(r[2].toString(), 0, r[0]);
		final ImagePlus mask = IJ.openImage(out.getPath());
		assertEquals(8, mask.getBitDepth());
		assertEquals(255, mask.getProcessor().get(1, 1));
		assertEquals(255, mask.getProcessor().get(2, 3));
		assertEquals(0, mask.getProcessor().get(0, 0));
		int fg = 0;
		for (int i = 0; i < 48; i++) fg += mask.getProcessor().get(i) > 0 ? 1 : 0;
		assertEquals(2, fg);
	}

	@Test
	public void unknownKeyFailsWithoutOutput() throws Exception {
		final File in = tmp.newFile("m.tif");
		IJ.saveAsTiff(new ImagePlus("m", new ByteProcessor(4, 4)), in.getPath());
		final File out = new File(tmp.getRoot(), "mask.tif");
		final Object[] r = cli("Labels to Mask", "label=" + in, "mask=" + out, "colour=red");
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().startsWith("error: unknown key 'colour'"));
		assertEquals(1, r[2].toString().trim().split("\n").length);
		assertFalse(out.exists());
	}

	@Test
	public void missingFileFails() {
		final File out = new File(tmp.getRoot(), "mask.tif");
		final Object[] r = cli("Labels to Mask", "label=/no/such/file.tif", "mask=" + out);
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("file not found"));
		assertFalse(out.exists());
	}

	@Test
	public void unknownCommandFails() {
		final Object[] r = cli("Labels to Masks please");
		assertEquals(2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("unknown command"));
	}
}
