package org.noisylabels.train;

import java.util.ArrayList;
import java.util.List;

import org.noisylabels.Progress;

/**
 * Tiled prediction of images of any size without whole-image tensors. The image is (virtually) mirrored
 * at its right/bottom border up to a multiple of 2^depth; tiles of {@code tile}×{@code tile} pixels start
 * at multiples of 2^depth, overlap by a context margin at least as large as the network's receptive
 * field, and only each tile's core (the tile minus the margin, except at image borders) is kept. The
 * overlap therefore blends nothing: the result is the same as predicting the whole image at once, up to
 * floating-point rounding, at any tile size. Tiles are run in batches.
 */
public final class Tiler {

	/** Runs the network on a batch of tiles [n, th, tw, 1]; returns [n, th, tw, K] row-major. */
	public interface Runner {

		float[] run(float[] tiles, int n, int th, int tw);
	}

	/** Reads normalised pixels of one image (coordinates inside the image). */
	public interface Source {

		float get(int x, int y);
	}

	private final int multiple, margin, tile, batch, channels;

	/**
	 * @param multiple 2^depth of the network
	 * @param margin the receptive-field margin (a multiple of {@code multiple})
	 * @param tile the tile size (rounded up to a multiple of {@code multiple}, at least 2·margin + multiple)
	 * @param batch tiles per run
	 * @param channels K, the output channels
	 */
	public Tiler(final int multiple, final int margin, final int tile, final int batch, final int channels) {
		this.multiple = multiple;
		this.margin = margin;
		final int t = Math.max(roundUp(tile, multiple), 2 * margin + multiple);
		this.tile = t;
		this.batch = Math.max(1, batch);
		this.channels = channels;
	}

	public int tileSize() {
		return tile;
	}

	static int roundUp(final int v, final int m) {
		return (v + m - 1) / m * m;
	}

	/** Mirror index into [0, n). */
	static int mirror(int i, final int n) {
		if (n == 1) return 0;
		final int period = 2 * (n - 1);
		i = Math.floorMod(i, period);
		return i < n ? i : period - i;
	}

	/** Predicts one image of {@code w}×{@code h}; returns K arrays of w·h probabilities. */
	public float[][] predict(final Source src, final int w, final int h, final Runner runner, final Progress progress) {
		final int pw = roundUp(w, multiple), ph = roundUp(h, multiple);
		final int tw = Math.min(tile, pw), th = Math.min(tile, ph);
		final int cw = tw == pw ? pw : tw - 2 * margin, ch = th == ph ? ph : th - 2 * margin;
		final List<int[]> tiles = new ArrayList<>(); // {x0, y0, cx, cy}
		for (int cy = 0; cy < h; cy += ch) {
			for (int cx = 0; cx < w; cx += cw) {
				final int x0 = Math.max(0, Math.min(cx - margin, pw - tw));
				final int y0 = Math.max(0, Math.min(cy - margin, ph - th));
				tiles.add(new int[] { x0, y0, cx, cy });
			}
		}
		final float[][] out = new float[channels][w * h];
		final float[] in = new float[batch * tw * th];
		for (int start = 0; start < tiles.size(); start += batch) {
			progress.checkCanceled();
			final int n = Math.min(batch, tiles.size() - start);
			for (int k = 0; k < n; k++) {
				final int[] t = tiles.get(start + k);
				int o = k * tw * th;
				for (int y = 0; y < th; y++) {
					final int sy = mirror(t[1] + y, h);
					for (int x = 0; x < tw; x++) in[o++] = src.get(mirror(t[0] + x, w), sy);
				}
			}
			final float[] tileIn = n == batch ? in : java.util.Arrays.copyOf(in, n * tw * th);
			final float[] res = runner.run(tileIn, n, th, tw);
			for (int k = 0; k < n; k++) {
				final int[] t = tiles.get(start + k);
				final int xe = Math.min(t[2] + cw, w), ye = Math.min(t[3] + ch, h);
				for (int y = t[3]; y < ye; y++) {
					final int ty = y - t[1];
					for (int x = t[2]; x < xe; x++) {
						final int base = ((k * th + ty) * tw + (x - t[0])) * channels;
						for (int c = 0; c < channels; c++) out[c][y * w + x] = res[base + c];
					}
				}
			}
			progress.update("Predicting tile " + Math.min(start + n, tiles.size()) + "/" + tiles.size(), (double) (start +
				n) / tiles.size());
		}
		return out;
	}
}
