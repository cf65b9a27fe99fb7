package org.noisylabels.method;

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
import org.noisylabels.train.EpochContext;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.PredictionGraph;
import org.noisylabels.train.Sample;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.StepGraph;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

/**
 * The plugin type carries what later methods need: two networks of which only one learns, an EMA
 * teacher, two heads, fed scalars, per-epoch label refresh, and a prediction that averages networks.
 */
public class MethodApiTest {

	/** Net 0 learns with CE on head 0 (+ head 1 weighted by a fed scalar); net 1 never learns. */
	static final class Probe extends AbstractNoisyLabelMethod {

		final List<Float> rampSeen = new ArrayList<>();
		int epochs;
		long labelsChangedAt = -1;
		StepGraph graph;

		@Override
		public String methodName() {
			return "probe";
		}

		@Override
		public int networks() {
			return 2;
		}

		@Override
		public int heads() {
			return 2;
		}

		@Override
		public boolean emaTeacher() {
			return true;
		}

		@Override
		public double emaDecay(final long step) {
			return 0; // the teacher copies the student after every step
		}

		@Override
		public Operand<TFloat32> buildLoss(final StepGraph g) {
			graph = g;
			final Operand<TFloat32> ramp = g.scalar("ramp", 0f);
			final Operand<TFloat32> l0 = Losses.loss(g.tf(), LossType.CE, null, g.forward(0, 0).probabilities(0), g.target(
				0), g.weight(0), null);
			final Operand<TFloat32> l1 = Losses.loss(g.tf(), LossType.CE, null, g.forward(0, 0).probabilities(1), g.target(
				0), g.weight(0), null);
			// the teacher and network 1 take part in the graph but get no gradient
			g.forward(g.teacher(), g.image(0), false);
			g.forward(1, 0);
			return g.tf().math.add(l0, g.tf().math.mul(ramp, l1));
		}

		@Override
		public List<Variable<TFloat32>> trainableVariables(final StepGraph g) {
			return new ArrayList<>(g.network(0).trainableVariables());
		}

		@Override
		public void beforeStep(final StepContext c) {
			c.setScalar("ramp", c.step() / 10.0);
			rampSeen.add(c.scalar("ramp"));
		}

		@Override
		public void afterEpoch(final EpochContext c) {
			epochs++;
			if (c.epoch() == 1) {
				// label refresh from the current prediction: threshold the foreground probability
				for (final Sample s : c.data(0).samples()) {
					final float[][] p = c.predict(s);
					final byte[] l = new byte[s.width * s.height];
					for (int i = 0; i < l.length; i++) l[i] = (byte) (p[0][i] >= 0.5f ? 1 : 0);
					s.setLabels(l);
				}
				labelsChangedAt = c.step();
			}
		}

		@Override
		public Operand<TFloat32> prediction(final PredictionGraph g) {
			// mean of the two networks' probabilities
			return g.tf().math.mul(g.tf().math.add(g.forward(0).probabilities(0), g.forward(1).probabilities(0)), g.tf()
				.constant(0.5f));
		}
	}

	/** One 32×32 image of a bright disc, with the disc as its label. */
	private static TrainingData disc() {
		final int w = 32, h = 32;
		final float[] img = new float[w * h];
		final byte[] lab = new byte[w * h];
		for (int i = 0; i < img.length; i++) {
			final boolean fg = (i % w - 16) * (i % w - 16) + (i / w - 16) * (i / w - 16) < 64;
			lab[i] = (byte) (fg ? 255 : 0);
			img[i] = fg ? 2 : 1;
		}
		return TrainingData.fromImages(new ImagePlus("a", new FloatProcessor(w, h, img)), new ImagePlus("b",
			new ByteProcessor(w, h, lab)), null, null, Normalization.zscore(), 0, "image", "label");
	}

	/** A tiny network trained on whole 32×32 images, one per step, no validation. */
	private static TrainingConfig tiny() {
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 1;
		cfg.network.baseChannels = 4;
		cfg.batchSize = 1;
		cfg.patchSize = 32;
		cfg.validationFraction = 0;
		return cfg;
	}

	@Test
	public void twoNetworksTeacherHeadsScalarsAndLabelRefresh() {
		final TrainingData data = disc();
		final TrainingConfig cfg = tiny();
		cfg.iterations = 6;
		final Probe probe = new Probe();
		try (Trainer.Outcome out = new Trainer(cfg, probe).train(Arrays.asList(data), null, Progress.NONE, s -> {})) {
			assertEquals(Arrays.asList(0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f), probe.rampSeen);
			assertEquals(6, probe.epochs); // one step per epoch: 32x32 image, batch 1 of 32x32
			assertEquals(2, probe.labelsChangedAt);
			assertEquals(2, probe.graph.networkCount());
			assertEquals("probe", out.info.method);
			assertEquals(2, out.info.heads);
			final org.tensorflow.Session s = sessionOf(out);
			final float[] student = values(s, probe.graph.network(0).allVariables());
			final float[] teacher = values(s, probe.graph.teacher().allVariables());
			final float[] other = values(s, probe.graph.network(1).allVariables());
			// exact: the probe's EMA decay is 0, so the teacher is a copy of the student (0·t + 1·s)
			assertArrayEquals(student, teacher, 0f);
			assertTrue(!Arrays.equals(student, other));
		}
	}

	@Test
	public void epochsOfAGivenNumberOfSteps() {
		final TrainingData data = disc();
		final TrainingConfig cfg = tiny();
		cfg.epochs = 2;
		cfg.stepsPerEpoch = 3; // one 32x32 image in batches of one 32x32 patch would be 1 step per epoch
		final Probe probe = new Probe();
		try (Trainer.Outcome out = new Trainer(cfg, probe).train(Arrays.asList(data), null, Progress.NONE, s -> {})) {
			assertEquals(6, probe.rampSeen.size()); // 2 epochs of 3 steps
			assertEquals(2, probe.epochs);
		}
		cfg.stepsPerEpoch = -1;
		try {
			cfg.validate();
			throw new AssertionError("negative steps_per_epoch accepted");
		}
		catch (final org.noisylabels.NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains("steps_per_epoch"));
		}
	}

	private static org.tensorflow.Session sessionOf(final Trainer.Outcome out) {
		try {
			final java.lang.reflect.Field f = Trainer.Outcome.class.getDeclaredField("session");
			f.setAccessible(true);
			return (org.tensorflow.Session) f.get(out);
		}
		catch (final ReflectiveOperationException e) {
			throw new AssertionError(e);
		}
	}

	private static float[] values(final org.tensorflow.Session s, final List<Variable<TFloat32>> vars) {
		final List<Float> all = new ArrayList<>();
		for (final Variable<TFloat32> v : vars) {
			try (org.tensorflow.Result r = s.runner().fetch(v).run()) {
				final TFloat32 t = (TFloat32) r.get(0);
				final float[] a = new float[(int) t.shape().size()];
				t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(a, false, false));
				for (final float f : a) all.add(f);
			}
		}
		final float[] o = new float[all.size()];
		for (int i = 0; i < o.length; i++) o[i] = all.get(i);
		return o;
	}
}
