package org.noisylabels.metric;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.Masks;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;

/**
 * Segmentation metrics of a prediction S against a ground truth G (algorithms.md §4).
 * <ul>
 * <li>Dice = (2|S∩G| + 1e-5)/(|S| + |G| + 1e-5), IoU = (|S∩G| + 1e-5)/(|S∪G| + 1e-5), pixel accuracy =
 * fraction of pixels where S and G agree.</li>
 * <li>ASSD, ASD (from the prediction's surface to the ground truth's) and HD95, see
 * {@link SurfaceDistance}, in calibrated units (pixel width/height/depth of the ground truth's
 * calibration, or of the prediction's when only the prediction is calibrated). Both empty: 0. Exactly
 * one empty: the image diagonal in calibrated units, √((w·Δx)² + (h·Δy)²) in 2D, plus (d·Δz)² in 3D.</li>
 * <li>AUC: ROC area of the probability map ({@link RocAuc}): a 32-bit prediction is a probability map and
 * must have all its values in [0, 1]; masks (8/16-bit) have no AUC (NaN), nor has a slice whose G has no
 * object or no background pixel.</li>
 * </ul>
 * A probability map is turned into the mask S by {@code p > threshold}. Stacks are scored slice by
 * slice (2D surfaces and distances), then the "mean" row averages the slice rows, and the "3D" row scores
 * the whole volume at once (6-neighbour surfaces, 3D distances with the slice spacing). The mean of AUC
 * skips slices where it is undefined.
 * <p>
 * Multi-class mode: both images hold whole-number class values (0 = background); the classes are the
 * non-zero values present in either image (0/255 masks: the one class 255; labels 0..C-1: the classes
 * present among 1..C-1). Every class c is scored one-vs-rest (S = prediction == c, G = ground truth == c)
 * and the table gets a {@code class} column with the class values and their "mean" for every slice, for
 * the mean over slices and for 3D. A class absent from both images of a slice scores as "both empty"
 * (Dice 1, distances 0) there, as in PyMIC's evaluation.
 */
public final class SegmentationMetrics {

	/** The smoothing constant of Dice and IoU. */
	public static final double SMOOTH = 1e-5;

	/** The table's metric columns, in order (after "image" and, in multi-class mode, "class"). */
	public static final String[] COLUMNS = { "dice", "iou", "accuracy", "assd", "asd", "hd95", "auc" };

	/** The scores of one pair of masks. */
	public static final class Scores {

		public final double dice, iou, accuracy, assd, asd, hd95, auc;

		public Scores(final double dice, final double iou, final double accuracy, final double assd,
			final double asd, final double hd95, final double auc)
		{
			this.dice = dice;
			this.iou = iou;
			this.accuracy = accuracy;
			this.assd = assd;
			this.asd = asd;
			this.hd95 = hd95;
			this.auc = auc;
		}

		double[] values() {
			return new double[] { dice, iou, accuracy, assd, asd, hd95, auc };
		}

		@Override
		public String toString() {
			return String.format(java.util.Locale.ROOT, "dice=%.6f iou=%.6f accuracy=%.6f assd=%.6f asd=%.6f hd95=%.6f auc=%.6f",
				dice, iou, accuracy, assd, asd, hd95, auc);
		}
	}

	private SegmentationMetrics() {}

	/**
	 * Scores a binary segmentation against a binary ground truth (non-zero = object), one array of
	 * {@code w*h} per slice: one slice is scored in 2D, several as one 3D volume.
	 *
	 * @param prob the probability map for AUC, or null (AUC = NaN)
	 */
	public static Scores score(final byte[][] s, final byte[][] g, final float[][] prob, final int w, final int h,
		final double sx, final double sy, final double sz)
	{
		final double[] o = overlap(s, g);
		final SurfaceDistance.Result d = SurfaceDistance.compute(s, g, w, h, sx, sy, sz, cap(w, h, s.length, sx,
			sy, sz));
		final double auc = prob == null ? Double.NaN : RocAuc.auc(prob, g);
		return new Scores(o[0], o[1], o[2], d.assd, d.asd, d.hd95, auc);
	}

