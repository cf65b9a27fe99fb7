package org.noisylabels.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.filter.GaussianBlur;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

/**
 * Synthetic fluorescence microscopy images with an exact ground truth.
 * <p>
 * Every slice is an independent image (slice z depends only on the seed and z), made in six steps:
 * <ol>
 * <li><b>Objects</b> are drawn as a footprint, which is the ground truth (0/255), with a brightness per
 * object (and a mild smooth texture inside): <i>filaments</i>, an ER-like connected network of
 * {@code count} curved tubules 2–4 px wide (a minimum spanning tree of random nodes plus the shortest
 * non-crossing extra edges); <i>blobs</i>, nuclei-like textured ellipses with semi-axes of 8–20 px that
 * overlap little; <i>tubes</i>, mitochondria-like curved capsules 4–7 px wide and 15–40 px long. A
 * pixel belongs to an object when its centre lies inside the object's shape. Objects that cannot be
 * placed without overlapping others after many attempts are left out, so {@code count} is an upper
 * bound for blobs and tubes.</li>
 * <li><b>PSF</b>: a Gaussian blur of sigma {@code blur} pixels.</li>
 * <li><b>Out-of-focus haze</b>: 15 % of the objects blurred by max(6, 4 × blur) pixels.</li>
 * <li><b>Background</b>: a smooth uneven field (a ramp plus broad Gaussian bumps) rising from 3–10 % to
 * 15–40 % of the brightest object.</li>
 * <li>The sum is scaled so that its brightest pixel expects {@code photons} photons: the expected photon
 * count λ.</li>
 * <li><b>Camera</b>: Poisson(λ) photons (gain 1 count per photon), plus Gaussian read noise of 1.5
 * counts, plus an offset of 100 counts, rounded and clipped to 16 bits.</li>
 * </ol>
 * The point is to be realistic enough that a global Otsu threshold is decent but imperfect: thin
 * filaments blurred to low contrast and an uneven background defeat a single threshold.
 */
public final class SyntheticMicroscopy {

	public static final String FILAMENTS = "filaments", BLOBS = "blobs", TUBES = "tubes", ER = "er";
	public static final String[] KINDS = { FILAMENTS, BLOBS, TUBES, ER };
	/** Camera offset (counts) added to every pixel. */
	public static final int CAMERA_OFFSET = 100;
	/** Standard deviation of the camera's read noise, in counts. */
	public static final double READ_NOISE = 1.5;
	/** Fraction of the objects' light that comes as out-of-focus haze. */
	static final double HAZE = 0.15;

	/** The image, its ground truth and (on request) the expected photon counts λ. */
	public static final class Result {

		/** 16-bit image (counts). */
		public final ImagePlus image;
		/** 0/255 8-bit object footprint. */
		public final ImagePlus groundTruth;
		/** Per slice, the noise-free expected photon count λ of every pixel; null unless requested. */
		public final float[][] expected;

		Result(final ImagePlus image, final ImagePlus groundTruth, final float[][] expected) {
			this.image = image;
			this.groundTruth = groundTruth;
			this.expected = expected;
		}
	}

	private SyntheticMicroscopy() {}

	/** Generates {@code slices} independent images of {@code size}×{@code size} pixels. */
	public static Result generate(final String kind, final int size, final int count, final int slices,
		final double blur, final double photons, final long seed, final Progress progress)
	{
		return generate(kind, size, count, slices, blur, photons, seed, false, progress);
	}

