package org.noisylabels.method;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.cli.Main;

/**
 * A user's own method (examples/user-method/WeightedCE.java, outside the suite's sources) is compiled
 * with the suite on the class path, packed into a jar of its own, and found, trained and applied from the
 * command line in separate processes: the jar alone gives it a Train entry, its key, its --help and its
 * record in model.json; the trained model applies without the jar.
 */
public class UserMethodJarTest {

	@ClassRule
	public static final TemporaryFolder tmp = new TemporaryFolder();

	private static File jar;

	@BeforeClass
	public static void buildJar() throws IOException {
		final File classes = tmp.newFolder("classes");
		final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		assertNotNull("this test needs a JDK (javax.tools)", javac);
		// SciJava's annotation processor (on the class path) writes the plugin index into the classes
		final int rc = javac.run(null, null, null, "-d", classes.getPath(), "-cp", System.getProperty(
			"java.class.path"), "examples/user-method/WeightedCE.java");
		assertEquals("javac exit code", 0, rc);
		final Path index = classes.toPath().resolve("META-INF/json/org.scijava.plugin.Plugin");
		assertTrue("the annotation processor wrote no plugin index", Files.exists(index));
		jar = new File(tmp.getRoot(), "weighted-ce.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar.toPath()));
			Stream<Path> files = Files.walk(classes.toPath()))
		{
			for (final Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
				out.putNextEntry(new JarEntry(classes.toPath().relativize(p).toString().replace(File.separatorChar, '/')));
				Files.copy(p, out);
				out.closeEntry();
			}
		}
	}

	/** {exit code, standard output, standard error} of the command line in a new JVM. */
	private static String[] cli(final boolean withJar, final String... args) throws Exception {
		final String cp = System.getProperty("java.class.path") + (withJar ? File.pathSeparator + jar.getPath() : "");
		final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Djava.awt.headless=true", "-Dnoisylabels.threads=1", "-cp", cp, Main.class.getName()));
		cmd.addAll(Arrays.asList(args));
		final File out = tmp.newFile(), err = tmp.newFile();
		final Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
		final int code = p.waitFor();
		return new String[] { Integer.toString(code), new String(Files.readAllBytes(out.toPath()),
			StandardCharsets.UTF_8), new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8) };
	}

	@Test
	public void theJarAloneGivesTheMethodItsEntryKeyTrainingAndModel() throws Exception {
		// without the jar there is no such command
		final String[] none = cli(false, "--help", "Weighted CE");
		assertEquals(none[2], "2", none[0]);
		assertTrue(none[2], none[2].contains("unknown command"));

		final String[] list = cli(true, "--list");
		assertEquals(list[2], "0", list[0]);
		assertTrue(list[1], list[1].contains("menu: Plugins > Noisy Labels > Train > Weighted CE"));
		final String[] help = cli(true, "--help", "Weighted CE");
		assertTrue(help[1], help[1].contains("foreground_weight"));
		assertTrue(help[1], help[1].contains("range [0.1, 100.0]"));

		// a value outside the declared range: one line, exit 2, nothing written
		final File bad = new File(tmp.getRoot(), "bad-model");
		final String[] refused = cli(true, "--quiet", "Weighted CE", "image=test-images/img2d.tif",
			"label=test-images/gt2d.tif", "iterations=2", "foreground_weight=1000", "model=" + bad);
		assertEquals(refused[2], "2", refused[0]);
		assertTrue(refused[2], refused[2].contains("foreground_weight=1000 is out of range"));
		assertFalse(bad.exists());

		final File model = new File(tmp.getRoot(), "model");
		final String[] train = cli(true, "--quiet", "Weighted CE", "image=test-images/img2d.tif",
			"label=test-images/gt2d.tif", "iterations=4", "batch_size=2", "patch_size=64", "base_channels=4", "depth=2",
			"foreground_weight=3.5", "model=" + model);
		assertEquals(train[2], "0", train[0]);
		final String json = new String(Files.readAllBytes(model.toPath().resolve("model.json")), StandardCharsets.UTF_8);
		assertTrue(json, json.contains("\"weighted_ce\""));
		assertTrue(json, json.matches("(?s).*\"foreground_weight\": 3\\.5.*"));

		// the model is self-contained: Apply Model needs no method class
		final File mask = new File(tmp.getRoot(), "mask.tif");
		final String[] apply = cli(false, "--quiet", "Apply Model", "model=" + model, "image=test-images/img2d.tif",
			"mask=" + mask);
		assertEquals(apply[2], "0", apply[0]);
		assertTrue(mask.length() > 0);
	}

}
