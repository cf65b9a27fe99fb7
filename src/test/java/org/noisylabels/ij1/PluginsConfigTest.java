package org.noisylabels.ij1;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.noisylabels.command.ContourPerturbationCommand;
import org.noisylabels.command.DilationCommand;
import org.noisylabels.command.ErosionCommand;
import org.noisylabels.command.RandomFlippingCommand;
import org.noisylabels.command.RandomLabelsCommand;
import org.noisylabels.command.RandomSamplingCommand;
import org.noisylabels.command.SkeletonCommand;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.plugin.PlugIn;

/** plugins.config is well formed and the ImageJ 1.x entries match the SciJava commands' titles and keys. */
public class PluginsConfigTest {

	private static final Class<?>[] COMMANDS = { RandomSamplingCommand.class, RandomFlippingCommand.class,
		DilationCommand.class, ErosionCommand.class, SkeletonCommand.class, RandomLabelsCommand.class,
		ContourPerturbationCommand.class };

	@Test
	public void entriesAreValidAndDoNotClashWithCommandTitles() throws Exception {
		final InputStream in = getClass().getResourceAsStream("/plugins.config");
		assertNotNull("plugins.config on the classpath", in);
		final Pattern line = Pattern.compile("^(Plugins>[^,]+), \"([^\"]+)\", ([\\w.]+)\\(\"(\\w+)\"\\)$");
		final Set<String> labels = new HashSet<>(), ids = new TreeSet<>();
		final Set<String> commandTitles = new HashSet<>();
		for (final Class<?> c : COMMANDS) {
			final String menu = c.getAnnotation(Plugin.class).menuPath();
			commandTitles.add(menu.substring(menu.lastIndexOf('>') + 1));
		}
		int entries = 0;
		try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			for (String s; (s = r.readLine()) != null;) {
				if (s.startsWith("#") || s.trim().isEmpty()) continue;
				final Matcher m = line.matcher(s);
				assertTrue("malformed line: " + s, m.matches());
				entries++;
				assertEquals("Plugins>Noisy Labels>ImageJ1", m.group(1));
				final String label = m.group(2);
				assertTrue(label, labels.add(label));
				assertFalse(label + " clashes with a SciJava command", commandTitles.contains(label));
				assertTrue(label, label.endsWith(Generator.IJ1_SUFFIX));
				final Class<?> cls = Class.forName(m.group(3));
				assertTrue(PlugIn.class.isAssignableFrom(cls));
				final Generator g = Generator.find(m.group(4));
				assertEquals(g.title + Generator.IJ1_SUFFIX, label);
				assertTrue(commandTitles.contains(g.title));
				ids.add(g.id);
			}
		}
		assertEquals(7, entries);
		assertEquals(7, ids.size());
	}

	@Test
	public void generatorKeysAndDefaultsEqualTheCommands() throws Exception {
		for (final Class<?> c : COMMANDS) {
			final String menu = c.getAnnotation(Plugin.class).menuPath();
			final Generator g = Generator.find(menu.substring(menu.lastIndexOf('>') + 1));
			final Object command = c.getDeclaredConstructor().newInstance();
			final List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
			for (final Field f : c.getDeclaredFields()) {
				final Parameter p = f.getAnnotation(Parameter.class);
				if (p == null) continue;
				if (p.type() == ItemIO.OUTPUT) {
					outputs.add(f.getName());
					continue;
				}
				if (f.getName().equals("label")) continue;
				inputs.add(f.getName());
				final Generator.Param gp = g.param(f.getName());
				assertNotNull(g.title + " has no key " + f.getName(), gp);
				f.setAccessible(true);
				assertEquals(g.title + " " + f.getName(), gp.defaultValue.toString(), f.get(command).toString());
				if (!p.min().isEmpty()) assertEquals(Double.parseDouble(p.min()), gp.min, 0);
				if (!p.max().isEmpty()) assertEquals(Double.parseDouble(p.max()), gp.max, 0);
			}
			assertEquals(g.title, g.params.size(), inputs.size());
			assertEquals(g.title, g.outputs, outputs);
		}
	}
}
