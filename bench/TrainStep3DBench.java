import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.train.Device;
import org.noisylabels.train.Optimizer;
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

/**
 * One training step (Adam, CE) and one forward pass of the suite's 3D U-Net (dimensions=3; the default
 * family: depth 3, 16 base channels, batch norm, dropout 0.3/0.4/0.5 towards the bottleneck, 3×3×3
 * convolutions, isotropic voxels so z is pooled at every level, 2 softmax outputs) at batch N volumes of
 * D slices × S×S. Prints "key value" lines (torch_compare3d.sh compares them with PyTorch's Conv3d).
 * Usage: bench/run.sh TrainStep3DBench [steps=10] [size=64] [slices=16] [batch=2]
 */
public class TrainStep3DBench {

	static double median(final List<Double> v) {
		final double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
	}

	public static void main(final String[] args) throws Exception {
		final int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
		final int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
		final int slices = args.length > 2 ? Integer.parseInt(args[2]) : 16;
		final int batch = args.length > 3 ? Integer.parseInt(args[3]) : 2;
		System.out.println("device " + Device.describe());
		final UNet.Config cfg = new UNet.Config();
		cfg.dimensions = 3;
		cfg.zPool = new int[] { 2, 2, 2 };
		cfg.slices = slices;
		System.out.println("network " + cfg);
		final int n = batch * slices * size * size;
		final SplittableRandom rnd = new SplittableRandom(1);
		final float[] img = new float[n];
		final int[] lab = new int[n];
		final float[] w = new float[n];
		for (int i = 0; i < n; i++) {
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
			final Shape s4 = Shape.of((long) batch * slices, size, size, 1);
			try (Session s = new Session(g)) {
				s.initialize();
				final List<Double> stepMs = new ArrayList<>(), fwdMs = new ArrayList<>();
				for (int i = 0; i < steps + 3; i++) {
					final long t0 = System.nanoTime();
					final List<AutoCloseable> close = new ArrayList<>();
					try (TFloat32 xt = TFloat32.tensorOf(s4, DataBuffers.of(img, true, false));
						TInt32 yt = TInt32.tensorOf(Shape.of((long) batch * slices, size, size), DataBuffers.of(lab, true, false));
						TFloat32 wtt = TFloat32.tensorOf(s4, DataBuffers.of(w, true, false)))
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
					try (TFloat32 xt = TFloat32.tensorOf(s4, DataBuffers.of(img, true, false));
						Result res = s.runner().feed(x, xt).fetch(infer).run())
					{
						res.get(0);
					}
					if (i >= 2) fwdMs.add((System.nanoTime() - t0) / 1e6);
				}
				System.out.println(String.format(Locale.ROOT,
					"train_step_ms %.1f  (median of %d, batch %d x %d slices x %dx%d; min %.1f)", median(stepMs), steps, batch,
					slices, size, size, stepMs.stream().mapToDouble(d -> d).min().getAsDouble()));
				System.out.println(String.format(Locale.ROOT, "forward_ms %.1f  (median of %d, inference mode)", median(fwdMs),
					steps));
			}
		}
		System.exit(0);
	}
}
