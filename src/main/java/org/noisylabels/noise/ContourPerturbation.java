package org.noisylabels.noise;

import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * Contour perturbation (PINT; PyMIC's JSRT noisy labels). The slices of a stack are the "images": exactly
 * round(noise_rate · N) of the N slices, chosen at random, are perturbed (a single image is perturbed when a
 * uniform draw is below noise_rate). For every perturbed slice a radius r is drawn uniformly from the
 * integers [r_min, r_max] and, with probability 0.35 each, the slice is dilated r times or eroded r times
 * with the cross-shaped (4-neighbour) element; otherwise its edge is distorted: a filled disc of radius r
 * (pixels with dx² + dy² ≤ r²) is added at 10 % (rounded down) of the boundary pixels, then a disc is removed
 * at 10 % of the boundary pixels of that result.
 * <p>
 * As in the reference code, the boundary is the outer one: background pixels with a 4-neighbour in the
 * object. Outside the image counts as background (erosion removes object pixels on the image border).
 * Unlike the reference code, which draws a new radius for every disc, one r per slice is used, so that the
 * reported r describes the whole perturbation. Slices that are not perturbed are copied unchanged.
 * <p>
 * <b>3D</b> ({@code dimensions = 3}, PINT's setting on the LA volumes): the stack is one volume, perturbed
 * when a uniform draw is below noise_rate; then, with probability 0.5 each, it is dilated or eroded once with
 * an r×r×r cube (or, with {@code ball}, a ball of diameter r), r uniform in [r_min, r_max], in voxels
 * ({@link VolumeMorphology}). With {@code perObject}, the units are the objects (6-connected components) of
 * the volume instead: exactly round(noise_rate · N) of the N objects, chosen at random, are each dilated or
 * eroded (0.5 each) with their own r, independently of the others (the result is the union of the objects
 * after their perturbation: a dilated object may merge with a neighbour, an eroded one may vanish).
 */
public final class ContourPerturbation {

	/** Kinds of perturbation as written in the table. */
	public static final String DILATE = "dilate", ERODE = "erode", DISTORT = "distort", NONE = "none";

	/** Probability of dilation and (cumulative) of dilation or erosion. */
	static final double P_DILATE = 0.35, P_DILATE_OR_ERODE = 0.7;

	/** Largest radius accepted. */
	public static final int MAX_RADIUS = 1000;

	/** The outputs. */
	public static final class Result {

		public final ImagePlus noisyLabel;
		/**
		 * 2D: one row per slice (slice, perturbed, kind, r; r = 0 when not perturbed); 3D: one row for the volume or
		 * one per object. The arrays below follow the rows.
		 */
		public final ResultsTable table;
		public final boolean[] perturbed;
		public final String[] kind;
		public final int[] radius;

		Result(final ImagePlus noisyLabel, final ResultsTable table, final boolean[] perturbed, final String[] kind,
			final int[] radius)
		{
			this.noisyLabel = noisyLabel;
			this.table = table;
			this.perturbed = perturbed;
			this.kind = kind;
			this.radius = radius;
		}
	}

	private ContourPerturbation() {}

	public static Result apply(final ImagePlus label, final double noiseRate, final int rMin, final int rMax,
		final long seed)
	{
		return apply(label, noiseRate, rMin, rMax, seed, Progress.NONE);
	}

	public static Result apply(final ImagePlus label, final double noiseRate, final int rMin, final int rMax,
		final long seed, final Progress progress)
	{
		return apply(label, noiseRate, rMin, rMax, seed, 2, false, false, progress);
	}

	/** As {@link #apply(ImagePlus, double, int, int, long, int, boolean, boolean, Progress)} with the volume as unit. */
	public static Result apply(final ImagePlus label, final double noiseRate, final int rMin, final int rMax,
		final long seed, final int dimensions, final boolean ball, final Progress progress)
	{
		return apply(label, noiseRate, rMin, rMax, seed, dimensions, ball, false, progress);
	}

	/**
	 * With {@code dimensions} 2 (slice by slice, as above) or 3 (the stack is one volume; {@code ball}: a ball
	 * of diameter r instead of the r×r×r cube; {@code perObject}: the units are the 6-connected objects).
	 */
	public static Result apply(final ImagePlus label, final double noiseRate, final int rMin, final int rMax,
		final long seed, final int dimensions, final boolean ball, final boolean perObject, final Progress progress)
	{
		Check.range(dimensions, 2, 3, "dimensions");
		if (dimensions == 2 && perObject) throw new NoisyLabelsException(
			"per_object=true is for dimensions=3 (in 2D the slices are the units): give dimensions=3 or per_object=false");
		if (dimensions == 2 && ball) throw new NoisyLabelsException(
			"ball=true is for dimensions=3 (in 2D the cross and discs are used): give dimensions=3 or ball=false");
		if (dimensions == 3 && label != null && label.getStackSize() < 2) throw new NoisyLabelsException(
			"dimensions=3 treats a stack as one volume, but label " + label.getTitle() +
				" is a single 2D image: give a stack or dimensions=2");
		Check.probability(noiseRate, "noise_rate");
		Check.range(rMin, 1, MAX_RADIUS, "r_min");
		Check.range(rMax, 1, MAX_RADIUS, "r_max");
		if (rMin > rMax) {
			throw new NoisyLabelsException("r_min=" + rMin + " is larger than r_max=" + rMax +
				": give r_min <= r_max");
		}
		final ImagePlus mask = Masks.binaryNonEmpty(label, "label");
		final int w = mask.getWidth(), h = mask.getHeight(), slices = mask.getStackSize();
		final byte[][] px = NoiseImages.pixels(mask);
		final SplittableRandom random = new SplittableRandom(seed);
		if (dimensions == 3 && perObject) return objects(label, px, w, h, noiseRate, rMin, rMax, ball, random,
			progress);
		if (dimensions == 3) return volume(label, px, w, h, noiseRate, rMin, rMax, ball, random, progress);
		final boolean[] perturbed = new boolean[slices];
		if (slices == 1) perturbed[0] = random.nextDouble() < noiseRate;
		else {
			final int k = NoiseImages.roundCount(noiseRate, slices);
			final int[] idx = new int[slices];
			for (int s = 0; s < slices; s++) idx[s] = s;
			NoiseImages.chooseFirst(idx, 0, slices, k, random);
			for (int j = 0; j < k; j++) perturbed[idx[j]] = true;
		}
		final String[] kind = new String[slices];
		final int[] radius = new int[slices];
		for (int s = 0; s < slices; s++) {
			progress.checkCanceled();
			progress.update("Contour perturbation: slice " + (s + 1) + "/" + slices, (double) s / slices);
			if (!perturbed[s]) {
				kind[s] = NONE;
				continue;
			}
			final double u = random.nextDouble();
			final int r = rMin + random.nextInt(rMax - rMin + 1);
			radius[s] = r;
			if (u < P_DILATE_OR_ERODE) {
				final boolean dilate = u < P_DILATE;
				kind[s] = dilate ? DILATE : ERODE;
				Morphology.cross(px[s], w, h, r, dilate);
			}
			else {
				kind[s] = DISTORT;
				distort(px[s], w, h, r, random);
			}
		}
		progress.update("Contour perturbation done", 1);
		final ResultsTable table = new ResultsTable();
		for (int s = 0; s < slices; s++) {
			table.incrementCounter();
			table.addValue("slice", s + 1);
			table.addValue("perturbed", perturbed[s] ? "true" : "false");
			table.addValue("kind", kind[s]);
			table.addValue("r", radius[s]);
		}
		return new Result(NoiseImages.maskResult(label, px, NoiseImages.title(label, "-perturbed")), table, perturbed,
			kind, radius);
	}

	/** 3D: the stack is one volume, dilated or eroded once (0.5 each) with a cube or ball, or left as it is. */
	private static Result volume(final ImagePlus label, final byte[][] px, final int w, final int h,
		final double noiseRate, final int rMin, final int rMax, final boolean ball, final SplittableRandom random,
		final Progress progress)
	{
		final boolean perturbed = random.nextDouble() < noiseRate;
		String kind = NONE;
		int r = 0;
		if (perturbed) {
			final boolean dilate = random.nextDouble() < 0.5;
			r = rMin + random.nextInt(rMax - rMin + 1);
			kind = dilate ? DILATE : ERODE;
			progress.checkCanceled();
			progress.update("Contour perturbation (3D): " + kind + " with a " + (ball ? "ball" : "cube") + " of " + r +
				" voxels", 0);
			if (ball) VolumeMorphology.ball(px, w, h, r, dilate);
			else VolumeMorphology.cube(px, w, h, r, dilate);
		}
		progress.update("Contour perturbation done", 1);
		final ResultsTable table = new ResultsTable();
		table.incrementCounter();
		table.addValue("volume", 1);
		table.addValue("slices", px.length);
		table.addValue("perturbed", perturbed ? "true" : "false");
		table.addValue("kind", kind);
		table.addValue("element", ball ? "ball" : "cube");
		table.addValue("r", r);
		return new Result(NoiseImages.maskResult(label, px, NoiseImages.title(label, "-perturbed")), table,
			new boolean[] { perturbed }, new String[] { kind }, new int[] { r });
	}

	/** 3D per object: round(noise_rate · N) of the N 6-connected objects are dilated or eroded, each on its own. */
	private static Result objects(final ImagePlus label, final byte[][] px, final int w, final int h,
		final double noiseRate, final int rMin, final int rMax, final boolean ball, final SplittableRandom random,
		final Progress progress)
	{
		final int d = px.length, plane = w * h;
		progress.update("Contour perturbation (3D): finding the objects", 0);
		final int[][] comp = components(px, w, h);
		final int n = comp.length;
		final boolean[] perturbed = new boolean[n];
		final int k = NoiseImages.roundCount(noiseRate, n);
		final int[] idx = new int[n];
		for (int i = 0; i < n; i++) idx[i] = i;
		NoiseImages.chooseFirst(idx, 0, n, k, random);
		for (int j = 0; j < k; j++) perturbed[idx[j]] = true;
		final String[] kind = new String[n];
		final int[] radius = new int[n];
		final byte[][] out = new byte[d][plane];
		for (int c = 0; c < n; c++) {
			progress.checkCanceled();
			progress.update("Contour perturbation (3D): object " + (c + 1) + "/" + n, (double) c / n);
			final int[] vox = comp[c];
			if (!perturbed[c]) {
				kind[c] = NONE;
				for (final int v : vox) out[v / plane][v % plane] = -1;
				continue;
			}
			final boolean dilate = random.nextDouble() < 0.5;
			final int r = rMin + random.nextInt(rMax - rMin + 1);
			kind[c] = dilate ? DILATE : ERODE;
			radius[c] = r;
			// the object alone in its bounding box, grown by r where it is dilated (clipped to the volume)
			int x0 = w, x1 = -1, y0 = h, y1 = -1, z0 = d, z1 = -1;
			for (final int v : vox) {
				final int z = v / plane, y = v % plane / w, x = v % w;
				x0 = Math.min(x0, x);
				x1 = Math.max(x1, x);
				y0 = Math.min(y0, y);
				y1 = Math.max(y1, y);
				z0 = Math.min(z0, z);
				z1 = Math.max(z1, z);
			}
			final int m = dilate ? r : 0;
			x0 = Math.max(0, x0 - m);
			y0 = Math.max(0, y0 - m);
			z0 = Math.max(0, z0 - m);
			x1 = Math.min(w - 1, x1 + m);
			y1 = Math.min(h - 1, y1 + m);
			z1 = Math.min(d - 1, z1 + m);
			final int bw = x1 - x0 + 1, bh = y1 - y0 + 1, bd = z1 - z0 + 1;
			final byte[][] box = new byte[bd][bw * bh];
			for (final int v : vox) box[v / plane - z0][(v % plane / w - y0) * bw + v % w - x0] = -1;
			// outside the box is background for the object alone (and the outside of the volume is background
			// too), so this equals the operation on a volume that holds only this object
			if (ball) VolumeMorphology.ball(box, bw, bh, r, dilate);
			else VolumeMorphology.cube(box, bw, bh, r, dilate);
			for (int z = 0; z < bd; z++)
				for (int y = 0; y < bh; y++)
					for (int x = 0; x < bw; x++)
						if (box[z][y * bw + x] != 0) out[z + z0][(y + y0) * w + x + x0] = -1;
		}
		progress.update("Contour perturbation done", 1);
		final ResultsTable table = new ResultsTable();
		for (int c = 0; c < n; c++) {
			table.incrementCounter();
			table.addValue("object", c + 1);
			table.addValue("voxels", comp[c].length);
			table.addValue("perturbed", perturbed[c] ? "true" : "false");
			table.addValue("kind", kind[c]);
			table.addValue("element", ball ? "ball" : "cube");
			table.addValue("r", radius[c]);
		}
		return new Result(NoiseImages.maskResult(label, out, NoiseImages.title(label, "-perturbed")), table, perturbed,
			kind, radius);
	}

	/**
	 * The 6-connected foreground components of a volume, as lists of voxel indices z·w·h + y·w + x, ordered by
	 * their first voxel in raster order.
	 */
	static int[][] components(final byte[][] px, final int w, final int h) {
		final int d = px.length, plane = w * h;
		final boolean[][] seen = new boolean[d][plane];
		final java.util.List<int[]> out = new java.util.ArrayList<>();
		int[] stack = new int[1024];
		for (int z0 = 0; z0 < d; z0++)
			for (int i0 = 0; i0 < plane; i0++) {
				if (px[z0][i0] == 0 || seen[z0][i0]) continue;
				int[] list = new int[64];
				int n = 0, top = 0;
				stack[top++] = z0 * plane + i0;
				seen[z0][i0] = true;
				while (top > 0) {
					final int v = stack[--top];
					if (n == list.length) list = java.util.Arrays.copyOf(list, 2 * n);
					list[n++] = v;
					final int z = v / plane, i = v % plane, x = i % w, y = i / w;
					for (int q = 0; q < 6; q++) {
						int zz = z, ii = i;
						if (q == 0 && x > 0) ii = i - 1;
						else if (q == 1 && x < w - 1) ii = i + 1;
						else if (q == 2 && y > 0) ii = i - w;
						else if (q == 3 && y < h - 1) ii = i + w;
						else if (q == 4 && z > 0) zz = z - 1;
						else if (q == 5 && z < d - 1) zz = z + 1;
						else continue;
						if (px[zz][ii] == 0 || seen[zz][ii]) continue;
						seen[zz][ii] = true;
						if (top == stack.length) stack = java.util.Arrays.copyOf(stack, 2 * top);
						stack[top++] = zz * plane + ii;
					}
				}
				java.util.Arrays.sort(list, 0, n);
				out.add(java.util.Arrays.copyOf(list, n));
			}
		return out.toArray(new int[0][]);
	}

	/** Adds discs at 10 % of the boundary pixels, then removes discs at 10 % of the new boundary pixels. */
	static void distort(final byte[] px, final int w, final int h, final int r, final SplittableRandom random) {
		final int[] added = sampleBoundary(px, w, h, random);
		for (final int i : added) disc(px, w, h, i % w, i / w, r, (byte) Masks.FG);
		final int[] removed = sampleBoundary(px, w, h, random);
		for (final int i : removed) disc(px, w, h, i % w, i / w, r, (byte) 0);
	}

	/** A random 10 % (rounded down) of the outer boundary pixels (background with a 4-neighbour in the object). */
	static int[] sampleBoundary(final byte[] px, final int w, final int h, final SplittableRandom random) {
		final int[] edge = outerBoundary(px, w, h);
		final int k = edge.length / 10;
		NoiseImages.chooseFirst(edge, 0, edge.length, k, random);
		return java.util.Arrays.copyOf(edge, k);
	}

	/** Indices of the background pixels that have a 4-neighbour in the object, in raster order. */
	static int[] outerBoundary(final byte[] px, final int w, final int h) {
		int n = 0;
		int[] edge = new int[1024];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int i = y * w + x;
				if (px[i] != 0) continue;
				if (x > 0 && px[i - 1] != 0 || x < w - 1 && px[i + 1] != 0 || y > 0 && px[i - w] != 0 || y < h - 1 &&
					px[i + w] != 0)
				{
					if (n == edge.length) edge = java.util.Arrays.copyOf(edge, 2 * n);
					edge[n++] = i;
				}
			}
		}
		return java.util.Arrays.copyOf(edge, n);
	}

	/** Sets the filled disc dx² + dy² ≤ r² around (cx, cy), clipped to the image. */
	static void disc(final byte[] px, final int w, final int h, final int cx, final int cy, final int r,
		final byte value)
	{
		final int y0 = Math.max(0, cy - r), y1 = Math.min(h - 1, cy + r);
		for (int y = y0; y <= y1; y++) {
			final int dy = y - cy;
			final int rest = r * r - dy * dy;
			int half = (int) Math.sqrt(rest);
			while (half * half > rest) half--;
			while ((half + 1) * (half + 1) <= rest) half++;
			final int x0 = Math.max(0, cx - half), x1 = Math.min(w - 1, cx + half);
			if (x0 <= x1) java.util.Arrays.fill(px, y * w + x0, y * w + x1 + 1, value);
		}
	}
}