	/**
	 * Dice = (2|S∩G| + 1e-5)/(|S| + |G| + 1e-5) from the pixel counts |S∩G|, |S| and |G|: the suite's one
	 * Dice of masks (metrics, validation during training, iGTT's candidate score).
	 */
	public static double dice(final long intersection, final long segmented, final long truth) {
		return (2.0 * intersection + SMOOTH) / (segmented + truth + SMOOTH);
	}

	/** {Dice, IoU, pixel accuracy} of two masks (non-zero = object), one array per slice. */
	public static double[] overlap(final byte[][] s, final byte[][] g) {
		long inter = 0, ns = 0, ng = 0, n = 0;
		for (int z = 0; z < s.length; z++) {
			final byte[] a = s[z], b = g[z];
			for (int i = 0; i < a.length; i++) {
				final boolean sa = a[i] != 0, gb = b[i] != 0;
				if (sa) ns++;
				if (gb) ng++;
				if (sa && gb) inter++;
			}
			n += a.length;
		}
		final long union = ns + ng - inter;
		return new double[] { dice(inter, ns, ng), (inter + SMOOTH) / (union + SMOOTH),
			(double) (n - union + inter) / n };
	}

	/** The distance given when exactly one of the masks is empty: the image diagonal in calibrated units. */
	public static double cap(final int w, final int h, final int d, final double sx, final double sy,
		final double sz)
	{
		final double dx = w * sx, dy = h * sy, dz = d > 1 ? d * sz : 0;
		return Math.sqrt(dx * dx + dy * dy + dz * dz);
	}

	/**
	 * The metrics table of a prediction (binary mask, or 32-bit probability map in [0, 1]) against a
	 * binary ground truth, or (multiClass) of two class-label images.
	 */
	public static ResultsTable evaluate(final ImagePlus prediction, final ImagePlus groundTruth,
		final double threshold, final boolean multiClass, final Progress progress)
	{
		Masks.requireGray(prediction, "prediction");
		Masks.requireGray(groundTruth, "ground_truth");
		Masks.requireSameSize(prediction, "prediction", groundTruth, "ground_truth");
		org.noisylabels.Check.probability(threshold, "threshold");
		final double[] spacing = spacing(prediction, groundTruth);
		if (multiClass) return evaluateClasses(prediction, groundTruth, spacing, progress);
		final Input in = prediction(prediction, threshold);
		final byte[][] g = slices(Masks.binary(groundTruth, "ground_truth"));
		final ResultsTable table = new ResultsTable();
		final int w = prediction.getWidth(), h = prediction.getHeight(), d = g.length;
		final double[][] rows = new double[d][];
		for (int z = 0; z < d; z++) {
			progress.checkCanceled();
			progress.update("Segmentation metrics: slice " + (z + 1) + "/" + d, (double) z / (d + (d > 1 ? 1 : 0)));
			rows[z] = score(new byte[][] { in.mask[z] }, new byte[][] { g[z] }, in.prob == null ? null
				: new float[][] { in.prob[z] }, w, h, spacing[0], spacing[1], spacing[2]).values();
			addRow(table, "slice " + (z + 1), null, rows[z]);
		}
		addRow(table, "mean", null, mean(rows));
		if (d > 1) {
			progress.checkCanceled();
			progress.update("Segmentation metrics: 3D", (double) d / (d + 1));
			addRow(table, "3D", null, score(in.mask, g, in.prob, w, h, spacing[0], spacing[1], spacing[2]).values());
		}
		progress.update("Segmentation metrics: done", 1);
		decorate(table);
		return table;
	}

