package org.noisylabels.train;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.method.AbstractNoisyLabelMethod;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The trainer hooks of several data streams: each stream's own batch size, tensors fed before a step
 * (kept until set again) and tensors fetched from the step for afterStep, and their errors.
 */
public class StreamHooksTest {

	/** Two streams of 1 and 3 patches; fetches the batch sizes it sees and echoes a fed vector. */
	static class Probe extends AbstractNoisyLabelMethod {

		final List<float[]> sizes = new ArrayList<>(), echoes = new ArrayList<>(), losses = new ArrayList<>();
		final List<String> errors = new ArrayList<>();
		final List<Double> reported = new ArrayList<>();

		@Override
		public String methodName() {
			return "probe";
		}

		@Override
		public int streams() {
			return 2;
		}

		@Override
		public int batchSize(final int stream, final int configured) {
			return stream == 0 ? configured : 3;
		}

		@Override
		public Operand<TFloat32> buildLoss(final StepGraph g) {
			final Ops tf = g.tf();
			final Operand<TFloat32> loss = Losses.loss(tf, LossType.CE, null, g.forward(0, 0).probabilities(0), g.target(0),
				g.weight(0), null);
			final Operand<TFloat32> fed = g.feed("counter", new float[] { -1, -2 }, 2);
			g.fetch("sizes", tf.dtypes.cast(tf.stack(Arrays.asList(tf.shape(g.image(0)), tf.shape(g.image(1)))),
				TFloat32.class));
			g.fetch("echo", tf.math.mul(fed, tf.constant(1f)));
			g.fetch("loss", loss);
			try {
				g.fetch("loss", loss);
			}
			catch (final IllegalArgumentException e) {
				errors.add(e.getMessage());
			}
			return loss;
		}

		@Override
		public void beforeStep(final StepContext c) {
			if (c.step() == 0) {
				for (final Runnable r : new Runnable[] { () -> c.feed("counter", new float[3]), () -> c.feed("other",
					new float[2]), () -> c.fetched("echo") })
				{
					try {
						r.run();
					}
					catch (final IllegalArgumentException e) {
						errors.add(e.getMessage());
					}
				}
			}
			// set at steps 1 and 2 only: step 0 sees the initial values, step 3 keeps step 2's
			if (c.step() == 1 || c.step() == 2) c.feed("counter", new float[] { c.step(), 10 * c.step() });
		}

		@Override
		public void afterStep(final StepContext c, final double loss) {
			sizes.add(c.fetched("sizes"));
			echoes.add(c.fetched("echo"));
			losses.add(c.fetched("loss"));
			reported.add(loss);
		}
	}

	static TrainingData disc(final String name) {
		final int w = 32, h = 32;
		final float[] img = new float[w * h];
		final byte[] lab = new byte[w * h];
		for (int i = 0; i < img.length; i++) {
			final boolean fg = (i % w - 16) * (i % w - 16) + (i / w - 16) * (i / w - 16) < 64;
			lab[i] = (byte) (fg ? 255 : 0);
			img[i] = fg ? 2 : 1;
		}
		return TrainingData.fromImages(new ImagePlus(name, new FloatProcessor(w, h, img)), new ImagePlus(name + "-label",
			new ByteProcessor(w, h, lab)), null, null, Normalization.zscore(), 0, "image", "label");
	}

	/** A one-level U-Net of 4 channels on 16×16 patches, batch 2, no validation, one thread. */
	static TrainingConfig tiny(final int iterations) {
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 1;
		cfg.network.baseChannels = 4;
		cfg.batchSize = 2;
		cfg.patchSize = 16;
		cfg.validationFraction = 0;
		cfg.iterations = iterations;
		cfg.threads = 1;
		return cfg;
	}

