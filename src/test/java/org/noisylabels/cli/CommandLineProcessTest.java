package org.noisylabels.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The command line as a real process (as scripts/noisy-labels runs it): exit codes, a single error line
 * on standard error even when SciJava's logger writes there, and no output file after a failure.
 */
public class CommandLineProcessTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private String[] run(final String... args) throws Exception {
		final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class
				.getName()));
		cmd.addAll(Arrays.asList(args));
		final File out = tmp.newFile(), err = tmp.newFile();
		final ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
		pb.environment().remove("NOISY_LABELS_DEBUG");
		final int code = pb.start().waitFor();
		return new String[] { Integer.toString(code), new String(Files.readAllBytes(out.toPath()),
			StandardCharsets.UTF_8), new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8) };
	}

	@Test
	public void failureInsideACommandIsOneLineAndExit2() throws Exception {
		final File out = new File(tmp.getRoot(), "skeleton.tif");
		// img2d is an intensity image, not a binary mask: the command itself rejects it
		final String[] r = run("Skeleton (PCL)", "label=test-images/img2d.tif", "noisy_label=" + out);
		assertEquals(r[2], "2", r[0]);
		assertEquals(r[2], 1, r[2].trim().split("\n").length);
		assertTrue(r[2], r[2].startsWith("error: label is not a binary mask"));
		assertFalse(out.exists());
		assertEquals(0, tmp.getRoot().list((d, n) -> n.contains(".part-")).length);
	}

	@Test
	public void successExitsZeroAndPrintsTablesWithoutPath() throws Exception {
		final String[] r = run("Contour Perturbation", "label=test-images/gt3d.tif", "noise_rate=0.5", "r_min=1",
			"r_max=2", "seed=3");
		assertEquals(r[2], "0", r[0]);
		// the perturbation table goes to standard output as CSV: a header and one row per slice (31)
		final String[] lines = r[1].trim().split("\n");
		assertEquals(r[1], 32, lines.length);
		assertTrue(lines[0], lines[0].contains("perturbed"));
		assertTrue(r[2], r[2].contains("not saved: noisy_label"));
	}

	/** On the command line every call is its own process: Release Models says there is nothing to release. */
	@Test
	public void releaseModelsSaysItDoesNotApplyOnTheCommandLine() throws Exception {
		final String[] r = run("Release Models");
		assertEquals(r[2], "0", r[0]);
		assertTrue(r[1], r[1].contains("released=nothing to release: on the command line every call runs in its own process"));
	}

	@Test
	public void logsGoToStandardErrorAndOnlyTablesToStandardOutput() throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final String[] r = run("Supervised (Robust Loss)", "image=test-images/nuclei-train.tif",
			"label=test-images/nuclei-train-gt.tif", "iterations=2", "patch_size=32", "base_channels=4", "depth=2",
			"model=" + model);
		assertEquals(r[2], "0", r[0]);
		assertTrue("the training log is on standard error: " + r[2], r[2].contains("[INFO] iteration 2/2"));
		// standard output holds the two tables (curve, validation) as CSV and nothing else
		final String[] lines = r[1].trim().split("\n");
		assertTrue(r[1], lines[0].startsWith("iteration,epoch,loss"));
		for (final String line : lines) {
			assertFalse("a log line on standard output: " + line, line.startsWith("[") || line.startsWith("..."));
			assertTrue("not a CSV row: " + line, line.contains(","));
		}
		assertTrue(new File(model, "model.json").isFile());
	}

	@Test
	public void usageErrorsExit2() throws Exception {
		assertEquals("2", run()[0]);
		assertEquals("2", run("--bogus")[0]);
		assertEquals("0", run("--help", "Dilation (PCL)")[0]);
	}
}
