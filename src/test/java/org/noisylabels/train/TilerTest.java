package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.noisylabels.Progress;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

public class TilerTest {

	@Test
	public void mirrorIndex() {
		assertEquals(3, Tiler.mirror(5, 5));
		assertEquals(0, Tiler.mirror(8, 5));
		assertEquals(1, Tiler.mirror(-1, 5));
		assertEquals(0, Tiler.mirror(7, 1));
	}

	/** Tiled prediction (small tiles) equals one whole-image tile, for sigmoid and 3-class nets, odd sizes. */
	@Test
	public void tiledEqualsWholeImage() {
		for (final int classes : new int[] { 1, 3 }) {
			try (Graph g = new Graph()) {
				final Ops tf = Ops.create(g);
				final UNet.Config c = UNetTest.tiny(classes, 1);
				final UNet.Network net = UNet.build(tf, "n", c, 7);
				final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
				final UNet.Forward f = net.forward(in, false);
				try (Session s = new Session(g)) {
					s.initialize();
					final ModelInfo info = new ModelInfo();
					info.outputChannels = c.outputChannels();
					info.sizeMultiple = c.sizeMultiple();
					info.margin = c.receptiveMargin();
					info.normalization = "none";
					final Predictor live = Predictor.live(info, s, in, classes == 1 ? tf.math.sigmoid(f.logits(0)) : f
						.probabilities(0));
					final int w = 101, h = 87;
					final float[] img = new float[w * h];
					for (int i = 0; i < img.length; i++) img[i] = (float) (Math.sin(i * 0.37) + Math.cos(i % w * 0.11));
					final float[][] whole = live.setTiling(128, 1).predictNormalized(img, w, h, Progress.NONE);
					final int small = 2 * c.receptiveMargin() + 8; // many tiles with a small core
					final float[][] tiled = live.setTiling(small, 3).predictNormalized(img, w, h, Progress.NONE);
					assertTrue(small < 87);
					double maxDiff = 0;
					for (int k = 0; k < whole.length; k++)
						for (int i = 0; i < w * h; i++) maxDiff = Math.max(maxDiff, Math.abs(whole[k][i] - tiled[k][i]));
					assertTrue("max difference " + maxDiff, maxDiff < 1e-4);
					// and the network's output is not trivially constant
					double min = 1, max = 0;
					for (final float v : whole[0]) {
						min = Math.min(min, v);
						max = Math.max(max, v);
					}
					assertTrue(max - min > 1e-3);
				}
			}
		}
	}
}
