package org.noisylabels;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * The packages of src/main follow the data's path: no package depends, directly or through others, on a
 * package that depends on it (imports and fully qualified names in code both count).
 */
public class PackageCycleTest {

	private static final Pattern REF = Pattern.compile("org\\.noisylabels\\.([a-z0-9]+)\\.[A-Z]");

	@Test
	public void thePackageGraphHasNoCycle() throws IOException {
		final Path root = Paths.get("src/main/java/org/noisylabels");
		final Map<String, Set<String>> deps = new TreeMap<>();
		final List<Path> files;
		try (Stream<Path> s = Files.walk(root)) {
			files = s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
		}
		for (final Path f : files) {
			final Path rel = root.relativize(f);
			if (rel.getNameCount() < 2) continue; // the root package (Check, NoisyLabelsException, ...) is shared
			final String pkg = rel.getName(0).toString();
			final String code = stripComments(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
			final Matcher m = REF.matcher(code);
			while (m.find())
				if (!m.group(1).equals(pkg)) deps.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
			deps.computeIfAbsent(pkg, k -> new TreeSet<>());
		}
		assertTrue(deps.toString(), deps.size() >= 8);
		for (final String start : deps.keySet()) {
			final List<String> cycle = path(deps, start, start, new ArrayList<>(), new TreeSet<>());
			assertTrue("package cycle: " + cycle + " (dependencies: " + deps + ")", cycle == null);
		}
	}

	/** A path of dependencies from {@code at} back to {@code target}, or null. */
	private static List<String> path(final Map<String, Set<String>> deps, final String target, final String at,
		final List<String> trail, final Set<String> seen)
	{
		for (final String next : deps.getOrDefault(at, new TreeSet<>())) {
			final List<String> t = new ArrayList<>(trail);
			t.add(at);
			if (next.equals(target)) {
				t.add(next);
				return t;
			}
			if (seen.add(next)) {
				final List<String> p = path(deps, target, next, t, seen);
				if (p != null) return p;
			}
		}
		return null;
	}

	private static String stripComments(final String s) {
		return s.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
	}
}