	/** As {@link #generate(String, int, int, int, double, double, long, Progress)}, optionally keeping λ. */
	public static Result generate(final String kind, final int size, final int count, final int slices,
		final double blur, final double photons, final long seed, final boolean keepExpected,
		final Progress progress)
	{
		final String k = Check.choice(kind, "kind", KINDS);
		Check.range(size, 32, 8192, "size");
		Check.range(count, 1, 100000, "count");
		Check.range(slices, 1, 100000, "slices");
		Check.range(blur, 0, 50, "blur");
		Check.range(photons, 1, 1e6, "photons");
		final long bytes = (long) size * size * slices * (3L + (keepExpected ? 4 : 0));
		if (bytes > Runtime.getRuntime().maxMemory() / 2) {
			throw new NoisyLabelsException("size=" + size + " with slices=" + slices + " needs about " + bytes /
				(1 << 20) + " MB: lower size or slices, or give Java more memory");
		}
		final int n = size * size;
		final ImageStack image = new ImageStack(size, size), truth = new ImageStack(size, size);
		final float[][] expected = keepExpected ? new float[slices][] : null;
		for (int z = 0; z < slices; z++) {
			progress.checkCanceled();
			progress.update("Synthetic microscopy: slice " + (z + 1) + "/" + slices, (double) z / slices);
			final SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L * (z + 1));
			final byte[] gt = new byte[n];
			final float[] lambda = new float[n];
			final short[] counts = new short[n];
			slice(k, size, count, blur, photons, rng, gt, lambda, counts);
			image.addSlice(k + " " + (z + 1), new ShortProcessor(size, size, counts, null));
			truth.addSlice(k + " " + (z + 1), new ByteProcessor(size, size, gt));
			if (expected != null) expected[z] = lambda;
		}
		progress.update("Synthetic microscopy: done", 1);
		final String title = "synthetic-" + k;
		return new Result(new ImagePlus(title, image), new ImagePlus(title + "-gt", truth), expected);
	}

	private static void slice(final String kind, final int size, final int count, final double blur,
		final double photons, final SplittableRandom rng, final byte[] gt, final float[] lambda,
		final short[] counts)
	{
		final SplittableRandom geometry = rng.split(), noise = rng.split();
		final int n = size * size;
		final float[] density = new float[n];
		final float[] texture = texture(geometry, size);
		final Canvas c = new Canvas(size, density, gt, texture);
		if (FILAMENTS.equals(kind)) filaments(geometry, size, count, c);
		else if (BLOBS.equals(kind)) blobs(geometry, size, count, c);
		else if (ER.equals(kind)) er(geometry, size, count, c);
		else tubes(geometry, size, count, c);
		// in-focus signal (PSF) and out-of-focus haze
		final float[] signal = density.clone();
		if (blur > 0) blur(signal, size, blur);
		blur(density, size, Math.max(6, 4 * blur));
		final float[] haze = density;
		final float[] bg = background(geometry, size);
		double max = 0;
		for (int i = 0; i < n; i++) {
			lambda[i] = signal[i] + (float) HAZE * haze[i] + bg[i];
			if (lambda[i] > max) max = lambda[i];
		}
		final double scale = photons / max;
		for (int i = 0; i < n; i++) {
			lambda[i] = (float) (lambda[i] * scale);
			final double v = CAMERA_OFFSET + PoissonSampler.sample(noise, lambda[i]) + READ_NOISE * gaussian(noise);
			final long r = Math.round(v);
			counts[i] = (short) (r < 0 ? 0 : r > 65535 ? 65535 : r);
			if (gt[i] != 0) gt[i] = (byte) Masks.FG;
		}
	}

	// ---------------------------------------------------------------- objects

	/** Where objects are drawn: footprint, brightness (max over objects) and texture. */
	private static final class Canvas {

		final int size;
		final float[] density;
		final byte[] fg;
		final float[] texture;

		Canvas(final int size, final float[] density, final byte[] fg, final float[] texture) {
			this.size = size;
			this.density = density;
			this.fg = fg;
			this.texture = texture;
		}

		/** Paints pixels with a brightness modulated by the texture. */
		void paint(final IntList pixels, final double brightness, final double textureAmplitude) {
			for (int k = 0; k < pixels.size; k++) {
				final int i = pixels.a[k];
				fg[i] = 1;
				final float v = (float) Math.max(0, brightness * (1 + textureAmplitude * texture[i]));
				if (v > density[i]) density[i] = v;
			}
		}

		int overlap(final IntList pixels) {
			int o = 0;
			for (int k = 0; k < pixels.size; k++) if (fg[pixels.a[k]] != 0) o++;
			return o;
		}
	}

	/** A growable set of pixel indices (duplicates removed by a marker array). */
	private static final class IntList {

		int[] a = new int[256];
		int size;
		final boolean[] seen;

		IntList(final int n) {
			seen = new boolean[n];
		}

		void add(final int i) {
			if (seen[i]) return;
			seen[i] = true;
			if (size == a.length) a = Arrays.copyOf(a, 2 * size);
			a[size++] = i;
		}

		void clear() {
			for (int k = 0; k < size; k++) seen[a[k]] = false;
			size = 0;
		}
	}

	/** Adds the pixels whose centre lies within {@code r} of (cx, cy). */
	private static void disc(final IntList out, final int size, final double cx, final double cy, final double r) {
		final int x0 = Math.max(0, (int) Math.ceil(cx - r)), x1 = Math.min(size - 1, (int) Math.floor(cx + r));
		final int y0 = Math.max(0, (int) Math.ceil(cy - r)), y1 = Math.min(size - 1, (int) Math.floor(cy + r));
		final double r2 = r * r;
		for (int y = y0; y <= y1; y++)
			for (int x = x0; x <= x1; x++) {
				final double dx = x - cx, dy = y - cy;
				if (dx * dx + dy * dy <= r2) out.add(y * size + x);
			}
	}

	/** An ER-like network: minimum spanning tree of random nodes plus the shortest non-crossing edges. */
	private static void filaments(final SplittableRandom rng, final int size, final int count, final Canvas c) {
		final int nodes = Math.max(2, Math.min(count + 1, (int) Math.round(count / 1.4) + 1));
		final double margin = 0.05 * size, span = size + 2 * margin;
		final double minDist = 0.75 * span / Math.sqrt(nodes);
		// extra edges are at most 3 node spacings long; a grid of that cell size finds neighbours
		final double reach = 3 * minDist;
		final Grid nodeGrid = new Grid(-margin, span, reach);
		final double[] x = new double[nodes], y = new double[nodes];
		final double minDist2 = minDist * minDist;
		for (int i = 0; i < nodes; i++) {
			for (int attempt = 0; attempt < 60; attempt++) {
				x[i] = rng.nextDouble() * span - margin;
				y[i] = rng.nextDouble() * span - margin;
				if (nodeGrid.nearest2(x, y, x[i], y[i]) >= minDist2) break;
			}
			nodeGrid.add(i, x[i], y[i], x[i], y[i]);
		}
		// candidate edges: node pairs at most `reach` apart, shortest first
		int[] pa = new int[16], pb = new int[16];
		double[] pl = new double[16];
		int np = 0;
		for (int i = 0; i < nodes; i++) {
			for (final int j : nodeGrid.near(x[i], y[i], x[i], y[i], reach)) {
				final double dx = x[i] - x[j], dy = y[i] - y[j], d = dx * dx + dy * dy;
				if (j > i && d <= reach * reach) {
					if (np == pa.length) {
						pa = Arrays.copyOf(pa, 2 * np);
						pb = Arrays.copyOf(pb, 2 * np);
						pl = Arrays.copyOf(pl, 2 * np);
					}
					pa[np] = i;
					pb[np] = j;
					pl[np++] = d;
				}
			}
		}
		final double[] lengths = pl;
		final List<int[]> pairs = new ArrayList<>(np);
		for (int k = 0; k < np; k++) pairs.add(new int[] { pa[k], pb[k], k });
		pairs.sort((p, q) -> Double.compare(lengths[p[2]], lengths[q[2]]));
		// the minimum spanning tree (planar for Euclidean distances) makes the network connected: Prim's
		// algorithm on all pairs up to 4000 nodes, Kruskal's on the candidate pairs above
		final List<int[]> edges = new ArrayList<>();
		final Grid edgeGrid = new Grid(-margin, span, reach);
		final int[] degree = new int[nodes];
		if (nodes <= 4000) {
			final boolean[] in = new boolean[nodes];
			final double[] best = new double[nodes];
			final int[] from = new int[nodes];
			Arrays.fill(best, Double.POSITIVE_INFINITY);
			best[0] = 0;
			for (int step = 0; step < nodes; step++) {
				int u = -1;
				for (int i = 0; i < nodes; i++) if (!in[i] && (u < 0 || best[i] < best[u])) u = i;
				in[u] = true;
				if (step > 0) addEdge(edges, edgeGrid, degree, x, y, from[u], u);
				for (int i = 0; i < nodes; i++) {
					final double dx = x[u] - x[i], dy = y[u] - y[i], d = dx * dx + dy * dy;
					if (!in[i] && d < best[i]) {
						best[i] = d;
						from[i] = u;
					}
				}
			}
		}
		else {
			final int[] parent = new int[nodes];
			for (int i = 0; i < nodes; i++) parent[i] = i;
			for (final int[] p : pairs) {
				final int ra = root(parent, p[0]), rb = root(parent, p[1]);
				if (ra == rb) continue;
				parent[ra] = rb;
				addEdge(edges, edgeGrid, degree, x, y, p[0], p[1]);
			}
		}
		// extra edges make the loops of the network: shortest first, first those that close a free end;
		// an edge must cross no other, pass no other node closely, meet the other edges of its nodes at
		// 35 degrees or more, and give no node more than 4 edges
		for (int pass = 0; pass < 2; pass++) {
			for (final int[] p : pairs) {
				if (edges.size() >= count) break;
				if (pass == 0 && degree[p[0]] != 1 && degree[p[1]] != 1) continue;
				if (degree[p[0]] >= 4 || degree[p[1]] >= 4) continue;
				if (fits(x, y, edges, edgeGrid, nodeGrid, p, 0.3 * minDist)) addEdge(edges, edgeGrid, degree, x, y, p[0],
					p[1]);
			}
		}
		final IntList px = new IntList(size * size);
		for (final int[] e : edges) {
			final double ax = x[e[0]], ay = y[e[0]], bx = x[e[1]], by = y[e[1]];
			final double len = StrictMath.hypot(bx - ax, by - ay);
			final double nx = -(by - ay) / len, ny = (bx - ax) / len; // unit normal
			final double bend = 0.18 * len * gaussian(rng);
			final double wobble = 1.5 * rng.nextDouble(), period = 15 + 25 * rng.nextDouble(), phase = 2 * Math.PI *
				rng.nextDouble();
			final double r = (2 + 2 * rng.nextDouble()) / 2;
			final double brightness = 0.45 + 0.55 * rng.nextDouble();
			final double cx = (ax + bx) / 2 + nx * bend, cy = (ay + by) / 2 + ny * bend; // Bezier control point
			final int steps = (int) Math.ceil((len + 2 * Math.abs(bend)) * 3);
			px.clear();
			for (int s = 0; s <= steps; s++) {
				final double t = (double) s / steps, t1 = 1 - t;
				final double w = wobble * StrictMath.sin(2 * Math.PI * t * len / period + phase) * StrictMath.sin(Math.PI * t);
				final double qx = t1 * t1 * ax + 2 * t1 * t * cx + t * t * bx + nx * w;
				final double qy = t1 * t1 * ay + 2 * t1 * t * cy + t * t * by + ny * w;
				disc(px, size, qx, qy, r);
			}
			c.paint(px, brightness, 0.15);
		}
	}

	private static int root(final int[] parent, int i) {
		while (parent[i] != i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	}

	private static void addEdge(final List<int[]> edges, final Grid grid, final int[] degree, final double[] x,
		final double[] y, final int a, final int b)
	{
		grid.add(edges.size(), x[a], y[a], x[b], y[b]);
		edges.add(new int[] { a, b });
		degree[a]++;
		degree[b]++;
	}

	/** Whether edge p may join the network (see {@link #filaments}). */
	private static boolean fits(final double[] x, final double[] y, final List<int[]> edges, final Grid edgeGrid,
		final Grid nodeGrid, final int[] p, final double clearance)
	{
		final double minCos = StrictMath.cos(StrictMath.toRadians(35));
		final double ax = x[p[0]], ay = y[p[0]], bx = x[p[1]], by = y[p[1]];
		for (final int k : edgeGrid.near(ax, ay, bx, by, 0)) {
			final int[] e = edges.get(k);
			if (e[0] == p[0] && e[1] == p[1] || e[0] == p[1] && e[1] == p[0] || crosses(x, y, e, p)) return false;
			// the angle at a shared node
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 2; b++) {
					if (e[a] != p[b]) continue;
					final int o1 = e[1 - a], o2 = p[1 - b], m = p[b];
					final double ux = x[o1] - x[m], uy = y[o1] - y[m], vx = x[o2] - x[m], vy = y[o2] - y[m];
					if ((ux * vx + uy * vy) / (StrictMath.hypot(ux, uy) * StrictMath.hypot(vx, vy)) > minCos) return false;
				}
		}
		// no other node close to the new edge
		final double l2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
		for (final int i : nodeGrid.near(ax, ay, bx, by, clearance)) {
			if (i == p[0] || i == p[1]) continue;
			final double t = Math.max(0, Math.min(1, ((x[i] - ax) * (bx - ax) + (y[i] - ay) * (by - ay)) / l2));
			if (StrictMath.hypot(x[i] - ax - t * (bx - ax), y[i] - ay - t * (by - ay)) < clearance) return false;
		}
		return true;
	}

	/**
	 * Items (points or segments) filed in the square cells their bounding box touches; {@link #near} lists
	 * each item touching a box at most once, in a fixed order.
	 */
	private static final class Grid {

		final double origin, cell;
		final int n;
		final int[][] items;
		final int[] counts;
		int[] seen = new int[64];
		int stamp;

		Grid(final double origin, final double span, final double cell) {
			this.origin = origin;
			this.cell = cell;
			n = Math.max(1, (int) Math.ceil(span / cell));
			items = new int[n * n][];
			counts = new int[n * n];
		}

		private int index(final double v) {
			final int i = (int) Math.floor((v - origin) / cell);
			return i < 0 ? 0 : i >= n ? n - 1 : i;
		}

		void add(final int item, final double x0, final double y0, final double x1, final double y1) {
			if (item >= seen.length) seen = Arrays.copyOf(seen, Math.max(item + 1, 2 * seen.length));
			for (int cy = index(Math.min(y0, y1)); cy <= index(Math.max(y0, y1)); cy++)
				for (int cx = index(Math.min(x0, x1)); cx <= index(Math.max(x0, x1)); cx++) {
					final int c = cy * n + cx;
					if (items[c] == null) items[c] = new int[4];
					if (counts[c] == items[c].length) items[c] = Arrays.copyOf(items[c], 2 * counts[c]);
					items[c][counts[c]++] = item;
				}
		}

		/** The items in the cells touched by the box around the segment, grown by {@code pad}. */
		int[] near(final double x0, final double y0, final double x1, final double y1, final double pad) {
			stamp++;
			int[] out = new int[16];
			int k = 0;
			for (int cy = index(Math.min(y0, y1) - pad); cy <= index(Math.max(y0, y1) + pad); cy++)
				for (int cx = index(Math.min(x0, x1) - pad); cx <= index(Math.max(x0, x1) + pad); cx++) {
					final int c = cy * n + cx;
					for (int m = 0; m < counts[c]; m++) {
						final int item = items[c][m];
						if (seen[item] == stamp) continue;
						seen[item] = stamp;
						if (k == out.length) out = Arrays.copyOf(out, 2 * k);
						out[k++] = item;
					}
				}
			return Arrays.copyOf(out, k);
		}

		/** Squared distance from (px, py) to the nearest point item within one cell (infinity if none). */
		double nearest2(final double[] x, final double[] y, final double px, final double py) {
			double best = Double.POSITIVE_INFINITY;
			for (final int i : near(px, py, px, py, cell)) {
				final double dx = x[i] - px, dy = y[i] - py;
				best = Math.min(best, dx * dx + dy * dy);
			}
			return best;
		}
	}

	/** Whether segments e and p cross (sharing an end point does not count). */
	private static boolean crosses(final double[] x, final double[] y, final int[] e, final int[] p) {
		if (e[0] == p[0] || e[0] == p[1] || e[1] == p[0] || e[1] == p[1]) return false;
		final double d1 = cross(x, y, e[0], e[1], p[0]), d2 = cross(x, y, e[0], e[1], p[1]);
		final double d3 = cross(x, y, p[0], p[1], e[0]), d4 = cross(x, y, p[0], p[1], e[1]);
		return d1 * d2 < 0 && d3 * d4 < 0;
	}

	private static double cross(final double[] x, final double[] y, final int a, final int b, final int c) {
		return (x[b] - x[a]) * (y[c] - y[a]) - (y[b] - y[a]) * (x[c] - x[a]);
	}

	/** Nuclei-like ellipses, semi-axes 8–20 px, at most 5 % of each one overlapping earlier ones. */
	private static void blobs(final SplittableRandom rng, final int size, final int count, final Canvas c) {
		final IntList px = new IntList(size * size);
		int failures = 0; // objects in a row that found no room: the image is full
		for (int k = 0; k < count && failures < 50; k++) {
			failures++;
			for (int attempt = 0; attempt < 100; attempt++) {
				final double a = 8 + 12 * rng.nextDouble();
				final double b = Math.max(8, 0.6 * a) + (a - Math.max(8, 0.6 * a)) * rng.nextDouble();
				final double theta = Math.PI * rng.nextDouble(), cos = StrictMath.cos(theta), sin = StrictMath.sin(theta);
				final double cx = rng.nextDouble() * size, cy = rng.nextDouble() * size;
				px.clear();
				final int x0 = Math.max(0, (int) Math.ceil(cx - a)), x1 = Math.min(size - 1, (int) Math.floor(cx + a));
				final int y0 = Math.max(0, (int) Math.ceil(cy - a)), y1 = Math.min(size - 1, (int) Math.floor(cy + a));
				for (int y = y0; y <= y1; y++)
					for (int x = x0; x <= x1; x++) {
						final double u = (x - cx) * cos + (y - cy) * sin, v = -(x - cx) * sin + (y - cy) * cos;
						if (u * u / (a * a) + v * v / (b * b) <= 1) px.add(y * size + x);
					}
				if (px.size == 0 || c.overlap(px) > 0.05 * px.size) continue;
				c.paint(px, 0.35 + 0.65 * rng.nextDouble(), 0.25);
				failures = 0;
				break;
			}
		}
	}

	/**
	 * A dense ER-like reticulum: the edges of a Voronoi tessellation of {@code count} random sites are
	 * tubules (2.5–4.5 px wide, three-way junctions where cells meet; about 15 % of the edges are missing, as in
	 * a real, incomplete network), about 15 % of the smaller cells are filled as flat, dimmer sheets, and a
	 * nucleus-sized elliptic hole (radius about a sixth of the image) holds nothing. With count = 100 on
	 * 256×256 about a quarter of the pixels are foreground.
	 */
	private static void er(final SplittableRandom rng, final int size, final int count, final Canvas c) {
		final int sites = Math.max(2, count);
		final double[] sx = new double[sites], sy = new double[sites];
		for (int k = 0; k < sites; k++) {
			sx[k] = rng.nextDouble() * size;
			sy[k] = rng.nextDouble() * size;
		}
		final double[] width = new double[sites * sites];
		final double[] bright = new double[sites * sites];
		final boolean[] missing = new boolean[sites * sites];
		for (int a = 0; a < sites; a++)
			for (int b = a + 1; b < sites; b++) {
				final int e = a * sites + b;
				width[e] = 2.5 + 2 * rng.nextDouble();
				bright[e] = 0.2 + 0.8 * rng.nextDouble();
				missing[e] = rng.nextDouble() < 0.15;
			}
		final boolean[] sheet = new boolean[sites];
		for (int k = 0; k < sites; k++) sheet[k] = rng.nextDouble() < 0.15;
		final double hx = rng.nextDouble() * size, hy = rng.nextDouble() * size;
		final double ha = size / 6.0 * (0.8 + 0.4 * rng.nextDouble()), hb = ha * (0.6 + 0.3 * rng.nextDouble());
		final double sheetCap = 0.8 * (double) size * size / sites; // only smaller cells become sheets
		final int[] nearest = new int[size * size];
		final int[] area = new int[sites];
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				int best = 0;
				double d1 = Double.MAX_VALUE;
				for (int k = 0; k < sites; k++) {
					final double dx = x - sx[k], dy = y - sy[k], d = dx * dx + dy * dy;
					if (d < d1) {
						d1 = d;
						best = k;
					}
				}
				nearest[y * size + x] = best;
				area[best]++;
			}
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				final int i = y * size + x;
				final double ux = (x - hx) / ha, uy = (y - hy) / hb;
				if (ux * ux + uy * uy <= 1) continue; // the nucleus
				final int a = nearest[i];
				// distance to the bisector with the closest other site
				int second = -1;
				double gap = Double.MAX_VALUE;
				for (int k = 0; k < sites; k++) {
					if (k == a) continue;
					final double ex = sx[k] - sx[a], ey = sy[k] - sy[a], len = Math.sqrt(ex * ex + ey * ey);
					final double mx = (sx[k] + sx[a]) / 2, my = (sy[k] + sy[a]) / 2;
					final double g = ((mx - x) * ex + (my - y) * ey) / len;
					if (g < gap) {
						gap = g;
						second = k;
					}
				}
				final int e = Math.min(a, second) * sites + Math.max(a, second);
				float v = 0;
				if (!missing[e] && gap <= width[e] / 2) v = (float) bright[e];
				else if (sheet[a] && area[a] < sheetCap) v = 0.35f;
				if (v > 0) {
					c.fg[i] = 1;
					final float d = (float) Math.max(0, v * (1 + 0.25 * c.texture[i]));
					if (d > c.density[i]) c.density[i] = d;
				}
			}
	}

	/** Mitochondria-like curved capsules 4–7 px wide, 15–40 px long, overlapping at most 5 %. */
	private static void tubes(final SplittableRandom rng, final int size, final int count, final Canvas c) {
		final IntList px = new IntList(size * size);
		int failures = 0; // objects in a row that found no room: the image is full
		for (int k = 0; k < count && failures < 50; k++) {
			failures++;
			for (int attempt = 0; attempt < 60; attempt++) {
				final double width = 4 + 3 * rng.nextDouble(), r = width / 2;
				final double length = 15 + 25 * rng.nextDouble();
				final double centreLine = Math.max(0, length - width);
				double x = rng.nextDouble() * size, y = rng.nextDouble() * size;
				double theta = 2 * Math.PI * rng.nextDouble();
				final double kappa = (2 * rng.nextDouble() - 1) / 20, dKappa = (2 * rng.nextDouble() - 1) / 400;
				final double step = 0.3;
				final int steps = (int) Math.ceil(centreLine / step);
				px.clear();
				disc(px, size, x, y, r);
				for (int s = 1; s <= steps; s++) {
					final double ds = centreLine / steps;
					theta += (kappa + dKappa * s * ds) * ds;
					x += StrictMath.cos(theta) * ds;
					y += StrictMath.sin(theta) * ds;
					disc(px, size, x, y, r);
				}
				if (px.size == 0 || c.overlap(px) > 0.05 * px.size) continue;
				c.paint(px, 0.4 + 0.6 * rng.nextDouble(), 0.15);
				failures = 0;
				break;
			}
		}
	}

	// ---------------------------------------------------------------- fields

	/** Smooth noise with unit standard deviation (Gaussian white noise blurred by 2 px). */
	private static float[] texture(final SplittableRandom rng, final int size) {
		final float[] t = new float[size * size];
		for (int i = 0; i < t.length; i++) t[i] = (float) gaussian(rng);
		blur(t, size, 2);
		double s2 = 0;
		for (final float v : t) s2 += v * v;
		final float inv = (float) (1 / Math.sqrt(s2 / t.length));
		for (int i = 0; i < t.length; i++) t[i] *= inv;
		return t;
	}

	/** A smooth uneven background from {@code lo} (3–10 %) to {@code lo + 12–30 %}. */
	private static float[] background(final SplittableRandom rng, final int size) {
		final double lo = 0.03 + 0.07 * rng.nextDouble(), span = 0.12 + 0.18 * rng.nextDouble();
		final double angle = 2 * Math.PI * rng.nextDouble(), ramp = 0.3 + 0.7 * rng.nextDouble();
		final double gx = ramp * StrictMath.cos(angle) / size, gy = ramp * StrictMath.sin(angle) / size;
		final int bumps = 4;
		final double[][] fx = new double[bumps][size], fy = new double[bumps][size];
		final double[] amp = new double[bumps];
		for (int k = 0; k < bumps; k++) {
			amp[k] = 0.3 + 0.7 * rng.nextDouble();
			final double sigma = (0.2 + 0.3 * rng.nextDouble()) * size;
			final double cx = (-0.2 + 1.4 * rng.nextDouble()) * size, cy = (-0.2 + 1.4 * rng.nextDouble()) * size;
			for (int i = 0; i < size; i++) {
				fx[k][i] = StrictMath.exp(-(i - cx) * (i - cx) / (2 * sigma * sigma));
				fy[k][i] = StrictMath.exp(-(i - cy) * (i - cy) / (2 * sigma * sigma));
			}
		}
		final float[] f = new float[size * size];
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (int y = 0, i = 0; y < size; y++)
			for (int x = 0; x < size; x++, i++) {
				double v = gx * x + gy * y;
				for (int k = 0; k < bumps; k++) v += amp[k] * fx[k][x] * fy[k][y];
				f[i] = (float) v;
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		final double scale = max > min ? span / (max - min) : 0;
		for (int i = 0; i < f.length; i++) f[i] = (float) (lo + (f[i] - min) * scale);
		return f;
	}

	private static void blur(final float[] pixels, final int size, final double sigma) {
		final GaussianBlur g = new GaussianBlur();
		g.showProgress(false);
		g.blurGaussian(new FloatProcessor(size, size, pixels), sigma, sigma, 0.0002);
	}

	/** A standard normal number (Box-Muller, one of the pair). */
	private static double gaussian(final SplittableRandom rng) {
		double u;
		do u = rng.nextDouble(); while (u == 0);
		return Math.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * rng.nextDouble());
	}
}