	private static ResultsTable evaluateClasses(final ImagePlus prediction, final ImagePlus groundTruth,
		final double[] spacing, final Progress progress)
	{
		final float[] values = classValues(prediction, groundTruth);
		final int classes = values.length + 1;
		final int w = prediction.getWidth(), h = prediction.getHeight(), d = prediction.getStackSize();
		final ImageStack ps = prediction.getStack(), gs = groundTruth.getStack();
		final ResultsTable table = new ResultsTable();
		final double[][][] rows = new double[classes - 1][d][];
		final byte[][][] sVol = new byte[classes - 1][d][], gVol = new byte[classes - 1][d][];
		for (int z = 0; z < d; z++) {
			final ImageProcessor pp = ps.getProcessor(z + 1), gp = gs.getProcessor(z + 1);
			for (int c = 1; c < classes; c++) {
				progress.checkCanceled();
				progress.update("Segmentation metrics: slice " + (z + 1) + "/" + d + ", class " + c, (double) z / (d +
					(d > 1 ? 1 : 0)));
				sVol[c - 1][z] = classMask(pp, values[c - 1]);
				gVol[c - 1][z] = classMask(gp, values[c - 1]);
				rows[c - 1][z] = score(new byte[][] { sVol[c - 1][z] }, new byte[][] { gVol[c - 1][z] }, null, w, h,
					spacing[0], spacing[1], spacing[2]).values();
			}
			final double[][] perClass = new double[classes - 1][];
			for (int c = 1; c < classes; c++) {
				addRow(table, "slice " + (z + 1), label(values[c - 1]), rows[c - 1][z]);
				perClass[c - 1] = rows[c - 1][z];
			}
			addRow(table, "slice " + (z + 1), "mean", mean(perClass));
		}
		final double[][] classMeans = new double[classes - 1][];
		for (int c = 1; c < classes; c++) {
			classMeans[c - 1] = mean(rows[c - 1]);
			addRow(table, "mean", label(values[c - 1]), classMeans[c - 1]);
		}
		addRow(table, "mean", "mean", mean(classMeans));
		if (d > 1) {
			final double[][] vol = new double[classes - 1][];
			for (int c = 1; c < classes; c++) {
				progress.checkCanceled();
				progress.update("Segmentation metrics: 3D, class " + c, (double) d / (d + 1));
				vol[c - 1] = score(sVol[c - 1], gVol[c - 1], null, w, h, spacing[0], spacing[1], spacing[2]).values();
				addRow(table, "3D", label(values[c - 1]), vol[c - 1]);
			}
			addRow(table, "3D", "mean", mean(vol));
		}
		progress.update("Segmentation metrics: done", 1);
		decorate(table);
		return table;
	}

	/**
	 * The classes of multi-class mode: the non-zero values present in either image, increasing (both must
	 * hold whole numbers >= 0; 0 is the background).
	 */
	private static float[] classValues(final ImagePlus prediction, final ImagePlus groundTruth) {
		final java.util.TreeSet<Float> present = new java.util.TreeSet<>();
		for (final ImagePlus imp : new ImagePlus[] { prediction, groundTruth }) {
			final String key = imp == prediction ? "prediction" : "ground_truth";
			final ImageStack st = imp.getStack();
			for (int z = 1; z <= st.getSize(); z++) {
				final ImageProcessor ip = st.getProcessor(z);
				for (int i = 0, n = ip.getPixelCount(); i < n; i++) {
					final float v = ip.getf(i);
					if (v == 0 || present.contains(v)) continue;
					if (Float.isNaN(v)) throw new NoisyLabelsException(key + " has NaN pixels (first at x=" + i % ip
						.getWidth() + ", y=" + i / ip.getWidth() + ", slice " + z + "): replace them first");
					if (v < 0 || v != Math.rint(v)) throw new NoisyLabelsException(key + " has the value " +
						org.noisylabels.Check.fmt(v) + ": with multi_class=true both images must hold whole class numbers 0, 1, 2, ...");
					present.add(v);
					if (present.size() > 1000) throw new NoisyLabelsException(key + " has more than 1000 different values: " +
						"multi_class=true expects a few classes; convert instance labels with 'Labels to Mask' and score binary masks");
				}
			}
		}
		if (present.isEmpty()) present.add(1f); // both images empty: one (absent) class
		final float[] values = new float[present.size()];
		int k = 0;
		for (final float v : present) values[k++] = v;
		return values;
	}

	private static String label(final float value) {
		return org.noisylabels.Check.fmt(value);
	}

	private static byte[] classMask(final ImageProcessor ip, final float c) {
		final int n = ip.getPixelCount();
		final byte[] m = new byte[n];
		for (int i = 0; i < n; i++)
			if (ip.getf(i) == c) m[i] = 1;
		return m;
	}

	/** A prediction as masks (and probabilities when it is a probability map). */
	private static final class Input {

		byte[][] mask;
		float[][] prob;
	}

