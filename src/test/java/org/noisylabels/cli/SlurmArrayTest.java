package org.noisylabels.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.ImageFolders;

/**
 * The SLURM path for real: a one-node cluster on localhost (munged, slurmctld and slurmd with their
 * configuration, state and sockets in a temporary folder), {@code scripts/slurm/submit.sh} submits the
 * array (3 tasks, each Batch Apply Model + Segmentation Metrics on its share) and the dependent merge job,
 * and the merged outputs are compared with one process doing the whole folder. Also the same scripts
 * without SLURM (the tasks run one after the other with SLURM_ARRAY_TASK_ID set, as the README shows).
 * <p>
 * Needs root and Debian's {@code slurm-wlm} and {@code munge} ({@code scripts/test.sh} installs them);
 * skipped with the reason otherwise, or when the daemons do not come up (their log is in the message).
 */
public class SlurmArrayTest {

	@ClassRule
	public static TemporaryFolder tmp = new TemporaryFolder();

	private static File images, labels, model, wrapper;
	private static Path dir;
	private static String skipReason;
	private static final List<Process> daemons = new ArrayList<>();
	private static Map<String, String> env;
	private static final int TASKS = 3;

	@BeforeClass
	public static void setUp() throws Exception {
		images = tmp.newFolder("images");
		labels = tmp.newFolder("labels");
		BatchFolderTest.writeTiles(images, labels);
		// one more image in a subfolder, and an unreadable file (skipped and listed; it has no ground truth)
		final File extra = new File(images, "sub/deeper/t4.tif");
		extra.getParentFile().mkdirs();
		Files.copy(new File(images, "t0.tif").toPath(), extra.toPath());
		new File(labels, "sub/deeper").mkdirs();
		Files.copy(new File(labels, "t0.tif").toPath(), new File(labels, "sub/deeper/t4.tif").toPath());
		final byte[] t1 = Files.readAllBytes(new File(images, "t1.tif").toPath());
		Files.write(new File(images, "sub/broken.tif").toPath(), Arrays.copyOf(t1, 400));
		model = new File(tmp.getRoot(), "model");
		final Object[] r = Cli.cli("--quiet", "Supervised (Robust Loss)", "image=test-images/nuclei-train.tif",
			"label=test-images/nuclei-train-gt.tif", "iterations=3", "patch_size=32", "base_channels=4", "depth=2",
			"seed=1", "model=" + model);
		assertEquals("stderr: " + r[2], 0, r[0]);
		// the suite's command line as scripts/noisy-labels runs it (same main class, this build's classes):
		// scripts/noisy-labels itself would run `mvn package` inside the test
		wrapper = new File(tmp.getRoot(), "noisy-labels");
		Files.write(wrapper.toPath(), ("#!/usr/bin/env bash\nexec '" + Paths.get(System.getProperty("java.home"), "bin",
			"java") + "' -Xmx1g -Djava.awt.headless=true -Dnoisylabels.threads=1 -cp '" + System.getProperty(
				"java.class.path") + "' " + Main.class.getName() + " \"$@\"\n").getBytes(StandardCharsets.UTF_8));
		assertTrue(wrapper.setExecutable(true));
		startCluster();
	}

