import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.noisylabels.Progress;
import org.noisylabels.command.ApplyModelCommand;
import org.noisylabels.method.Supervised;
import org.noisylabels.train.ModelCache;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandService;
import org.scijava.event.EventService;
import org.scijava.log.LogService;
import org.scijava.module.Module;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

// jvm: -Xms1g -Xmx1g -XX:+AlwaysPreTouch
/**
 * Resident memory over 2000 training steps (default U-Net, batch 2 of 64×64 patches, validation every 100
 * steps, the best checkpoint kept) and over 200 Apply Model calls through the SciJava command (a macro
 * loop). Goal: < 5 % growth. Usage: bench/run.sh SoakBench [steps=2000] [calls=200] [validation_fraction=0.2]
 * <p>
 * run.sh starts it with a fixed, pre-touched Java heap (the "jvm:" line above). Without that, the JVM
 * touches the pages of its committed heap one by one as the garbage collector cycles through its regions:
 * resident memory then rises by up to the committed heap size over the first ~1000 steps and stops, which
 * says nothing about the suite (measured: +30 % with a 590 MB committed heap, +1.5 % pre-touched).
 */
public class SoakBench {

	static long rssKb() {
		try {
			for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
				if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		}
		catch (final Exception e) {
			// not Linux
		}
		return -1;
	}

	public static void main(final String[] args) throws Exception {
		run(args);
		System.exit(0); // ImageJ may leave non-daemon threads behind
	}

	static void run(final String[] args) throws Exception {
		final int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
		final int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
		final double valFraction = args.length > 2 ? Double.parseDouble(args[2]) : 0.2;
		final SplittableRandom rnd = new SplittableRandom(3);
		final int side = 128;
		final float[] img = new float[side * side];
		final byte[] lab = new byte[side * side];
		for (int i = 0; i < img.length; i++) {
			final boolean fg = ((i % side) / 16 + (i / side) / 16) % 2 == 0;
			lab[i] = (byte) (fg ? 255 : 0);
			img[i] = (fg ? 150 : 100) + (float) (20 * rnd.nextDouble());
		}
		final ImagePlus image = new ImagePlus("soak", new FloatProcessor(side, side, img));
		final ImagePlus label = new ImagePlus("soak-label", new ByteProcessor(side, side, lab));
		final Path dir = Files.createTempDirectory("soak");
		final TrainingConfig cfg = new TrainingConfig();
		cfg.iterations = steps;
		cfg.batchSize = 2;
		cfg.patchSize = 64;
		cfg.validationInterval = 100;
		cfg.validationFraction = valFraction;
		cfg.model = dir.resolve("model");
		final long[] rss = new long[steps / 100 + 1];
		final long[] heap = new long[steps / 100 + 1];
		final Progress p = new Progress() {

			@Override
			public void update(final String message, final double fraction) {
				final long step = Math.round(fraction * steps);
				if (step % 100 == 0 && step / 100 < rss.length) {
					rss[(int) (step / 100)] = rssKb();
					heap[(int) (step / 100)] = Runtime.getRuntime().totalMemory() >> 10;
				}
			}

			@Override
			public boolean isCanceled() {
				return false;
			}
		};
		System.out.println("java heap max " + (Runtime.getRuntime().maxMemory() >> 20) + " MB, pre-touched " +
			java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch"));
		final long t0 = System.nanoTime();
		new Trainer(cfg, new Supervised()).train(Arrays.asList(TrainingData.fromImages(image, label, null, null,
			Normalization.zscore(), 0, "image", "label")), null, p, m -> {}).close();
		System.out.println(String.format(Locale.ROOT, "training: %d steps in %.0f s", steps, (System.nanoTime() - t0) / 1e9));
		final StringBuilder sb = new StringBuilder("training_rss_mb_every_100_steps");
		for (int k = 1; k < rss.length; k++) sb.append(' ').append(rss[k] / 1024);
		System.out.println(sb);
		final StringBuilder hb = new StringBuilder("java_heap_committed_mb_every_100_steps");
		for (int k = 1; k < heap.length; k++) hb.append(' ').append(heap[k] / 1024);
		System.out.println(hb);
		final int warm = Math.min(2, rss.length - 1);
		System.out.println(String.format(Locale.ROOT, "training_rss_growth_pct %.2f  (step %d -> %d: %d -> %d MB)",
			100.0 * (rss[rss.length - 1] - rss[warm]) / rss[warm], warm * 100, steps, rss[warm] / 1024, rss[rss.length - 1] /
				1024));
		System.out.println(String.format(Locale.ROOT, "training_rss_growth_from_first_pct %.2f  (step 100 -> %d: %d -> %d MB)",
			100.0 * (rss[rss.length - 1] - rss[1]) / rss[1], steps, rss[1] / 1024, rss[rss.length - 1] / 1024));
		final int half = rss.length / 2;
		System.out.println(String.format(Locale.ROOT, "training_rss_growth_second_half_pct %.2f  (step %d -> %d: %d -> %d MB)",
			100.0 * (rss[rss.length - 1] - rss[half]) / rss[half], half * 100, steps, rss[half] / 1024, rss[rss.length - 1] /
				1024));
		System.out.println(String.format(Locale.ROOT, "training_native_growth_mb %d  (RSS growth minus Java heap growth, step %d -> %d)",
			(rss[rss.length - 1] - rss[warm] - (heap[heap.length - 1] - heap[warm])) / 1024, warm * 100, steps));
		if (calls == 0) return;

		final Context ctx = new Context(CommandService.class, org.scijava.module.ModuleService.class, StatusService.class, LogService.class, EventService.class);
		try {
			final CommandService cs = ctx.service(CommandService.class);
			final ImagePlus big = new ImagePlus("apply", new FloatProcessor(512, 512, Arrays.copyOf(img, 512 * 512)));
			long warmRss = 0, lastRss = 0;
			final long t1 = System.nanoTime();
			for (int i = 1; i <= calls; i++) {
				final Map<String, Object> in = new HashMap<>();
				in.put("model", cfg.model.toFile());
				in.put("image", big);
				in.put("threshold", 0.5);
				// the commands are DynamicCommands: CommandService.run answers null for them, ModuleService.run the module
				final Module m = ctx.service(org.scijava.module.ModuleService.class).run(cs.getCommand(ApplyModelCommand.class),
					true, in).get();
				if (m.getOutput("mask") == null) throw new IllegalStateException("Apply Model failed at call " + i);
				if (i == Math.max(1, calls / 10)) warmRss = rssKb();
				lastRss = rssKb();
				if (i % 50 == 0) System.out.println("apply_call " + i + " rss_mb " + lastRss / 1024);
			}
			System.out.println(String.format(Locale.ROOT, "apply: %d calls on 512x512 in %.0f s, model loads %d", calls,
				(System.nanoTime() - t1) / 1e9, ModelCache.loads()));
			System.out.println(String.format(Locale.ROOT, "apply_rss_growth_pct %.2f  (call %d -> %d: %d -> %d MB)", 100.0 *
				(lastRss - warmRss) / warmRss, Math.max(1, calls / 10), calls, warmRss / 1024, lastRss / 1024));
		}
		finally {
			ModelCache.release();
			ctx.dispose();
			org.noisylabels.io.AtomicFiles.deleteRecursively(dir);
		}
	}
}
