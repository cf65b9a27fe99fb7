package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Test;
import org.noisylabels.Progress;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** {@link SamplePredictor} with a 3D network: each sample's slice of its own volume predicted in 3D. */
public class SamplePredictorTest {

	private static List<Sample> stack(final String name, final int d, final int w, final int h, final double phase) {
		final List<Sample> l = new ArrayList<>();
		for (int z = 0; z < d; z++) {
			final float[] im = new float[w * h];
			for (int i = 0; i < im.length; i++) im[i] = (float) (Math.sin(i * 0.31 + z * 0.9 + phase) + Math.cos(i % w * 0.2));
			l.add(new Sample(name + ":" + (z + 1), w, h, im, new byte[w * h], null));
		}
		return l;
	}

	@Test
	public void eachSliceComesFromItsVolumePredictedIn3d() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final UNet.Config c = Tiler3DTest.tiny3D(2, 2);
			final UNet.Network net = UNet.build(tf, "n", c, 5);
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
			final UNet.Forward f = net.forward(in, false);
			try (Session s = new Session(g)) {
				s.initialize();
				final ModelInfo info = Tiler3DTest.info3D(c, 2, 16, 4);
				info.normalization = "none";
				final Predictor live = Predictor.live(info, s, in, f.probabilities(0));
				final int w = 21, h = 17;
				final List<Sample> a = stack("a", 6, w, h, 0), b = stack("b", 5, w, h, 2);
				final List<Sample> all = new ArrayList<>(a);
				all.addAll(b);
				final SamplePredictor sp = new SamplePredictor(live, all);
				for (final List<Sample> vol : Arrays.asList(a, b)) {
					final float[][] im = new float[vol.size()][];
					for (int z = 0; z < im.length; z++) im[z] = vol.get(z).image;
					final float[][][] ref = live.predictVolume(im, w, h, Progress.NONE);
					// asked out of order and across volumes: always the slice of the right volume
					for (final int z : new int[] { 2, 0, vol.size() - 1 }) {
						final float[][] p = sp.predict(vol.get(z), Progress.NONE);
						assertEquals(2, p.length);
						for (int k = 0; k < 2; k++)
							// the same graph on the same tiles; a tolerance as for any TensorFlow float
							for (int i = 0; i < w * h; i++) assertEquals(ref[k][z][i], p[k][i], 1e-6);
					}
				}
				// in 3D a slice predicted alone differs from the slice of its volume: the neighbours count
				final Sample lone = a.get(2);
				final float[][] alone = new SamplePredictor(live, Arrays.asList(lone)).predict(lone, Progress.NONE);
				final float[][] inVolume = sp.predict(lone, Progress.NONE);
				double diff = 0;
				for (int i = 0; i < w * h; i++) diff += Math.abs(alone[1][i] - inVolume[1][i]);
				assertTrue("difference " + diff, diff > 1e-3);
			}
		}
	}
}
