package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;

import org.junit.Assume;
import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.method.Supervised;

import ij.ImagePlus;

/** Needs a GPU and the GPU build ({@code mvn -Pgpu test}); skipped with a message elsewhere. */
public class GpuTest {

	@Test
	public void trainsOnTheGpuAndSaysSo() {
		final boolean gpu = Device.gpuAvailable();
		if (!gpu) System.out.println("GpuTest skipped: no GPU is usable by this TensorFlow build (" + Device.describe() +
			"); run 'mvn -Pgpu test' on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9");
		Assume.assumeTrue("no GPU available", gpu);
		final ImagePlus[] d = TrainTestData.discs(64, 64, 8, 1);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 20;
		final java.util.List<String> log = new java.util.ArrayList<>();
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(TrainingData.fromImages(d[0],
			d[1], null, null, Normalization.zscore(), 0, "image", "label")), null, Progress.NONE, log::add))
		{
			assertEquals("GPU:0", out.info.device);
			assertTrue(out.device.startsWith("GPU:0"));
			assertTrue(log.get(0), log.get(0).contains("on GPU:0"));
		}
	}

	/**
	 * The native build on the class path is the one Maven was asked for, and the device probe agrees with
	 * it: the CPU build never reports a GPU; the GPU build reports GPU:0 where an NVIDIA driver is loaded.
	 */
	@Test
	public void deviceProbeAgreesWithTheBuild() {
		final String classifier = System.getProperty("noisylabels.native.classifier");
		Assume.assumeTrue("run through Maven (mvn test), which says which native build it put on the class path",
			classifier != null);
		final String cp = System.getProperty("java.class.path", "");
		String nativeJar = null;
		for (final String entry : cp.split(java.io.File.pathSeparator))
			if (entry.matches(".*tensorflow-core-native-[^/]*\\.jar")) nativeJar = entry;
		assertTrue("a tensorflow-core-native jar is on the class path: " + cp, nativeJar != null);
		assertTrue(nativeJar + " is the " + classifier + " build", nativeJar.endsWith("-" + classifier + ".jar"));
		final boolean gpuBuild = classifier.endsWith("-gpu");
		assertEquals(gpuBuild ? "gpu" : "cpu", System.getProperty("noisylabels.device"));
		if (!gpuBuild) {
			assertEquals("the CPU build finds no GPU", "CPU", Device.name());
			assertTrue(Device.describe(), Device.describe().startsWith("CPU (TensorFlow "));
		}
		else if (java.nio.file.Files.isDirectory(java.nio.file.Paths.get("/proc/driver/nvidia"))) {
			assertEquals("the GPU build with an NVIDIA driver loaded finds GPU:0", "GPU:0", Device.name());
		}
		else {
			System.out.println("GpuTest: GPU build without an NVIDIA driver: the probe says " + Device.name());
			assertEquals("no driver, no GPU", "CPU", Device.name());
		}
	}
}
