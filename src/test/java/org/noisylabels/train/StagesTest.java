package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.method.AbstractNoisyLabelMethod;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The stages hook: a method trained in two runs with a pass in Java between them, through
 * {@link Trainer#run} as every Train command calls it.
 */
public class StagesTest {

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	static class CE extends AbstractNoisyLabelMethod {

		@Override
		public String methodName() {
			return "stage_ce";
		}

		@Override
		public Operand<TFloat32> buildLoss(final StepGraph g) {
			return Losses.loss(g.tf(), LossType.CE, null, g.forward(0, 0).probabilities(0), g.target(0), g.weight(0), null);
		}
	}

	/** Stage 1: CE for 3 iterations; pass: the foreground pixels stage 1 predicts; stage 2: this method. */
	static class TwoStages extends CE {

		long predictedForeground = -1;
		Path stage1Model;
		long stage1Iterations;

		@Override
		public String methodName() {
			return "two_stages";
		}

		@Override
		public Trainer.Outcome trainInStages(final Stages stages) {
			final TrainingConfig first = stages.stageConfig();
			first.iterations = 3;
			try (Trainer.Outcome out = stages.train("stage 1/2", new CE(), first, stages.streams(), 0, 0.4)) {
				stage1Model = out.model;
				stage1Iterations = out.iterations;
				predictedForeground = 0;
				for (final Sample s : stages.streams().get(0).samples()) {
					final float[][] p = out.predictor().predictNormalized(s.image, s.width, s.height, Progress.NONE);
					for (final float v : p[p.length - 1]) if (v > 0.5f) predictedForeground++;
				}
			}
			stages.log().accept("pass: " + predictedForeground + " foreground pixels");
			return stages.train("stage 2/2", this, stages.config(), stages.streams(), 0.4, 1);
		}
	}

	@Test
	public void aStagedMethodRunsItsStagesAndKeepsTheLastModel() throws Exception {
		final TrainingConfig cfg = StreamHooksTest.tiny(5);
		cfg.model = tmp.getRoot().toPath().resolve("model");
		final TwoStages m = new TwoStages();
		final List<String> log = new ArrayList<>();
		final List<Double> fractions = new ArrayList<>();
		final Progress p = new Progress() {

			@Override
			public void update(final String message, final double fraction) {
				if (fraction >= 0) fractions.add(fraction);
			}

			@Override
			public boolean isCanceled() {
				return false;
			}
		};
		try (Trainer.Outcome out = Trainer.run(cfg, m, Arrays.asList(StreamHooksTest.disc("img")), null, p, log::add)) {
			// stage 1 trained its own 3 iterations and wrote no model; the pass ran between the stages
			assertEquals(3, m.stage1Iterations);
			assertNull(m.stage1Model);
			assertTrue(m.predictedForeground >= 0);
			int s1 = log.indexOf("stage 1/2"), pass = -1, s2 = log.indexOf("stage 2/2");
			for (int i = 0; i < log.size(); i++) if (log.get(i).startsWith("pass: ")) pass = i;
			assertTrue(log.toString(), s1 >= 0 && s1 < pass && pass < s2);
			// the final stage is the method's run: its iterations, its name in model.json, the model folder
			assertEquals(5, out.iterations);
			assertEquals("two_stages", out.info.method);
			assertEquals(cfg.model, out.model);
			assertTrue(Files.isRegularFile(cfg.model.resolve("model.json")));
		}
		// progress goes once from 0 to 1 over both stages: stage 1 ends at 0.4, stage 2 at 1
		for (int i = 1; i < fractions.size(); i++) assertTrue(fractions.toString(), fractions.get(i) >= fractions.get(i - 1));
		assertEquals(1, fractions.get(fractions.size() - 1), 1e-9);
		assertTrue(fractions.contains(0.4));
		// the user's configuration is untouched by the stage's copy
		assertEquals(5, cfg.iterations);
		assertFalse(cfg.model == null);
	}

	@Test
	public void aMethodWithoutStagesTrainsOnce() {
		final List<String> log = new ArrayList<>();
		try (Trainer.Outcome out = Trainer.run(StreamHooksTest.tiny(5), new CE(), Arrays.asList(StreamHooksTest.disc("img")), null,
			Progress.NONE, log::add))
		{
			assertEquals(5, out.iterations);
			assertEquals("stage_ce", out.info.method);
			assertFalse(log.toString(), log.contains("stage 1/2"));
		}
	}
}
