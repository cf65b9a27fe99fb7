package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;

import ij.ImagePlus;

public class TrainerTest {

	@Test
	public void tinyNetworkOverfitsTinyImage() {
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
		}
	}
}
