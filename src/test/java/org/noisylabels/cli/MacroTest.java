package org.noisylabels.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ShortProcessor;

/** Runs commands through the real ImageJ 1.x macro interpreter, as a Fiji or ImageJ macro would. */
public class MacroTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void splitsMacroOptions() {
		assertEquals(Arrays.asList("a=1", "path=/x y/z.tif", "b=two words", "c=3"), Macro.split(
			" a=1 path=[/x y/z.tif]  b=\"two words\" c=3 "));
	}

	@Test
	public void macroCallRunsACommandAndWritesItsOutput() throws Exception {
		final File dir = tmp.newFolder("with space");
		final ShortProcessor labels = new ShortProcessor(5, 5);
		labels.set(2, 2, 9);
		final File in = new File(dir, "labels.tif");
		IJ.saveAsTiff(new ImagePlus("labels", labels), in.getPath());
		final File out = new File(dir, "mask.tif");
		final String macro = "return call(\"org.noisylabels.cli.Macro.run\", \"Labels to Mask\", \"label=[" + in +
			"] mask=[" + out + "]\");";
		final String result = IJ.runMacro(macro);
		assertEquals("", result);
		final ImagePlus mask = IJ.openImage(out.getPath());
		assertEquals(255, mask.getProcessor().get(2, 2));
		assertEquals(0, mask.getProcessor().get(1, 2));
		// the output exists now: refused, unless the options say overwrite
		final long before = out.lastModified();
		final String again = IJ.runMacro(macro);
		assertTrue(again, again.startsWith("error: mask: ") && again.contains("already exists"));
		assertEquals(before, out.lastModified());
		final String replaced = IJ.runMacro("return call(\"org.noisylabels.cli.Macro.run\", \"Labels to Mask\", \"label=[" +
			in + "] mask=[" + out + "] overwrite\");");
		assertEquals("", replaced);
	}

	@Test
	public void macroCallReturnsTheErrorAndWritesNothing() throws Exception {
		final File out = new File(tmp.getRoot(), "mask.tif");
		final String result = IJ.runMacro("return call(\"org.noisylabels.cli.Macro.run\", \"Labels to Mask\", " +
			"\"label=/does/not/exist.tif mask=" + out + "\");");
		assertTrue(result, result.startsWith("error: label: file not found"));
		assertFalse(out.exists());
	}
}
