package org.noisylabels.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.io.ImageFiles;

import ij.ImagePlus;

/**
 * Issue #20 items 8, 12 and 13: the suite in a real plain ImageJ 1.x (Debian's {@code imagej} package, its
 * {@code /usr/share/java/ij.jar}) under a virtual display, installed as the README says (the plugin jar in
 * {@code plugins/}, its dependencies in {@code plugins/jars/}). One batch macro runs every {@code [IJ1]} menu
 * entry (Skeleton without options: it must not wait on a dialog) and the macro bridge on the bundled
 * masks; every output must equal the command line's. Skipped, with a message, without {@code ij.jar} or
 * {@code xvfb-run} ({@code scripts/test.sh} installs them when run as root).
 */
public class PlainImageJTest {

	private static final File IJ_JAR = new File("/usr/share/java/ij.jar");
	private static final String GT2D = new File("test-images/gt2d.tif").getAbsolutePath();
	private static final String GT3D = new File("test-images/gt3d.tif").getAbsolutePath();

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** {menu entry, its options, input, output name, command-line title, command-line keys}. */
	private static final String[][] ENTRIES = {
		{ "Random Sampling (RCL) [IJ1]", "p_sample=0.2 seed=3", GT2D, "sampling", "Random Sampling (RCL)", "p_sample=0.2 seed=3" },
		{ "Random Flipping (RCL) [IJ1]", "p_flip=0.3 seed=3", GT2D, "flipping", "Random Flipping (RCL)", "p_flip=0.3 seed=3" },
		{ "Dilation (PCL) [IJ1]", "iterations=2", GT2D, "dilation", "Dilation (PCL)", "iterations=2" },
		{ "Erosion (PCL) [IJ1]", "iterations=1 three_d", GT3D, "erosion", "Erosion (PCL)", "iterations=1 three_d=true" },
		{ "Skeleton (PCL) [IJ1]", "", GT2D, "skeleton", "Skeleton (PCL)", "" },
		{ "Random Labels (RL) [IJ1]", "p_generate=0.1 seed=3", GT2D, "random", "Random Labels (RL)", "p_generate=0.1 seed=3" },
		{ "Contour Perturbation [IJ1]", "noise_rate=0.5 r_min=1 r_max=3 seed=3", GT3D, "contour", "Contour Perturbation",
			"noise_rate=0.5 r_min=1 r_max=3 seed=3" } };

	private static boolean onPath(final String exe) {
		for (final String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (new File(d, exe).canExecute()) return true;
		}
		return false;
	}

	@Test
	public void everyIJ1EntryAndTheMacroBridgeMatchTheCommandLine() throws Exception {
		Assume.assumeTrue("skipped: no Debian imagej (" + IJ_JAR + "); scripts/test.sh installs it as root", IJ_JAR
			.isFile());
		Assume.assumeTrue("skipped: no xvfb-run; scripts/test.sh installs xvfb and xauth as root", onPath("xvfb-run") &&
			onPath("timeout"));
		final Path home = tmp.newFolder("ImageJ").toPath(), plugins = home.resolve("plugins"), jars = plugins.resolve(
			"jars");
		Files.createDirectories(jars);
		jar(Paths.get("target", "classes"), plugins.resolve("Noisy_Labels.jar"));
		for (final String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
			final Path p = Paths.get(e);
			final String n = p.getFileName().toString();
			if (!n.endsWith(".jar") || n.startsWith("junit") || n.startsWith("hamcrest") || n.matches("ij-\\d.*")) continue;
			Files.createSymbolicLink(jars.resolve(n), p.toAbsolutePath());
		}
		final Path out = tmp.newFolder("out").toPath();
		final StringBuilder macro = new StringBuilder("setBatchMode(true);\nout = \"" + out + "/\";\n");
		for (final String[] e : ENTRIES) {
			macro.append("open(\"").append(e[2]).append("\");\nrun(\"").append(e[0]).append("\", \"").append(e[1]).append(
				"\");\nsaveAs(\"Tiff\", out + \"").append(e[3]).append(".tif\");\nclose(\"*\");\n");
		}
		macro.append("r = call(\"org.noisylabels.cli.Macro.run\", \"Dilation (PCL)\", \"label=[").append(GT2D).append(
			"] iterations=2 noisy_label=[\" + out + \"bridge dilation.tif]\");\n");
		macro.append("File.saveString(\"bridge=\" + r, out + \"bridge.txt\");\n");
		final Path m = home.resolve("all-entries.ijm");
		Files.write(m, macro.toString().getBytes(StandardCharsets.UTF_8));
		final List<String> cmd = Arrays.asList("timeout", "300", "xvfb-run", "-a", Paths.get(System.getProperty(
			"java.home"), "bin", "java").toString(), "-Dplugins.dir=" + home, "-cp", IJ_JAR.getPath(), "ij.ImageJ",
			"-batch", m.toString());
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		final String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue("ImageJ did not finish", p.waitFor(330, TimeUnit.SECONDS));
		assertEquals(log, 0, p.exitValue());
		assertEquals(log, "bridge=", new String(Files.readAllBytes(out.resolve("bridge.txt")), StandardCharsets.UTF_8)
			.trim());
		// the command line's outputs for the same inputs
		for (final String[] e : ENTRIES) {
			final File cli = new File(tmp.getRoot(), "cli-" + e[3] + ".tif");
			final List<String> args = new ArrayList<>(Arrays.asList(e[4], "label=" + e[2], "noisy_label=" + cli));
			if (!e[5].isEmpty()) args.addAll(Arrays.asList(e[5].split(" ")));
			final Object[] r = Cli.cli(args.toArray(new String[0]));
			assertEquals(r[2].toString(), 0, r[0]);
			assertSamePixels(e[0] + "\n" + log, ImageFiles.open(cli, "cli"), ImageFiles.open(out.resolve(e[3] + ".tif")
				.toFile(), "ij1"));
		}
		final File cliDilation = new File(tmp.getRoot(), "cli-dilation.tif");
		assertSamePixels("macro bridge", ImageFiles.open(cliDilation, "cli"), ImageFiles.open(out.resolve(
			"bridge dilation.tif").toFile(), "bridge"));
	}

	private static void assertSamePixels(final String what, final ImagePlus a, final ImagePlus b) {
		assertEquals(what, a.getWidth(), b.getWidth());
		assertEquals(what, a.getHeight(), b.getHeight());
		assertEquals(what, a.getStackSize(), b.getStackSize());
		for (int z = 1; z <= a.getStackSize(); z++) {
			final float[] pa = (float[]) a.getStack().getProcessor(z).convertToFloat().getPixels();
			final float[] pb = (float[]) b.getStack().getProcessor(z).convertToFloat().getPixels();
			assertArrayEquals(what + " slice " + z, pa, pb, 0f); // integer masks: exact
		}
	}

	private static void jar(final Path classes, final Path target) throws IOException {
		try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os);
			Stream<Path> files = Files.walk(classes))
		{
			for (final Path f : (Iterable<Path>) files::iterator) {
				if (Files.isDirectory(f)) continue;
				jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
				Files.copy(f, jar);
				jar.closeEntry();
			}
		}
	}
}
