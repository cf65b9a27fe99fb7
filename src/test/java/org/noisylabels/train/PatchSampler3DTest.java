package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;

/** 3D patches: consecutive slices of one volume, the same x/y window and transform on every slice. */
public class PatchSampler3DTest {

	/** Value of voxel (x, y, z) of volume v: unique, and decodable. */
	private static float code(final int v, final int z, final int x, final int y) {
		return v * 100_000 + z * 1000 + y * 30 + x;
	}

	private static TrainingData data() {
		final List<Sample> samples = new ArrayList<>();
		// volume 0: "a", 12 slices of 20×18; volume 1: "b", 5 slices of 20×18 (shallower than the patch)
		final String[] names = { "a", "b" };
		final int[] depths = { 12, 5 };
		for (int v = 0; v < 2; v++)
			for (int z = 0; z < depths[v]; z++) {
				final float[] im = new float[20 * 18];
				for (int y = 0; y < 18; y++)
					for (int x = 0; x < 20; x++) im[y * 20 + x] = code(v, z, x, y);
				samples.add(new Sample(names[v] + ":" + (z + 1), 20, 18, im, new byte[20 * 18], null));
			}
		return new TrainingData(samples, 2, new Normalization(Normalization.Type.NONE, 0, 0), Collections.singletonList(
			"test"));
	}

	@Test
	public void patchesAreSubVolumesWithOneXyTransform() {
		final int p = 8, d = 8, n = 3;
		final PatchSampler s = new PatchSampler(data(), p, true, true, 5, Collections.emptyList()).volumes(d);
		final Set<Integer> volumesSeen = new HashSet<>();
		boolean paddedSeen = false;
		for (int round = 0; round < 20; round++) {
			final PatchSampler.Batch b = s.next(n);
			assertEquals(n * d, b.n);
			for (int k = 0; k < n; k++) {
				final int first = (k * d) * p * p;
				final int v = (int) (b.image[first] / 100_000);
				final int z0 = (int) (b.image[first] % 100_000 / 1000);
				volumesSeen.add(v);
				for (int z = 0; z < d; z++) {
					final int off = (k * d + z) * p * p;
					final boolean inside = z0 + z < (v == 0 ? 12 : 5);
					for (int i = 0; i < p * p; i++) {
						if (!inside) {
							// past the volume's last slice: empty, weight 0
							assertEquals(0f, b.image[off + i], 0f);
							assertEquals(0f, b.weights[off + i], 0f);
							paddedSeen = true;
							continue;
						}
						final float value = b.image[off + i];
						assertEquals("volume", v, (int) (value / 100_000));
						assertEquals("slice", z0 + z, (int) (value % 100_000 / 1000));
						// the same x/y position as in the patch's first slice
						assertEquals("x/y", b.image[first + i] % 1000, value % 1000, 0f);
						assertEquals(1f, b.weights[off + i], 0f);
					}
				}
			}
		}
		assertEquals("both volumes drawn", 2, volumesSeen.size());
		assertTrue("the 5-slice volume is padded", paddedSeen);
	}

	@Test
	public void volumesAreTheRunsOfAStacksSlices() {
		final List<Volumes.Volume> v = Volumes.of(data().samples());
		assertEquals(2, v.size());
		assertEquals(12, v.get(0).depth());
		assertEquals(5, v.get(1).depth());
	}
}
