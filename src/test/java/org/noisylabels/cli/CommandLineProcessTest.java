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

	/**
	 * Ctrl-C during training: the command line cancels the run, which writes its model so far (atomically)
	 * and says where; exit 130. A process started with SIGINT ignored (e.g. by a non-interactive shell's
	 * {@code &}) passes that on to the child, which then cannot see Ctrl-C: the test is skipped there, and
	 * the SIGTERM test below covers the same handler.
	 */
	@Test
	public void sigintDuringTrainingWritesTheModelSoFarAndExits130() throws Exception {
		org.junit.Assume.assumeFalse("SIGINT is ignored by this process (and so by its children)", ignored(2));
		signalDuringTraining("INT");
	}

	@Test
	public void sigtermDuringTrainingWritesTheModelSoFarAndExits130() throws Exception {
		org.junit.Assume.assumeFalse("SIGTERM is ignored by this process (and so by its children)", ignored(15));
		signalDuringTraining("TERM");
	}

	/** Whether signal {@code sig} is ignored by this process (Linux: the SigIgn mask of /proc/self/status). */
	private static boolean ignored(final int sig) throws Exception {
		final java.nio.file.Path status = Paths.get("/proc/self/status");
		if (!Files.isReadable(status)) return false;
		for (final String line : Files.readAllLines(status))
			if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >> (sig - 1) &
				1) == 1;
		return false;
	}

	private void signalDuringTraining(final String signal) throws Exception {
		final File model = new File(tmp.getRoot(), "model");
		final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
			"Supervised (Robust Loss)", "image=test-images/nuclei-train.tif", "label=test-images/nuclei-train-gt.tif",
			"iterations=100000", "base_channels=4", "depth=2", "patch_size=32", "batch_size=2", "model=" + model));
		final File out = tmp.newFile(), err = tmp.newFile();
		final ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err);
		pb.environment().remove("NOISY_LABELS_DEBUG");
		final Process p = pb.start();
		try {
			// wait until training runs (its progress lines reach standard error); generous for a busy machine
			final long deadline = System.nanoTime() + 300_000_000_000L;
			String log = "";
			while (!log.contains("Training: iteration ") && p.isAlive() && System.nanoTime() < deadline) {
				Thread.sleep(200);
				log = new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8);
			}
			assertTrue("alive " + p.isAlive() + ", standard error: " + log + ", standard output: " + new String(Files
				.readAllBytes(out.toPath()), StandardCharsets.UTF_8), log.contains("Training: iteration "));
			assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
			assertTrue("no exit within 120 s of SIG" + signal, p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
		}
		finally {
			p.destroyForcibly();
		}
		final String log = new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8);
		assertEquals(log, 130, p.exitValue());
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile("canceled: model \\(iteration (\\d+)\\) written to " +
			java.util.regex.Pattern.quote(model.toString())).matcher(log);
		assertTrue(log, m.find());
		final long iteration = Long.parseLong(m.group(1));
		assertTrue(log, iteration >= 1 && iteration < 100000);
		try (org.noisylabels.train.Predictor pr = org.noisylabels.train.Predictor.load(model.toPath())) {
			assertEquals(iteration, pr.info().iterations);
			assertTrue(pr.info().stopped, pr.info().stopped.startsWith("canceled at iteration " + iteration));
		}
		// nothing half-written next to it
		assertEquals(0, tmp.getRoot().list((d, n) -> n.startsWith(".")).length);
	}

	/** An all-zero label trains, writes its model, exits 0, and says on standard error (even --quiet) why it learned nothing. */
	@Test
	public void allZeroLabelWarnsOnStandardErrorEvenWhenQuiet() throws Exception {
		final int w = 64;
		final float[] px = new float[w * w];
		for (int i = 0; i < px.length; i++) px[i] = (i % w / 8 + i / w / 8) % 2 == 0 ? 10 : 60;
		final File img = new File(tmp.getRoot(), "img.tif"), zero = new File(tmp.getRoot(), "zero.tif"), model = new File(
			tmp.getRoot(), "model");
		ij.IJ.saveAsTiff(new ij.ImagePlus("img", new ij.process.FloatProcessor(w, w, px)), img.getPath());
		ij.IJ.saveAsTiff(new ij.ImagePlus("zero", new ij.process.ByteProcessor(w, w)), zero.getPath());
		final String[] r = run("--quiet", "Supervised (Robust Loss)", "image=" + img, "label=" + zero, "iterations=10",
			"batch_size=1", "patch_size=32", "base_channels=4", "depth=2", "model=" + model);
		assertEquals(r[2], "0", r[0]);
		assertTrue(r[2], r[2].contains("[WARNING] the training learned nothing") && r[2].contains("all zero"));
		assertTrue(new File(model, "model.json").isFile());
	}

	@Test
	public void usageErrorsExit2() throws Exception {
		assertEquals("2", run()[0]);
		assertEquals("2", run("--bogus")[0]);
		assertEquals("0", run("--help", "Dilation (PCL)")[0]);
	}
}
