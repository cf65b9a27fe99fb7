package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.loss.Losses;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import ij.IJ;
import ij.ImagePlus;

/**
 * A method written outside the suite (no supports3D() override) trains a 3D network: its loss is a mean of
 * per-volume CE built with {@link StepGraph#volumeRows}, its afterEpoch hook predicts a sample of the
 * volume with the current weights, and the batch it sees has the documented layout.
 */
public class UserMethod3DTest {

	@Test
	public void aPluginStyleMethodTrainsIn3dWithPerVolumeReductions() {
		final ImagePlus img = IJ.openImage("test-images/img3d.tif"), lab = IJ.openImage("test-images/gt3d.tif");
		final TrainingData data = TrainingData.fromImages(img, lab, null, null, Normalization.zscore(), 0, "image",
			"label");
		final int[] slices = new int[1];
		final long[] perVolumeShape = new long[4];
		final List<Integer> predicted = new ArrayList<>();
		final TrainingMethod method = new TrainingMethod() {

			@Override
			public String methodName() {
				return "per_volume_ce";
			}

			@Override
			public Map<String, Object> parameters() {
				return new HashMap<>();
			}

			@Override
			public Operand<TFloat32> buildLoss(final StepGraph g) {
				final Ops tf = g.tf();
				slices[0] = g.slices();
				final Operand<TFloat32> ce = Losses.pixelCE(tf, g.volumeRows(g.forward(0, 0).probabilities(0)), g
					.volumeRows(g.target(0)));
				for (int a = 0; a < 4; a++) perVolumeShape[a] = g.volumeRows(g.target(0)).shape().size(a);
				return tf.math.mean(Losses.imageMean(tf, ce, g.volumeRows(g.weight(0))), tf.constant(0));
			}

			@Override
			public void afterEpoch(final EpochContext c) {
				final Sample s = c.data(0).samples().get(10);
				final float[][] p = c.predict(s);
				predicted.add(p[0].length == s.width * s.height ? p.length : -1);
			}
		};
		final TrainingConfig cfg = TrainTestData.tinyConfig();
		cfg.dimensions = 3;
		cfg.iterations = 4;
		cfg.stepsPerEpoch = 2;
		cfg.batchSize = 1;
		cfg.network.baseChannels = 4;
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Collections.singletonList(data), null, Progress.NONE,
			m -> {}))
		{
			assertNotNull(out.predictor());
			assertEquals(3, out.info.dimensions);
			assertTrue(Double.isFinite(out.curve.getValue("loss", out.curve.size() - 1)));
		}
		// 31 slices, isotropic: patch depth 16 slices; the per-volume view keeps the channels static
		assertEquals(16, slices[0]);
		assertEquals(2, perVolumeShape[3]);
		// two epochs, each predicting a slice (2 classes as probabilities of class 1: one channel)
		assertEquals(2, predicted.size());
		for (final int k : predicted) assertEquals(1, k);
	}
}
