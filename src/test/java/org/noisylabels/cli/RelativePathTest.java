package org.noisylabels.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import ij.IJ;
import ij.ImagePlus;

/**
 * A TIFF given by its bare file name ({@code label=gt.tif}, as in the README's examples) is read from the
 * working directory: a real process started in another folder.
 */
public class RelativePathTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@Test
	public void bareTiffFileNameIsReadFromTheWorkingDirectory() throws Exception {
		final File dir = tmp.newFolder("work");
		Files.copy(Paths.get("test-images/gt3d.tif"), dir.toPath().resolve("gt.tif"), StandardCopyOption.REPLACE_EXISTING);
		final File err = tmp.newFile();
		final ProcessBuilder pb = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
			"-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
			"Dilation (PCL)", "label=gt.tif", "noisy_label=dilated.tif").directory(dir).redirectError(err)
				.redirectOutput(tmp.newFile());
		pb.environment().remove("NOISY_LABELS_DEBUG");
		final int code = pb.start().waitFor();
		assertEquals(new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8), 0, code);
		final ImagePlus out = IJ.openImage(new File(dir, "dilated.tif").getPath());
		assertTrue(out != null);
		assertEquals(31, out.getStackSize());
	}
}