	private static Input prediction(final ImagePlus imp, final double threshold) {
		final Input in = new Input();
		if (imp.getBitDepth() == 32) {
			Masks.requireNoNaN(imp, "prediction");
			final ImageStack st = imp.getStack();
			boolean unit = true;
			double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
			for (int z = 1; z <= st.getSize(); z++) {
				for (final float v : (float[]) st.getProcessor(z).getPixels()) {
					if (v < 0 || v > 1) unit = false;
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
			}
			if (unit) {
				in.prob = new float[st.getSize()][];
				in.mask = new byte[st.getSize()][];
				for (int z = 0; z < st.getSize(); z++) {
					final float[] p = (float[]) st.getProcessor(z + 1).getPixels();
					in.prob[z] = p;
					final byte[] m = new byte[p.length];
					for (int i = 0; i < p.length; i++)
						if (p[i] > threshold) m[i] = 1;
					in.mask[z] = m;
				}
				return in;
			}
			// a 32-bit prediction is a probability map: a mask of 0 and 2.0 (or 255) must not be scored as one
			throw new NoisyLabelsException("prediction has values from " + org.noisylabels.Check.fmt(min) + " to " +
				org.noisylabels.Check.fmt(max) + ": values outside [0, 1]; a 32-bit prediction must be a probability map " +
				"with values in [0, 1] (give a mask as an 8-bit or 16-bit image: Image > Type > 8-bit)");
		}
		else if (!isBinary(imp)) {
			throw new NoisyLabelsException("prediction " + imp.getTitle() +
				" is not a binary mask: give 0 = background and one foreground value, or a 32-bit probability map in [0, 1]");
		}
		in.mask = slices(Masks.binary(imp, "prediction"));
		return in;
	}

	private static boolean isBinary(final ImagePlus imp) {
		final ImageStack st = imp.getStack();
		float fg = Float.NaN;
		for (int z = 1; z <= st.getSize(); z++) {
			final ImageProcessor ip = st.getProcessor(z);
			for (int i = 0, n = ip.getPixelCount(); i < n; i++) {
				final float v = ip.getf(i);
				if (v == 0) continue;
				if (Float.isNaN(fg)) fg = v;
				else if (v != fg) return false;
			}
		}
		return true;
	}

	/** A 0/255 mask stack as 0/1 arrays (shared where possible). */
	private static byte[][] slices(final ImagePlus mask) {
		final ImageStack st = mask.getStack();
		final byte[][] out = new byte[st.getSize()][];
		for (int z = 0; z < out.length; z++) out[z] = (byte[]) st.getProcessor(z + 1).getPixels();
		return out;
	}

	/** Pixel spacing {x, y, z}: the ground truth's calibration, or the prediction's if only it is calibrated. */
	static double[] spacing(final ImagePlus prediction, final ImagePlus groundTruth) {
		final Calibration cg = groundTruth.getCalibration(), cp = prediction.getCalibration();
		final Calibration c = !cg.scaled() && cp.scaled() ? cp : cg;
		final double[] s = { c.pixelWidth, c.pixelHeight, c.pixelDepth };
		final String[] names = { "pixel width", "pixel height", "voxel depth" };
		for (int i = 0; i < 3; i++) {
			if (!(s[i] > 0) || Double.isInfinite(s[i])) {
				throw new NoisyLabelsException("the " + names[i] + " of the calibration is " + s[i] +
					": set a positive value (Image > Properties)");
			}
		}
		return s;
	}

	private static double[] mean(final double[][] rows) {
		final double[] m = new double[COLUMNS.length];
		for (int c = 0; c < m.length; c++) {
			double sum = 0;
			int k = 0;
			for (final double[] r : rows) {
				if (Double.isNaN(r[c])) continue;
				sum += r[c];
				k++;
			}
			m[c] = k == 0 ? Double.NaN : sum / k;
		}
		return m;
	}

	private static void addRow(final ResultsTable table, final String image, final String cls, final double[] values) {
		table.incrementCounter();
		table.addValue("image", image);
		if (cls != null) table.addValue("class", cls);
		for (int c = 0; c < COLUMNS.length; c++) table.addValue(COLUMNS[c], values[c]);
	}

	private static void decorate(final ResultsTable table) {
		table.setPrecision(6);
		table.showRowNumbers(false);
	}
}