	@AfterClass
	public static void tearDown() throws Exception {
		if (dir == null) return;
		// scontrol shutdown stops slurmctld and slurmd; munged stops on SIGTERM
		try {
			run(30, "scontrol", "shutdown");
		}
		catch (final Exception e) {
			// the daemons are killed below
		}
		for (final Process p : daemons) {
			if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
		}
		for (final String pid : new String[] { "slurmctld.pid", "slurmd.pid", "munged.pid" }) {
			final Path f = dir.resolve(pid);
			if (!Files.exists(f)) continue;
			final String id = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).trim();
			ProcessHandle.of(Long.parseLong(id)).ifPresent(h -> {
				h.destroy();
				try {
					h.onExit().get(10, TimeUnit.SECONDS);
				}
				catch (final Exception e) {
					h.destroyForcibly();
				}
			});
		}
	}

	private static boolean executable(final String path) {
		return new File(path).canExecute();
	}

	/** Starts munged, slurmctld and slurmd on localhost; sets skipReason when that is not possible. */
	private static void startCluster() throws Exception {
		final String user = System.getProperty("user.name");
		if (!"root".equals(user)) {
			skipReason = "SLURM test skipped: slurmd must run as root to start jobs (running as " + user + ")";
			return;
		}
		for (final String exe : new String[] { "/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd",
			"/usr/bin/sbatch", "/usr/bin/scontrol" })
		{
			if (!executable(exe)) {
				skipReason = "SLURM test skipped: " + exe +
					" is missing: install Debian's slurm-wlm and munge (scripts/test.sh does, as root)";
				return;
			}
		}
		dir = tmp.newFolder("slurm").toPath();
		final Path munge = Files.createDirectories(dir.resolve("munge"));
		final byte[] key = new byte[1024];
		new java.security.SecureRandom().nextBytes(key);
		Files.write(munge.resolve("munge.key"), key);
		Files.setPosixFilePermissions(munge.resolve("munge.key"), java.nio.file.attribute.PosixFilePermissions.fromString(
			"rw-------"));
		final Path socket = munge.resolve("munge.socket");
		// munged forks into the background and writes its pid file
		final int m = run(30, "/usr/sbin/munged", "--force", "--socket=" + socket, "--key-file=" + munge.resolve(
			"munge.key"), "--pid-file=" + dir.resolve("munged.pid"), "--seed-file=" + munge.resolve("seed"),
			"--log-file=" + dir.resolve("munged.log"));
		if (m != 0) {
			skipReason = "SLURM test skipped: munged did not start (exit " + m + "): " + tail(dir.resolve("munged.log"));
			return;
		}
		final int ctldPort = freePort(), dPort = freePort();
		final String conf = String.join("\n", "ClusterName=nltest", "SlurmctldHost=localhost", "SlurmUser=root",
			"SlurmdUser=root", "AuthType=auth/munge", "CredType=cred/munge", "AuthInfo=socket=" + socket,
			"SlurmctldPort=" + ctldPort, "SlurmdPort=" + dPort, "StateSaveLocation=" + Files.createDirectories(dir.resolve(
				"state")), "SlurmdSpoolDir=" + Files.createDirectories(dir.resolve("spool")), "SlurmctldPidFile=" + dir
					.resolve("slurmctld.pid"), "SlurmdPidFile=" + dir.resolve("slurmd.pid"), "SlurmctldLogFile=" + dir
						.resolve("slurmctld.log"), "SlurmdLogFile=" + dir.resolve("slurmd.log"),
			"ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "SelectType=select/cons_tres",
			"SelectTypeParameters=CR_Core", "JobAcctGatherType=jobacct_gather/none",
			"AccountingStorageType=accounting_storage/none", "JobCompType=jobcomp/none", "MpiDefault=none",
			"ReturnToService=2", "MinJobAge=600", "NodeName=localhost CPUs=2 State=UNKNOWN",
			"PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP", "");
		final Path confFile = dir.resolve("slurm.conf");
		Files.write(confFile, conf.getBytes(StandardCharsets.UTF_8));
		env = new java.util.HashMap<>(System.getenv());
		env.put("SLURM_CONF", confFile.toString());
		env.put("NOISY_LABELS", wrapper.toString());
		env.remove("SLURM_JOB_ID");
		// -D: in the foreground, as children of this test, so that they stop with it in any case
		daemons.add(new ProcessBuilder("/usr/sbin/slurmctld", "-D", "-i", "-f", confFile.toString()).redirectErrorStream(
			true).redirectOutput(dir.resolve("slurmctld.out").toFile()).start());
		daemons.add(new ProcessBuilder("/usr/sbin/slurmd", "-D", "-N", "localhost", "-f", confFile.toString())
			.redirectErrorStream(true).redirectOutput(dir.resolve("slurmd.out").toFile()).start());
		final long end = System.currentTimeMillis() + 60_000;
		String state = "";
		while (System.currentTimeMillis() < end) {
			final String[] out = output(20, "sinfo", "-h", "-o", "%t");
			state = out[1].trim();
			if (state.equals("idle")) return;
			if (daemons.stream().anyMatch(p -> !p.isAlive())) break;
			Thread.sleep(500);
		}
		skipReason = "SLURM test skipped: the one-node cluster did not become idle within 60 s (sinfo: '" + state +
			"'); slurmctld: " + tail(dir.resolve("slurmctld.log")) + "; slurmd: " + tail(dir.resolve("slurmd.log"));
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

	private static String tail(final Path log) {
		try {
			final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
		}
		catch (final IOException e) {
			return "(no log: " + e.getMessage() + ")";
		}
	}

	private static int run(final int seconds, final String... cmd) throws Exception {
		return Integer.parseInt(output(seconds, cmd)[0]);
	}

	/** {exit code, standard output, standard error} of a command in the cluster's environment. */
	private static String[] output(final int seconds, final String... cmd) throws Exception {
		final ProcessBuilder pb = new ProcessBuilder(cmd);
		if (env != null) {
			pb.environment().clear();
			pb.environment().putAll(env);
		}
		final File out = File.createTempFile("out", ".txt", tmp.getRoot()), err = File.createTempFile("err", ".txt", tmp
			.getRoot());
		final Process p = pb.redirectOutput(out).redirectError(err).start();
		if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError(String.join(" ", cmd) + " did not end within " + seconds + " s");
		}
		return new String[] { Integer.toString(p.exitValue()), new String(Files.readAllBytes(out.toPath()),
			StandardCharsets.UTF_8), new String(Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8) };
	}

	/** The state of a job (COMPLETED, FAILED, ...) once it ended. */
	private static String waitForJob(final String id, final int seconds) throws Exception {
		final long end = System.currentTimeMillis() + seconds * 1000L;
		String state = "";
		while (System.currentTimeMillis() < end) {
			final String[] r = output(20, "scontrol", "-o", "show", "job", id);
			final java.util.regex.Matcher m = java.util.regex.Pattern.compile("JobState=(\\S+)").matcher(r[1]);
			state = "";
			while (m.find()) state += (state.isEmpty() ? "" : ",") + m.group(1);
			if (!state.isEmpty() && !state.matches(".*(PENDING|RUNNING|CONFIGURING|COMPLETING).*")) return state;
			Thread.sleep(1000);
		}
		throw new AssertionError("job " + id + " did not end within " + seconds + " s (state " + state + ")");
	}

	/** The single-process run: Batch Apply Model and Segmentation Metrics over the whole folders. */
	private static String[] reference(final File out) {
		final Object[] b = Cli.cli("--quiet", "Batch Apply Model", "model=" + model, "input_folder=" + images,
			"output_folder=" + out, "save=mask and probability");
		assertEquals("stderr: " + b[2], 0, b[0]);
		final Object[] m = Cli.cli("--quiet", "Segmentation Metrics", "prediction_folder=" + out,
			"ground_truth_folder=" + labels);
		assertEquals("stderr: " + m[2], 0, m[0]);
		return new String[] { b[1].toString(), m[1].toString() };
	}

	@Test
	public void arrayJobOnARealOneNodeClusterEqualsOneProcess() throws Exception {
		assumeTrue(skipReason, skipReason == null);
		final File out = new File(tmp.getRoot(), "cluster-out");
		final String[] sub = output(300, "scripts/slurm/submit.sh", "-n", Integer.toString(TASKS), "-c", "1", model
			.toString(), images.toString(), out.toString(), labels.toString(), "--", "save=mask and probability");
		assertEquals("submit.sh: " + sub[2], "0", sub[0]);
		final String[] ids = sub[1].trim().split("\\s+");
		assertEquals(sub[1], 2, ids.length);
		final String arrayState = waitForJob(ids[0], 600);
		final String mergeState = waitForJob(ids[1], 300);
		assertEquals("array tasks: " + arrayState + "; " + logs(out), "COMPLETED,COMPLETED,COMPLETED", arrayState);
		assertEquals("merge: " + logs(out), "COMPLETED", mergeState);
		compareWithOneProcess(out);
	}

	@Test
	public void theSameScriptsWithoutSlurm() throws Exception {
		// no scheduler needed: what a user without SLURM (or a CI without root) runs
		final File out = new File(tmp.getRoot(), "local-out");
		final Map<String, String> saved = env;
		env = new java.util.HashMap<>(System.getenv());
		env.put("NOISY_LABELS", wrapper.toString());
		try {
			for (int i = 0; i < TASKS; i++) {
				env.put("SLURM_ARRAY_TASK_ID", Integer.toString(i));
				env.put("SLURM_ARRAY_TASK_COUNT", Integer.toString(TASKS));
				final String[] r = output(300, "scripts/slurm/batch-task.sh", model.toString(), images.toString(), out
					.toString(), labels.toString(), "save=mask and probability");
				assertEquals("task " + i + ": " + r[2], "0", r[0]);
			}
			env.remove("SLURM_ARRAY_TASK_ID");
			final String[] m = output(300, "scripts/slurm/merge.sh", out.toString());
			assertEquals("merge: " + m[2], "0", m[0]);
		}
		finally {
			env = saved;
		}
		compareWithOneProcess(out);
	}

	private static String logs(final File out) throws IOException {
		final Path d = out.toPath().resolve("tables/logs");
		if (!Files.isDirectory(d)) return "(no logs)";
		final StringBuilder sb = new StringBuilder();
		try (Stream<Path> s = Files.list(d)) {
			for (final Path p : s.sorted().collect(Collectors.toList()))
				sb.append(p.getFileName()).append(": ").append(tail(p)).append("\n");
		}
		return sb.toString();
	}

	private static void compareWithOneProcess(final File out) throws Exception {
		final File ref = new File(tmp.getRoot(), "reference-" + out.getName());
		final String[] single = reference(ref);
		// the same images written under the same relative paths
		final List<String> refFiles = images(ref), outFiles = images(out);
		assertEquals(refFiles, outFiles);
		assertEquals(2 * 5, refFiles.size());
		for (final String f : refFiles) {
			if (!f.endsWith("_probability.tif")) continue;
			final String mask = f.replace("_probability.tif", ".tif");
			final float[] pr = BatchFolderTest.floats(new File(ref, f)), po = BatchFolderTest.floats(new File(out, f));
			final byte[] mr = pixels(new File(ref, mask)), mo = pixels(new File(out, mask));
			// another process, maybe another thread count: TensorFlow's floats within 1e-5; mask pixels
			// compared where the probability is not that close to the threshold (in practice all of them)
			int compared = 0;
			for (int i = 0; i < pr.length; i++) {
				assertEquals(f + " pixel " + i, pr[i], po[i], 1e-5);
				if (Math.abs(pr[i] - 0.5) > 1e-5) {
					assertEquals(mask + " pixel " + i, mr[i], mo[i]);
					compared++;
				}
			}
			assertTrue(compared > pr.length * 9 / 10);
		}
		// every task scored exactly the images of its share, and the work was really split
		int rows = 0, busy = 0;
		for (int t = 0; t < TASKS; t++) {
			final Path table = out.toPath().resolve("tables/metrics/metrics-" + t + ".csv");
			assertTrue(table + " is missing", Files.exists(table));
			int mine = 0;
			for (final String line : Files.readAllLines(table, StandardCharsets.UTF_8)) {
				final String image = line.split(",")[0];
				if (line.isEmpty() || image.equals("image") || image.equals("mean")) continue;
				assertTrue(image + " in task " + t, new ImageFolders.Shard(t, TASKS).contains(image));
				mine++;
			}
			rows += mine;
			if (mine > 0) busy++;
		}
		assertEquals(5, rows);
		assertTrue("only " + busy + " task(s) had images", busy >= 2);
		// the merged table: the reference's rows and mean, within the CSV's 8 digits and the probability tolerance
		final List<String> merged = Files.readAllLines(out.toPath().resolve("metrics.csv"), StandardCharsets.UTF_8);
		final String[] whole = single[1].trim().split("\n");
		assertEquals(String.join("\n", merged), whole.length, merged.size());
		assertEquals(5 + 2, whole.length);
		assertEquals(whole[0], merged.get(0));
		for (int i = 1; i < whole.length; i++) {
			final String[] a = whole[i].split(","), b = merged.get(i).split(",");
			assertEquals(a[0], b[0]);
			for (int c = 1; c < a.length; c++) {
				if (a[c].equals("NaN")) assertEquals(whole[i], "NaN", b[c]);
				else assertEquals(whole[i] + " / " + merged.get(i), Double.parseDouble(a[c]), Double.parseDouble(b[c]), 1e-6 *
					Math.max(1, Math.abs(Double.parseDouble(a[c]))));
			}
		}
		assertEquals("mean", merged.get(merged.size() - 1).split(",")[0]);
		// the unreadable file: listed once, with its reason, by the task whose share it was
		final List<String> skipped = Files.readAllLines(out.toPath().resolve("skipped.csv"), StandardCharsets.UTF_8);
		assertEquals(2, skipped.size());
		assertEquals("file,reason", skipped.get(0));
		assertTrue(skipped.get(1), skipped.get(1).startsWith("sub/broken.tif,") && skipped.get(1).contains(
			"truncated or corrupt"));
		assertArrayEquals(new String[] { "file,reason", skipped.get(1) }, single[0].trim().isEmpty() ? null : single[0]
			.trim().split("\n"));
	}

	private static byte[] pixels(final File f) {
		return (byte[]) ImageFiles.open(f, "f").getProcessor().getPixels();
	}

	private static List<String> images(final File root) throws IOException {
		try (Stream<Path> s = Files.walk(root.toPath())) {
			return s.filter(p -> Files.isRegularFile(p) && ImageFolders.isImageName(p.getFileName().toString())).map(
				p -> ImageFolders.relative(root.toPath(), p)).sorted().collect(Collectors.toList());
		}
	}
}
