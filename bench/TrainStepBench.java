import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.method.Supervised;
import org.noisylabels.train.Device;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Predictor;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.noisylabels.train.UNet;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * One training step (Adam, CE) and one forward pass of the default U-Net (depth 3, 16 base channels,
 * batch norm, 2 softmax outputs) at batch 4 × 256×256; peak resident memory; time to segment a
 * 2048×2048 (and a 4096×4096) image with Apply Model's predictor. Prints "key value" lines.
 * Usage: bench/run.sh TrainStepBench [steps=10] [size=256] [batch=4] [segment=true]
 */
public class TrainStepBench {

	static long rssKb(final String key) throws Exception {
		for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
			if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		return -1;
	}

	static double median(final List<Double> v) {
		final double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
	}

	public static void main(final String[] args) throws Exception {
		run(args);
		System.exit(0); // ImageJ may leave non-daemon threads behind
	}

	static void run(final String[] args) throws Exception {
		final int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
		final int size = args.length > 1 ? Integer.parseInt(args[1]) : 256;
		final int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4;
		System.out.println("device " + Device.describe());
		final UNet.Config cfg = new UNet.Config();
		System.out.println("network " + cfg);
		final SplittableRandom rnd = new SplittableRandom(1);
		final float[] img = new float[batch * size * size];
		final int[] lab = new int[batch * size * size];
		final float[] w = new float[batch * size * size];
		for (int i = 0; i < img.length; i++) {
			img[i] = (float) rnd.nextDouble();
			lab[i] = img[i] > 0.5 ? 1 : 0;
			w[i] = 1;
		}
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final UNet.Network net = UNet.build(tf, "net", cfg, 42);
			System.out.println("parameters " + net.parameterCount());
			final Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final Placeholder<TInt32> y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1, -1)));
			final Placeholder<TFloat32> wt = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final UNet.Forward train = net.forward(x, true);
			final Operand<TFloat32> loss = Losses.loss(tf, LossType.CE, null, train.probabilities(0), tf.oneHot(y, tf
				.constant(2), tf.constant(1f), tf.constant(0f)), wt, null);
			final Optimizer opt = new Optimizer(tf, loss, net.trainableVariables(), new Optimizer.Config(), train.updates);
			final Operand<TFloat32> infer = net.forward(x, false).probabilities(0);
			try (Session s = new Session(g)) {
				s.initialize();
				final List<Double> stepMs = new ArrayList<>(), fwdMs = new ArrayList<>();
				for (int i = 0; i < steps + 3; i++) {
					final long t0 = System.nanoTime();
					final List<AutoCloseable> close = new ArrayList<>();
					try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, size, size, 1), DataBuffers.of(img, true, false));
						TInt32 yt = TInt32.tensorOf(Shape.of(batch, size, size), DataBuffers.of(lab, true, false));
						TFloat32 wtt = TFloat32.tensorOf(Shape.of(batch, size, size, 1), DataBuffers.of(w, true, false)))
					{
						final Session.Runner r = s.runner().feed(x, xt).feed(y, yt).feed(wt, wtt);
						opt.feed(r, close, i, 1e-3);
						try (Result res = r.fetch(loss).addTarget(opt.trainOp()).run()) {
							((TFloat32) res.get(0)).getFloat();
						}
					}
					for (final AutoCloseable c : close) c.close();
					if (i >= 3) stepMs.add((System.nanoTime() - t0) / 1e6);
				}
				for (int i = 0; i < steps + 2; i++) {
					final long t0 = System.nanoTime();
					try (TFloat32 xt = TFloat32.tensorOf(Shape.of(batch, size, size, 1), DataBuffers.of(img, true, false));
						Result res = s.runner().feed(x, xt).fetch(infer).run())
					{
						res.get(0);
					}
					if (i >= 2) fwdMs.add((System.nanoTime() - t0) / 1e6);
				}
				System.out.println(String.format(Locale.ROOT, "train_step_ms %.1f  (median of %d, batch %d x %dx%d; min %.1f)",
					median(stepMs), steps, batch, size, size, stepMs.stream().mapToDouble(d -> d).min().getAsDouble()));
				System.out.println(String.format(Locale.ROOT, "forward_ms %.1f  (median of %d, inference mode)", median(fwdMs),
					steps));
			}
		}
		System.out.println("peak_rss_mb_after_steps " + rssKb("VmHWM") / 1024);
		if (args.length > 3 && !Boolean.parseBoolean(args[3])) return; // steps only (torch_compare.sh's repeated rounds)
		// segmentation time through a saved model (Apply Model's path)
		final Path dir = Files.createTempDirectory("bench-model");
		final Path model = dir.resolve("model");
		final TrainingConfig tc = new TrainingConfig();
		tc.iterations = 1;
		tc.validationFraction = 0;
		tc.model = model;
		final float[] small = new float[128 * 128];
		final byte[] sl = new byte[128 * 128];
		for (int i = 0; i < small.length; i++) {
			small[i] = (float) rnd.nextDouble();
			sl[i] = (byte) (small[i] > 0.5 ? 255 : 0);
		}
		new Trainer(tc, new Supervised()).train(Arrays.asList(TrainingData.fromImages(new ImagePlus("s", new FloatProcessor(
			128, 128, small)), new ImagePlus("l", new ByteProcessor(128, 128, sl)), null, null, Normalization.zscore(), 0,
			"image", "label")), null, Progress.NONE, m -> {}).close();
		try (Predictor p = Predictor.load(model)) {
			for (final int side : new int[] { 2048, 4096 }) {
				final float[] big = new float[side * side];
				for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i * 0.01) * 100 + 100;
				final ImagePlus imp = new ImagePlus("big", new FloatProcessor(side, side, big));
				final long t0 = System.nanoTime();
				final Predictor.Prediction pr = p.predict(imp, 0.5, Progress.NONE);
				final double secs = (System.nanoTime() - t0) / 1e9;
				System.gc();
				final Runtime rt = Runtime.getRuntime();
				System.out.println(String.format(Locale.ROOT,
					"segment_%dx%d_s %.1f  (tiles 512, margin %d; java heap used %d MB of max %d MB; peak RSS %d MB)", side, side,
					secs, p.info().margin, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20, rssKb("VmHWM") / 1024));
				pr.probability.flush();
			}
		}
		org.noisylabels.io.AtomicFiles.deleteRecursively(dir);
		System.out.println("peak_rss_mb " + rssKb("VmHWM") / 1024);
	}
}
