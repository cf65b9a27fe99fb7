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

/** 3D tiled prediction with overlap equals one whole-volume tile. */
public class Tiler3DTest {

	@Test
	public void tiledEqualsWholeVolume() {
		for (final int zPool : new int[] { 1, 2 }) {
			try (Graph g = new Graph()) {
				final Ops tf = Ops.create(g);
				final UNet.Config c = tiny3D(3, zPool);
				final UNet.Network net = UNet.build(tf, "n", c, 11);
				final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 1)));
				final UNet.Forward f = net.forward(in, false);
				try (Session s = new Session(g)) {
					s.initialize();
					final ModelInfo info = info3D(c, 3, 16, 4);
					info.normalization = "none";
					final Predictor live = Predictor.live(info, s, in, f.probabilities(0));
					final int w = 37, h = 29, d = 30;
					final float[][] vol = new float[d][w * h];
					for (int z = 0; z < d; z++)
						for (int i = 0; i < w * h; i++) vol[z][i] = (float) (Math.sin(i * 0.37 + z) + Math.cos(i % w * 0.11 - z * 0.3));
					final float[][][] whole = live.setTiling3D(64, 64).predictVolume(vol, w, h, Progress.NONE);
					// the smallest tiles: many tiles in x, y and z, each with a small core
					final int small = 2 * info.margin + info.sizeMultiple, smallZ = 2 * info.zMargin + info.zMultiple;
					assertTrue(small < h && smallZ < d);
					final float[][][] tiled = live.setTiling3D(small, smallZ).predictVolume(vol, w, h, Progress.NONE);
					// float32 sums in a different order per tile (oneDNN blocks by tile size): equal up to rounding
					double maxDiff = 0, min = 1, max = 0;
					for (int k = 0; k < 3; k++)
						for (int z = 0; z < d; z++)
							for (int i = 0; i < w * h; i++) {
								maxDiff = Math.max(maxDiff, Math.abs(whole[k][z][i] - tiled[k][z][i]));
								min = Math.min(min, whole[k][z][i]);
								max = Math.max(max, whole[k][z][i]);
							}
					assertTrue("max difference " + maxDiff, maxDiff < 1e-4);
					assertTrue("not constant", max - min > 1e-2);
					// probabilities of each voxel sum to 1
					assertEquals(1, whole[0][7][100] + whole[1][7][100] + whole[2][7][100], 1e-5);
				}
			}
		}
	}

	/**
	 * A 512×512×64 stack with the default geometry (depth 3, isotropic: 2^3 in x/y and z, margins of the default
	 * network, automatic tiles of Apply Model): every voxel is predicted from the right place (an identity
	 * "network" gives the input back), and each run gets one tile of at most 256×256×64 voxels: 25 tiles (cores
	 * of 256 − 2·72 = 112 pixels: 5 × 5 in x/y, one in z since the tile depth 16 + 2·72 exceeds the 64 slices).
	 */
	@Test
	public void largeStackIsTiledWithBoundedTiles() {
		final UNet.Config c = new UNet.Config();
		c.dimensions = 3;
		final int w = 512, h = 512, d = 64;
		final float[][] vol = new float[d][w * h];
		for (int z = 0; z < d; z++)
			for (int i = 0; i < w * h; i++) vol[z][i] = z * 1_000_000 + i;
		final ModelInfo info = info3D(c, 1, 128, 16);
		final Tiler3D tiler = Predictor.tiler3d(info, 0, 0);
		final long[] runs = { 0, 0 };
		final float[][][] out = tiler.predict(vol, w, h, (tiles, n, td, th, tw) -> {
			runs[0]++;
			runs[1] = Math.max(runs[1], (long) n * td * th * tw);
			assertEquals(n * td * th * tw, tiles.length);
			return tiles.clone();
		}, Progress.NONE);
		assertEquals(256L * 256 * 64, runs[1]);
		assertEquals(25, runs[0]);
		for (int z = 0; z < d; z++)
			for (int i = 0; i < w * h; i++)
				if (out[0][z][i] != vol[z][i]) throw new AssertionError("voxel " + i + " of slice " + z + ": " + out[0][z][i]);
	}

	/** The model record of a 3D network {@code c} with {@code outputs} channels and the given patch. */
	/** A one-level 3D U-Net of 2 base channels on 4 slices (z pooling {@code zPool}): the 3D tests' network. */
	static UNet.Config tiny3D(final int classes, final int zPool) {
		final UNet.Config c = new UNet.Config();
		c.dimensions = 3;
		c.depth = 1;
		c.baseChannels = 2;
		c.classes = classes;
		c.zPool = new int[] { zPool };
		c.slices = 4;
		return c;
	}

	static ModelInfo info3D(final UNet.Config c, final int outputs, final int patchSize, final int patchDepth) {
		final ModelInfo info = new ModelInfo();
		info.dimensions = 3;
		info.outputChannels = outputs;
		info.sizeMultiple = c.sizeMultiple();
		info.margin = c.receptiveMargin();
		info.zMultiple = c.zMultiple();
		info.zMargin = c.zReceptiveMargin();
		info.patchSize = patchSize;
		info.patchDepth = patchDepth;
		return info;
	}
}
