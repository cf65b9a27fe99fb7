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

	@Test
	public void deviceProbeAgreesWithTheBuild() {
		// the CPU build never finds a GPU; the GPU build finds one only where a driver is present
		final String cp = System.getProperty("java.class.path", "");
		final boolean cpuBuild = cp.contains("tensorflow-core-native-1.1.0-linux-x86_64.jar");
		if (cpuBuild) assertEquals("CPU", Device.name());
		assertTrue(Device.describe(), Device.describe().startsWith(Device.name()));
	}
}
