package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.Losses;
import org.noisylabels.train.StepContext;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;

import ij.ImagePlus;
import ij.measure.ResultsTable;

public class TrainerTest {

	@Test
	public void tinyNetworkOverfitsTinyImage() {
		overfit();
	}

	/** The same with every kernel gradient computed by Conv's GEMMs (what oneDNN machines run). */
	@Test
	public void tinyNetworkOverfitsWithGemmKernelGradients() {
		Conv.mode = "gemm";
		Conv.minChannels = 1;
		try {
			overfit();
		}
		finally {
			Conv.mode = "auto";
			Conv.minChannels = 32;
		}
	}

	private static void overfit() {
		final ImagePlus[] d = TrainTestData.discs(48, 48, 8, 1);
		final TrainingData data = TrainingData.fromImages(d[0], d[1], null, null, Normalization.zscore(), 0, "image",
			"label");
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.validationInterval = 20;
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised(LossType.CE, null)).train(Arrays.asList(data), null,
			Progress.NONE, System.out::println))
		{
			final double first = out.curve.getValue("loss", 0), last = out.curve.getValue("loss", out.curve.size() - 1);
			assertTrue("loss " + first + " -> " + last, last < 0.3 * first);
			final Predictor.Prediction p = out.predictor().predict(d[0], 0.5, Progress.NONE);
			final double dice = TrainTestData.dice((byte[]) p.mask.getProcessor().getPixels(), (byte[]) d[1].getProcessor()
				.getPixels());
			assertTrue("Dice " + dice, dice > 0.9);
			assertEquals(null, out.learnedNothing); // the negative control of the learned-nothing warnings
		}
	}

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	/** CE divided by a fed scalar that becomes 0 at step 3 (0-based): the loss is infinite/NaN there. */
	static final class Diverging extends Supervised {

		@Override
		public Operand<TFloat32> buildLoss(final org.noisylabels.train.StepGraph g) {
			final Operand<TFloat32> ce = Losses.loss(g.tf(), LossType.CE, null, g.forward(0, 0).probabilities(0), g.target(0),
				g.weight(0), null);
			return g.tf().math.div(g.tf().math.sub(ce, ce), g.scalar("divisor", 1f)); // 0/1, then 0/0 = NaN
		}

		@Override
		public void beforeStep(final StepContext c) {
			c.setScalar("divisor", c.step() >= 3 ? 0 : 1);
		}
	}

	@Test
	public void nanLossStopsWithinOneStepAndWritesNothing() {
		final ImagePlus[] d = TrainTestData.discs(32, 32, 4, 2);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 50;
		cfg.validationInterval = 1;
		final Path model = tmp.getRoot().toPath().resolve("m");
		cfg.model = model;
		final java.util.List<String> log = new java.util.ArrayList<>();
		try {
			new Trainer(cfg, new Diverging()).train(Arrays.asList(TrainingData.fromImages(d[0], d[1], null, null,
				Normalization.zscore(), 0, "image", "label")), null, Progress.NONE, log::add).close();
			fail("NaN must stop training");
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("NaN at iteration 4"));
		}
		assertFalse(Files.exists(model));
		// three good iterations were logged, the fourth never
		assertTrue(log.toString(), log.stream().anyMatch(s -> s.startsWith("iteration 3/50")));
		assertFalse(log.toString(), log.stream().anyMatch(s -> s.startsWith("iteration 4/50")));
	}

	@Test
	public void cancelStopsAfterTheStepAndKeepsTheLastCheckpoint() throws Exception {
		final ImagePlus[] d = TrainTestData.discs(32, 32, 4, 5);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 100;
		cfg.validationInterval = 4;
		cfg.keepModel = TrainingConfig.KeepModel.BEST;
		final Path model = tmp.getRoot().toPath().resolve("m");
		cfg.model = model;
		final int[] checks = { 0 };
		final Progress cancelAfter10 = new Progress() {

			@Override
			public void update(final String message, final double fraction) {}

			@Override
			public boolean isCanceled() {
				return ++checks[0] > 10; // checked once before every step: steps 0..9 run
			}
		};
		try {
			new Trainer(cfg, new Supervised()).train(Arrays.asList(TrainingData.fromImages(d[0], d[1], null, null,
				Normalization.zscore(), 0, "image", "label")), null, cancelAfter10, s -> {}).close();
			fail("cancel must be reported");
		}
		catch (final Progress.CanceledException e) {
			// expected
		}
		assertEquals(11, checks[0]);
		try (Predictor p = Predictor.load(model)) {
			assertEquals(8, p.info().iterations); // checkpoints at 4 and 8; step 10 had no checkpoint
			assertEquals("canceled at iteration 10", p.info().stopped);
		}
	}

	@Test
	public void earlyStoppingAfterValidationsWithoutGain() {
		final ImagePlus[] d = TrainTestData.discs(64, 64, 10, 4);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.network.batchNorm = false; // nothing changes between validations at a negligible learning rate
		cfg.learningRate = 1e-9;
		cfg.iterations = 50;
		cfg.validationInterval = 2;
		cfg.validationFraction = 0.25;
		cfg.earlyStopping = 3;
		cfg.keepModel = TrainingConfig.KeepModel.BEST;
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(TrainingData.fromImages(d[0],
			d[1], null, null, Normalization.zscore(), 0, "image", "label")), null, Progress.NONE, s -> {}))
		{
			// validations at 2 (best), 4, 6, 8 without gain -> stop at 8
			assertEquals("early stopping at iteration 8 (no gain in 3 validations)", out.stopped);
			assertEquals(4, out.curve.size());
			assertEquals(2, out.iterations);
			assertEquals(2, out.validation.size()); // 1 of 4 tiles of 32x32 held out, + "all"
		}
	}

	private static TrainingData data(final ImagePlus[] d) {
		return TrainingData.fromImages(d[0], d[1], null, null, Normalization.zscore(), 0, "image", "label");
	}

	/** A progress that cancels once {@code steps} steps ran (the trainer checks it once before every step). */
	private static Progress cancelAfter(final int steps) {
		final int[] checks = { 0 };
		return new Progress() {

			@Override
			public void update(final String message, final double fraction) {}

			@Override
			public boolean isCanceled() {
				return ++checks[0] > steps;
			}
		};
	}

	@Test
	public void keepModelAutoKeepsTheLastStepWithHeldOutLabelsAndTheBestWithGivenOnes() {
		final ImagePlus[] d = TrainTestData.discs(64, 64, 10, 4), v = TrainTestData.discs(48, 48, 6, 9);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 30;
		cfg.validationInterval = 5;
		cfg.validationFraction = 0.25;
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, Progress.NONE,
			s -> {}))
		{
			assertEquals(30, out.iterations);
			assertEquals("last", out.info.training.get("keep_model"));
		}
		final TrainingData val = TrainingData.fromImages(v[0], v[1], null, null, Normalization.zscore(), 2, "validation_image",
			"validation_label");
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), val, Progress.NONE,
			s -> {}))
		{
			assertEquals("best", out.info.training.get("keep_model"));
			int best = 0;
			for (int r = 1; r < out.curve.size(); r++)
				if (out.curve.getValue("validation_dice", r) > out.curve.getValue("validation_dice", best)) best = r;
			assertEquals((long) out.curve.getValue("iteration", best), out.iterations);
			assertEquals(out.curve.getValue("validation_dice", best), out.bestDice, 0);
		}
		cfg.keepModel = TrainingConfig.KeepModel.LAST;
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), val, Progress.NONE,
			s -> {}))
		{
			assertEquals(30, out.iterations);
		}
	}

	@Test
	public void cancelWithKeepLastWritesTheWeightsOfTheLastStepAndSaysWhere() throws Exception {
		final ImagePlus[] d = TrainTestData.discs(32, 32, 4, 5);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 100;
		cfg.validationInterval = 4;
		final Path model = tmp.getRoot().toPath().resolve("m");
		cfg.model = model;
		try {
			new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, cancelAfter(10), s -> {}).close();
			fail("cancel must be reported");
		}
		catch (final Progress.CanceledException e) {
			assertEquals("canceled: model (iteration 10) written to " + model, e.getMessage());
		}
		try (Predictor p = Predictor.load(model)) {
			assertEquals(10, p.info().iterations);
			assertEquals("last", p.info().training.get("keep_model"));
		}
		assertTrue(Files.isRegularFile(model.resolve("checkpoint/last.bin")));
	}

	@Test
	public void allZeroLabelsGiveALearnedNothingWarningThatNamesThem() {
		final ImagePlus[] d = TrainTestData.discs(48, 48, 8, 1);
		d[1] = new ImagePlus("zero.tif", new ij.process.ByteProcessor(48, 48));
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 30;
		cfg.validationInterval = 10;
		final List<String> log = new java.util.ArrayList<>();
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, Progress.NONE,
			log::add))
		{
			assertTrue(String.valueOf(out.learnedNothing), out.learnedNothing != null && out.learnedNothing.startsWith(
				"WARNING: the training learned nothing") && out.learnedNothing.contains("all zero"));
			assertTrue(log.toString(), log.contains(out.learnedNothing));
		}
	}

	@Test
	public void aLearningRateOf10GivesALearnedNothingWarningThatNamesIt() {
		final ImagePlus[] d = TrainTestData.discs(64, 64, 10, 4);
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 40;
		cfg.validationInterval = 10;
		cfg.validationFraction = 0.25;
		cfg.learningRate = 10;
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, Progress.NONE,
			System.out::println))
		{
			assertTrue(String.valueOf(out.learnedNothing), out.learnedNothing != null && out.learnedNothing.contains(
				"learning_rate 10 is probably too high"));
		}
	}

	/**
	 * The warning's decision: a loss that stays high is no sign by itself (with 45 % flipped labels the best
	 * reachable loss is high, and GCE/MAE are bounded), so a flat curve with two predicted classes and a
	 * positive Dice gives no warning; a constant prediction or a Dice of 0 throughout does, and the flat loss
	 * then points to the learning rate.
	 */
	@Test
	public void aFlatLossAloneIsNoLearnedNothingSign() {
		final ResultsTable flat = new ResultsTable();
		for (final double[] row : new double[][] { { 0.60, 0.80 }, { 0.59, 0.85 }, { 0.58, 0.86 } }) {
			flat.incrementCounter();
			flat.addValue("loss", row[0]);
			flat.addValue("validation_dice", row[1]);
		}
		final long[] labelled = { 500, 500 };
		assertEquals(null, Trainer.diagnose(new long[] { 700, 300 }, labelled, flat, 0.001));
		final String constant = Trainer.diagnose(new long[] { 1000, 0 }, labelled, flat, 0.001);
		assertTrue(constant, constant.startsWith("WARNING: the training learned nothing: the model predicts class 0"));
		assertTrue(constant, constant.contains("the loss did not fall") && constant.contains("learning_rate 0.001"));
		final ResultsTable zero = new ResultsTable();
		for (final double[] row : new double[][] { { 0.60, 0 }, { 0.30, 0 }, { 0.20, 0 } }) {
			zero.incrementCounter();
			zero.addValue("loss", row[0]);
			zero.addValue("validation_dice", row[1]);
		}
		final String diceZero = Trainer.diagnose(new long[] { 700, 300 }, labelled, zero, 0.001);
		assertTrue(diceZero, diceZero.contains("the validation Dice stayed 0") && diceZero.contains("train longer"));
	}

	/** Probability maps of a model on an image. */
	private static float[] probabilities(final Path model, final ImagePlus image) {
		try (Predictor p = Predictor.load(model)) {
			return (float[]) p.predict(image, 0.5, Progress.NONE).probability.getProcessor().getPixels();
		}
	}

	private static double maxDiff(final float[] a, final float[] b) {
		double m = 0;
		for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
		return m;
	}

	@Test
	public void aResumedRunEndsWhereAnUninterruptedRunEnds() throws Exception {
		final ImagePlus[] d = TrainTestData.discs(64, 64, 10, 7);
		final Path a = tmp.getRoot().toPath().resolve("a"), b = tmp.getRoot().toPath().resolve("b"), c = tmp.getRoot()
			.toPath().resolve("c");
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.iterations = 40;
		cfg.validationInterval = 10;
		cfg.validationFraction = 0.25;
		cfg.schedule = Schedule.Type.PLATEAU; // its state (lr, best, patience count) must be resumed too
		cfg.lrPatience = 1;
		cfg.earlyStopping = 0;
		cfg.threads = 1; // repeatable runs: with several threads two identical runs differ by ~1 % in loss after 10 steps
		cfg.model = a;
		final double[] lossA = new double[4];
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, Progress.NONE,
			s -> {}))
		{
			for (int r = 0; r < 4; r++) lossA[r] = out.curve.getValue("loss", r);
		}
		// the same run, canceled after 25 steps (in the middle of a validation interval), then resumed
		cfg.model = b;
		try {
			new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, cancelAfter(25), s -> {}).close();
			fail("cancel must be reported");
		}
		catch (final Progress.CanceledException e) {
			// expected
		}
		cfg.model = c;
		cfg.resume = b;
		final List<String> log = new java.util.ArrayList<>();
		try (Trainer.Outcome out = new Trainer(cfg, new Supervised()).train(Arrays.asList(data(d)), null, Progress.NONE,
			log::add))
		{
			assertTrue(log.toString(), log.contains("resuming " + b + " at iteration 25 of 40"));
			assertEquals(40, out.iterations);
			assertEquals(4, out.curve.size());
			for (int r = 0; r < 4; r++) {
				assertEquals(10 * (r + 1), out.curve.getValue("iteration", r), 0);
				// TensorFlow on the CPU is not bit-reproducible between runs (thread scheduling of reductions,
				// oneDNN vs Eigen kernels): losses agree to about 1e-4 relative, far below what a wrong resume changes
				assertEquals("loss of row " + r, lossA[r], out.curve.getValue("loss", r), 2e-3 * lossA[r]);
			}
		}
		final float[] pa = probabilities(a, d[0]), pb = probabilities(b, d[0]), pc = probabilities(c, d[0]);
		// same tolerance reason; an interrupted run (b, 25 of 40 steps) is far from the finished one
		final double ac = maxDiff(pa, pc), ab = maxDiff(pa, pb);
		assertTrue("uninterrupted vs resumed: " + ac + ", vs interrupted: " + ab, ac < 0.02 && ab > 0.1);
	}
}
