package org.noisylabels.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Which device TensorFlow computes on. TensorFlow places ops on GPU:0 by itself when the GPU build
 * (Maven profile {@code -Pgpu}) finds a usable GPU; the presence test pins one op to
 * {@code /device:GPU:0} with soft placement off, which fails at once where there is no GPU.
 */
public final class Device {

	private static volatile Boolean gpu;

	private Device() {}

	/** Whether a GPU is usable by this TensorFlow build (tested once per process). */
	public static boolean gpuAvailable() {
		Boolean g = gpu;
		if (g == null) {
			synchronized (Device.class) {
				if (gpu == null) gpu = probe();
				g = gpu;
			}
		}
		return g;
	}

	private static boolean probe() {
		try (Graph graph = new Graph()) {
			final Ops tf = Ops.create(graph).withDevice(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU)
				.deviceIndex(0).build());
			final org.tensorflow.Operand<TFloat32> y = tf.math.add(tf.constant(1f), tf.constant(2f));
			final ConfigProto config = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
			try (Session s = new Session(graph, config); Result r = s.runner().fetch(y).run()) {
				return ((TFloat32) r.get(0)).getFloat() == 3f;
			}
		}
		catch (final RuntimeException | UnsatisfiedLinkError e) {
			return false;
		}
	}

	/**
	 * The session options for training: TensorFlow's default thread pools unless the system property
	 * {@code noisylabels.threads} (or the environment variable NOISY_LABELS_THREADS) gives a number of
	 * threads for both pools. One thread makes CPU training repeatable from run to run on one machine
	 * (multi-threaded reductions add in a varying order); the test suite uses it.
	 */
	public static ConfigProto sessionConfig() {
		final int n = threads();
		final ConfigProto.Builder b = ConfigProto.newBuilder();
		if (n > 0) b.setIntraOpParallelismThreads(n).setInterOpParallelismThreads(n);
		return b.build();
	}

	/** The thread setting: 0 = TensorFlow's default. */
	static int threads() {
		String v = System.getProperty("noisylabels.threads");
		if (v == null || v.isBlank()) v = System.getenv("NOISY_LABELS_THREADS");
		if (v == null || v.isBlank()) return 0;
		try {
			return Math.max(0, Integer.parseInt(v.trim()));
		}
		catch (final NumberFormatException e) {
			throw new org.noisylabels.NoisyLabelsException("noisylabels.threads / NOISY_LABELS_THREADS=" + v +
				" is not a whole number: give the number of TensorFlow threads, or 0 for the default");
		}
	}

	/** "GPU:0" or "CPU". */
	public static String name() {
		return gpuAvailable() ? "GPU:0" : "CPU";
	}

	/**
	 * Whether TensorFlow's oneDNN CPU kernels are on. TensorFlow reads TF_ENABLE_ONEDNN_OPTS once at start;
	 * this build turns them on by default only on CPUs with AVX-512 VNNI and newer. On AVX2 CPUs they make
	 * U-Net training 1.5–1.7× faster, also when other programs compete for the cores
	 * (bench/results/onednn_contention.txt). The suite's command line sets TF_ENABLE_ONEDNN_OPTS=1; for Fiji,
	 * set it in the environment that starts Fiji.
	 */
	public static String oneDnn() {
		final Boolean set = oneDnnSetting();
		return set == null ? "oneDNN default" : set ? "oneDNN on" : "oneDNN off";
	}

	/** TF_ENABLE_ONEDNN_OPTS as TensorFlow reads it: true, false, or null when it is not set. */
	private static Boolean oneDnnSetting() {
		final String v = System.getenv("TF_ENABLE_ONEDNN_OPTS");
		return v == null ? null : "1".equals(v.trim()) || "true".equalsIgnoreCase(v.trim());
	}

	private static volatile Boolean oneDnnKernels;

	/**
	 * Whether TensorFlow runs its oneDNN CPU kernels: TF_ENABLE_ONEDNN_OPTS when set, otherwise TensorFlow's
	 * own default (on for CPUs with AVX-512 VNNI/BF16, AVX-VNNI or AMX, read here from /proc/cpuinfo).
	 * Decided once per process, as TensorFlow does.
	 */
	public static boolean oneDnnKernels() {
		Boolean k = oneDnnKernels;
		if (k == null) {
			final Boolean set = oneDnnSetting();
			oneDnnKernels = k = set != null ? set : cpuDefaultsToOneDnn();
		}
		return k;
	}

	private static boolean cpuDefaultsToOneDnn() {
		try {
			for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
				if (line.startsWith("flags")) return line.matches(
					".*\\b(avx512_vnni|avx512_bf16|avx_vnni|amx_tile|amx_int8|amx_bf16)\\b.*");
		}
		catch (final IOException | RuntimeException e) {
			// not Linux: assume TensorFlow's default kernels
		}
		return false;
	}

	/** A one-line description for logs and model.json. */
	public static String describe() {
		return name() + " (TensorFlow " + TensorFlow.version() + ", " + Runtime.getRuntime().availableProcessors() +
			" cores" + (gpuAvailable() ? "" : ", no GPU found, " + oneDnn()) + ")";
	}
}