	@Test
	public void perStreamBatchSizesFeedsAndFetches() {
		final TrainingConfig cfg = tiny(4);
		final Probe probe = new Probe();
		final List<String> log = new ArrayList<>();
		try (Trainer.Outcome out = new Trainer(cfg, probe).train(Arrays.asList(disc("noisy"), disc("clean")), null,
			Progress.NONE, log::add))
		{
			assertEquals(4, probe.sizes.size());
			for (final float[] s : probe.sizes) {
				// exact: integer shapes cast to float; [N, H, W, C] of stream 0, then of stream 1
				assertArrayEquals(new float[] { 2, 16, 16, 1, 3, 16, 16, 1 }, s, 0f);
			}
			// exact: the fed values multiplied by 1
			assertArrayEquals(new float[] { -1, -2 }, probe.echoes.get(0), 0f);
			assertArrayEquals(new float[] { 1, 10 }, probe.echoes.get(1), 0f);
			assertArrayEquals(new float[] { 2, 20 }, probe.echoes.get(2), 0f);
			assertArrayEquals(new float[] { 2, 20 }, probe.echoes.get(3), 0f);
			// the fetched loss is the loss the step reported (the same run, the same float)
			for (int i = 0; i < 4; i++) assertEquals(probe.reported.get(i), probe.losses.get(i)[0], 0.0);
			assertEquals(probe.errors.toString(), 4, probe.errors.size());
			assertTrue(probe.errors.get(0), probe.errors.get(0).contains("already registered"));
			assertTrue(probe.errors.get(1), probe.errors.get(1).contains("takes 2 values, got 3"));
			assertTrue(probe.errors.get(2), probe.errors.get(2).contains("'other' was not declared"));
			assertTrue(probe.errors.get(3), probe.errors.get(3).contains("nothing fetched as 'echo'"));
			assertEquals("[2, 3]", out.info.training.get("stream_batch_sizes"));
			assertEquals(Arrays.asList("noisy", "clean"), out.info.trainingData);
			assertTrue(log.toString(), log.stream().anyMatch(l -> l.contains("batch [2, 3] (per data stream)")));
		}
	}

	@Test
	public void aBatchSizeBelowOneIsRefused() {
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 1;
		cfg.network.baseChannels = 4;
		cfg.patchSize = 16;
		cfg.iterations = 1;
		final Probe probe = new Probe() {

			@Override
			public int batchSize(final int stream, final int configured) {
				return stream == 0 ? configured : 0;
			}
		};
		try (Trainer.Outcome out = new Trainer(cfg, probe).train(Arrays.asList(disc("noisy"), disc("clean")), null,
			Progress.NONE, s -> {}))
		{
			throw new AssertionError("batch size 0 accepted");
		}
		catch (final IllegalArgumentException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("batch size of stream 1 is 0"));
		}
	}

	/** Two networks, one optimiser group each; network 1 learns at a millionth of the learning rate. */
	static class TwoGroups extends AbstractNoisyLabelMethod {

		final List<float[]> w0 = new ArrayList<>(), w1 = new ArrayList<>();

		@Override
		public String methodName() {
			return "two_groups";
		}

		@Override
		public int networks() {
			return 2;
		}

		@Override
		public Operand<TFloat32> buildLoss(final StepGraph g) {
			final Ops tf = g.tf();
			// the first kernel of each network, fetched from every step (its value before the update)
			g.fetch("w0", tf.math.mul(g.network(0).trainableVariables().get(0), tf.constant(1f)));
			g.fetch("w1", tf.math.mul(g.network(1).trainableVariables().get(0), tf.constant(1f)));
			return tf.math.add(Losses.loss(tf, LossType.CE, null, g.forward(0, 0).probabilities(0), g.target(0), g.weight(0),
				null), Losses.loss(tf, LossType.CE, null, g.forward(1, 0).probabilities(0), g.target(0), g.weight(0), null));
		}

		@Override
		public List<Optimizer.Group> optimizerGroups(final StepGraph g) {
			return Arrays.asList(new Optimizer.Group(g.network(0).trainableVariables()), new Optimizer.Group(g.network(1)
				.trainableVariables(), 1e-6));
		}

		@Override
		public void afterStep(final StepContext c, final double loss) {
			w0.add(c.fetched("w0"));
			w1.add(c.fetched("w1"));
		}
	}

	@Test
	public void aMethodsOptimiserGroupsLearnAtTheirOwnRate() {
		final TrainingConfig cfg = tiny(4);
		final TwoGroups m = new TwoGroups();
		final List<String> log = new ArrayList<>();
		try (Trainer.Outcome out = new Trainer(cfg, m).train(Arrays.asList(disc("noisy")), null, Progress.NONE, log::add)) {
			assertEquals(4, m.w0.size());
			// Adam moves every weight by about the learning rate per step (1e-3 by default): network 0 by about
			// 3e-3 in three steps, network 1 a million times less (bounds far from both, CPU rounding aside)
			assertTrue("network 0 moved " + maxChange(m.w0), maxChange(m.w0) > 1e-4);
			assertTrue("network 1 moved " + maxChange(m.w1), maxChange(m.w1) < 1e-6);
			assertTrue(log.toString(), log.stream().anyMatch(l -> l.startsWith("2 optimiser groups")));
		}
	}

	private static double maxChange(final List<float[]> w) {
		double d = 0;
		for (int i = 0; i < w.get(0).length; i++) d = Math.max(d, Math.abs(w.get(w.size() - 1)[i] - w.get(0)[i]));
		return d;
	}
}
