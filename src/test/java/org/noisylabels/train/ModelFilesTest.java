package org.noisylabels.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;

import ij.ImagePlus;

public class ModelFilesTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	private static TrainingConfig cfg(final Path model) {
		final TrainingConfig c = TrainTestData.tinyConfig();
		c.iterations = 6;
		c.validationInterval = 3;
		c.model = model;
		return c;
	}

	private static TrainingData data(final ImagePlus[] d) {
		return TrainingData.fromImages(d[0], d[1], null, null, Normalization.percentile(1, 99.8), 0, "image", "label");
	}

	@Test
	public void saveThenLoadGivesBitIdenticalProbabilities() throws Exception {
		final ImagePlus[] d = TrainTestData.discs(40, 36, 6, 3);
		for (final String name : new String[] { "model", "model.zip" }) {
			final Path model = tmp.getRoot().toPath().resolve(name);
			final float[] live;
			try (Trainer.Outcome out = new Trainer(cfg(model), new Supervised(LossType.GCE, null)).train(Arrays.asList(data(
				d)), null, Progress.NONE, s -> {}))
			{
				live = (float[]) out.predictor().predict(d[0], 0.5, Progress.NONE).probability.getProcessor().getPixels();
			}
			final Path unzipped = tmp.newFolder("unzipped-" + name).toPath();
			ModelFiles.unzipRoot = unzipped;
			try (Predictor p = Predictor.load(model)) {
				// a zipped model's extracted files are deleted as soon as it is loaded (no folder left per call)
				try (java.util.stream.Stream<Path> s = Files.list(unzipped)) {
					assertEquals(0, s.count());
				}
				final float[] loaded = (float[]) p.predict(d[0], 0.5, Progress.NONE).probability.getProcessor().getPixels();
				assertArrayEquals(live, loaded, 0f);
				assertEquals("supervised", p.info().method);
				assertEquals("GCE", p.info().methodParameters.get("loss_type"));
				assertEquals(0.5, ((Number) p.info().methodParameters.get("q")).doubleValue(), 0);
				assertEquals("percentile", p.info().normalization);
				assertEquals(99.8, p.info().normHigh, 0);
				assertEquals(2, p.info().classes);
				assertEquals(1, p.info().outputChannels);
				assertEquals(32, p.info().patchSize);
				assertEquals(6, p.info().iterations);
				assertEquals(Device.name(), p.info().device);
				assertEquals(Arrays.asList("discs.tif"), p.info().trainingData);
				assertEquals(org.tensorflow.TensorFlow.version(), p.info().tensorflowVersion);
			}
			finally {
				ModelFiles.unzipRoot = null;
			}
			// no temporary sibling left
			try (java.util.stream.Stream<Path> s = Files.list(tmp.getRoot().toPath())) {
				assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".")).count());
			}
		}
	}

	/**
	 * A model trained with Conv's GEMM kernel gradients (its graph holds IdentityN wrappers) saves and loads
	 * like any other; and a single tile run as a batch of two copies (what Predictor does under oneDNN) gives
	 * the same probabilities as the single tile.
	 */
	@Test
	public void gemmTrainedModelLoadsAndSingleTileAsBatchOfTwoGivesTheSameProbabilities() throws Exception {
		final ImagePlus[] d = TrainTestData.discs(40, 36, 6, 3);
		final Path model = tmp.getRoot().toPath().resolve("gemm-model");
		final boolean pad = Predictor.padSingleTile;
		Conv.mode = "gemm";
		Conv.minChannels = 1;
		try {
			final float[] live;
			try (Trainer.Outcome out = new Trainer(cfg(model), new Supervised()).train(Arrays.asList(data(d)), null,
				Progress.NONE, s -> {}))
			{
				live = (float[]) out.predictor().predict(d[0], 0.5, Progress.NONE).probability.getProcessor().getPixels();
			}
			try (Predictor p = Predictor.load(model)) {
				Predictor.padSingleTile = false;
				final float[] single = (float[]) p.predict(d[0], 0.5, Progress.NONE).probability.getProcessor().getPixels();
				Predictor.padSingleTile = true;
				final float[] two = (float[]) p.predict(d[0], 0.5, Progress.NONE).probability.getProcessor().getPixels();
				// the training session and the loaded SavedModel are different graphs: TensorFlow may pick other
				// kernels for them (oneDNN fuses convolution and bias on AVX-512 CPUs), so probabilities agree to
				// rounding (seen: 0.7048854 vs 0.7048855), not bit for bit; 1e-5 is ~100 float steps near 1
				assertArrayEquals(live, single, 1e-5f);
				assertArrayEquals(single, two, 1e-5f);
				double spread = 0;
				for (final float v : single) spread = Math.max(spread, Math.abs(v - single[0]));
				assertTrue("the probabilities vary over the image", spread > 0.1);
			}
		}
		finally {
			Conv.mode = "auto";
			Conv.minChannels = 32;
			Predictor.padSingleTile = pad;
		}
	}

	@Test
	public void failedWriteLeavesNoFolder() throws Exception {
		final Path model = tmp.getRoot().toPath().resolve("broken-model");
		ModelFiles.failAfterExport = new RuntimeException("disk full");
		try {
			new Trainer(cfg(model), new Supervised()).train(Arrays.asList(data(TrainTestData.discs(32, 32, 4, 1))), null,
				Progress.NONE, s -> {}).close();
			fail("the write should fail");
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("disk full"));
		}
		finally {
			ModelFiles.failAfterExport = null;
		}
		assertFalse(Files.exists(model));
		assertEquals(0, tmp.getRoot().list().length);
	}

	@Test
	public void corruptOrForeignModelsGiveOneLineErrors() throws Exception {
		final File dir = tmp.newFolder("m");
		assertError(dir.toPath(), "has no model.json");
		final Path json = dir.toPath().resolve("model.json");
		Files.write(json, "{\"format\": \"noisy-labels-model\", \"format_version\": 1, \"network\": {".getBytes(
			StandardCharsets.UTF_8));
		assertError(dir.toPath(), "is corrupt");
		Files.write(json, "{\"format\": \"noisy-labels-model\", \"format_version\": 7, \"suite_version\": \"9.0\"}".getBytes(
			StandardCharsets.UTF_8));
		assertError(dir.toPath(), "model format 7");
		Files.write(json, "{\"format\": \"something-else\"}".getBytes(StandardCharsets.UTF_8));
		assertError(dir.toPath(), "not a Noisy Labels model");
		// a valid json but no SavedModel
		final ModelInfo info = new ModelInfo();
		info.depth = 2;
		info.sizeMultiple = 4;
		info.margin = 8;
		Files.write(json, info.toJson().getBytes(StandardCharsets.UTF_8));
		assertError(dir.toPath(), "saved_model");
		assertError(tmp.getRoot().toPath().resolve("nothing-here"), "does not exist");
	}

	private static void assertError(final Path p, final String part) {
		try {
			Predictor.load(p).close();
			fail("expected an error for " + p);
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(part));
			assertFalse(e.getMessage(), e.getMessage().contains("\n"));
		}
	}

	@Test
	public void refusesToReplaceAFolderThatIsNoModel() throws Exception {
		final File dir = tmp.newFolder("photos");
		Files.write(dir.toPath().resolve("holiday.jpg"), new byte[] { 1 });
		try {
			ModelFiles.checkTarget(dir.toPath(), "model");
			fail();
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("not a Noisy Labels model folder"));
		}
		ModelFiles.checkTarget(tmp.getRoot().toPath().resolve("new-model"), "model");
	}

	@Test
	public void jsonRoundTrip() {
		final ModelInfo info = new ModelInfo();
		info.methodParameters.put("loss_type", "NRDice");
		info.methodParameters.put("gamma", 1.5);
		info.trainingData.add("a \"quoted\"\tname.tif");
		final Object back = Json.parse(info.toJson());
		assertTrue(back instanceof java.util.Map);
		assertEquals("a \"quoted\"\tname.tif", ((java.util.List<?>) ((java.util.Map<?, ?>) back).get("training_data")).get(0));
		assertEquals(1.5, ((Number) ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) back).get("method_parameters")).get(
			"gamma")).doubleValue(), 0);
	}
}
