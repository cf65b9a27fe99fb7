package org.example.nll;

import org.noisylabels.loss.Losses;
import org.noisylabels.method.AbstractNoisyLabelMethod;
import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.train.StepGraph;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A user's own method, one file: cross-entropy in which the pixels labelled foreground weigh
 * foreground_weight times as much as the background. Its key, declared once below, reaches the menu entry
 * Plugins > Noisy Labels > Train > Weighted CE, its dialog, macro calls, the command line and model.json.
 */
@Plugin(type = NoisyLabelMethod.class, name = "weighted_ce", label = "Weighted CE")
public class WeightedCE extends AbstractNoisyLabelMethod {

	@Parameter(label = "Foreground weight", min = "0.1", max = "100",
		description = "Weight of the pixels labelled foreground (the background weighs 1)")
	public double foreground_weight = 2;

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		final Ops tf = g.tf();
		final Operand<TFloat32> ce = Losses.pixelCE(tf, g.forward(0, 0).probabilities(0), g.target(0));
		final Operand<TFloat32> background = Losses.channel(tf, g.target(0), 0);
		final Operand<TFloat32> weight = tf.math.mul(g.weight(0), tf.math.add(background, tf.math.mul(tf.constant(
			(float) foreground_weight), tf.math.sub(tf.constant(1f), background))));
		return Losses.weightedMean(tf, ce, weight);
	}
}
