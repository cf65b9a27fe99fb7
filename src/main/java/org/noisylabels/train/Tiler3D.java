package org.noisylabels.train;

import java.util.ArrayList;
import java.util.List;

import org.noisylabels.Progress;

/**
 * Tiled prediction of a volume with a 3D network, the 3D form of {@link Tiler}: the volume is (virtually)
 * mirrored at its borders up to multiples of the network's size multiples; tiles of tile×tile pixels ×
 * tileDepth slices overlap by context margins at least as large as the receptive field in x/y and in z, and
 * only each tile's core is kept, so the result equals predicting the whole volume at once up to floating-point
 * rounding. Only one batch of tiles is in memory at a time (input and network activations), plus the
 * output probabilities.
 */
public final class Tiler3D {

	/** Runs the network on a batch of n tiles of td slices [n·td, th, tw, 1]; returns [n·td, th, tw, K]. */
	public interface Runner {

		float[] run(float[] tiles, int n, int td, int th, int tw);
	}

	private final int multiple, margin, tile, zMultiple, zMargin, tileDepth, batch, channels;

	public Tiler3D(final int multiple, final int margin, final int tile, final int zMultiple, final int zMargin,
		final int tileDepth, final int batch, final int channels)
	{
		this.multiple = multiple;
		this.margin = margin;
		this.tile = Math.max(Tiler.roundUp(tile, multiple), 2 * margin + multiple);
		this.zMultiple = zMultiple;
		this.zMargin = zMargin;
		this.tileDepth = Math.max(Tiler.roundUp(tileDepth, zMultiple), 2 * zMargin + zMultiple);
		this.batch = Math.max(1, batch);
		this.channels = channels;
	}

	/** Tiles along one axis of n voxels: {start, core start, core end} with the tile length t. */
	private static List<int[]> axis(final int n, final int mult, final int tile, final int margin, final int[] len) {
		final int padded = Tiler.roundUp(n, mult);
		final int t = Math.min(tile, padded);
		len[0] = t;
		final int core = t == padded ? padded : t - 2 * margin;
		final List<int[]> l = new ArrayList<>();
		for (int c = 0; c < n; c += core)
			l.add(new int[] { Math.max(0, Math.min(c - margin, padded - t)), c, Math.min(c + core, n) });
		return l;
	}

	/**
	 * Predicts a volume of {@code slices.length} slices of w×h (normalised, row-major); returns
	 * [K][slice][w·h] probabilities.
	 */
	public float[][][] predict(final float[][] slices, final int w, final int h, final Runner runner,
		final Progress progress)
	{
		final int d = slices.length;
		final int[] tw = new int[1], th = new int[1], td = new int[1];
		final List<int[]> xs = axis(w, multiple, tile, margin, tw), ys = axis(h, multiple, tile, margin, th), zs = axis(d,
			zMultiple, tileDepth, zMargin, td);
		final List<int[][]> tiles = new ArrayList<>();
		for (final int[] z : zs)
			for (final int[] y : ys)
				for (final int[] x : xs) tiles.add(new int[][] { x, y, z });
		final float[][][] out = new float[channels][d][w * h];
		final int per = td[0] * th[0] * tw[0];
		final float[] in = new float[batch * per];
		for (int start = 0; start < tiles.size(); start += batch) {
			progress.checkCanceled();
			final int n = Math.min(batch, tiles.size() - start);
			for (int k = 0; k < n; k++) {
				final int[][] t = tiles.get(start + k);
				int o = k * per;
				for (int z = 0; z < td[0]; z++) {
					final float[] sl = slices[Tiler.mirror(t[2][0] + z, d)];
					for (int y = 0; y < th[0]; y++) {
						final int row = Tiler.mirror(t[1][0] + y, h) * w;
						for (int x = 0; x < tw[0]; x++) in[o++] = sl[row + Tiler.mirror(t[0][0] + x, w)];
					}
				}
			}
			final float[] res = runner.run(n == batch ? in : java.util.Arrays.copyOf(in, n * per), n, td[0], th[0], tw[0]);
			for (int k = 0; k < n; k++) {
				final int[][] t = tiles.get(start + k);
				for (int z = t[2][1]; z < t[2][2]; z++)
					for (int y = t[1][1]; y < t[1][2]; y++) {
						final int base = ((k * td[0] + z - t[2][0]) * th[0] + y - t[1][0]) * tw[0] - t[0][0];
						for (int x = t[0][1]; x < t[0][2]; x++)
							for (int c = 0; c < channels; c++) out[c][z][y * w + x] = res[(base + x) * channels + c];
					}
			}
			progress.update("Predicting 3D tile " + Math.min(start + n, tiles.size()) + "/" + tiles.size(), (double) (start +
				n) / tiles.size());
		}
		return out;
	}
}
