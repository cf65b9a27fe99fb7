import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

import org.noisylabels.Progress;
import org.noisylabels.method.IGTTSegmentation;

import ij.IJ;
import ij.ImagePlus;

/**
 * Wall time of iGTT with the command's default parameters on 8 images of 256×256
 * (test-images/synth-filaments.tif), without ground truth, as a user runs it. Goal: under 2 minutes on
 * 2 CPU cores. The machine is shared: the load average before and after is printed with the time, and the
 * process's CPU time, which does not grow with the other processes' load.
 *
 * Usage: bench/run.sh IGTTRunBench [epochs=N] [base_channels=N]
 */
public class IGTTRunBench {

	public static void main(final String[] args) throws Exception {
		final IGTTSegmentation.Settings s = new IGTTSegmentation.Settings();
		for (final String a : args) {
			final String k = a.substring(0, a.indexOf('=')), v = a.substring(a.indexOf('=') + 1);
			if (k.equals("epochs")) s.epochs = Integer.parseInt(v);
			if (k.equals("base_channels")) s.baseChannels = Integer.parseInt(v);
		}
		final ImagePlus img = IJ.openImage("test-images/synth-filaments.tif");
		System.out.println("image " + img.getWidth() + "x" + img.getHeight() + "x" + img.getStackSize() + "; epochs " +
			s.epochs + ", base_channels " + s.baseChannels + ", depth " + s.depth + ", patch " + s.patchSize + ", batch " +
			s.batchSize);
		System.out.println("load before: " + load());
		final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management
			.ManagementFactory.getOperatingSystemMXBean();
		final long cpu0 = os.getProcessCpuTime();
		final long t0 = System.nanoTime();
		final IGTTSegmentation.Result r = IGTTSegmentation.run(img, null, s, Progress.NONE, m -> {});
		final double secs = (System.nanoTime() - t0) / 1e9;
		final double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
		System.out.println("load after:  " + load());
		System.out.println(String.format(Locale.ROOT,
			"process_cpu_s %.1f  (CPU time of all threads; on an otherwise idle 2-core machine the wall time is about"
				+ " this / 2 to this / 1.5, i.e. %.0f-%.0f s)", cpu, cpu / 2, cpu / 1.5));
		System.out.println(String.format(Locale.ROOT, "wall_time_s %.1f  (training loop %.1f s, %d epochs, %.2f s per epoch)%s",
			secs, r.seconds, r.epochs, r.seconds / r.epochs, secs < 120 ? "  [under 2 minutes]" : "  [OVER 2 minutes]"));
		System.out.println("pseudo-label history: " + r.pseudoLabels.getStackSize() + " slices (every " + r.historyInterval +
			" epoch)");
		System.exit(0);
	}

	static String load() throws Exception {
		return new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim();
	}
}
