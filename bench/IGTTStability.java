import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Progress;
import org.noisylabels.method.IGTTSegmentation;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.metric.ThresholdBaseline;
import org.noisylabels.synth.SyntheticMicroscopy;
import org.noisylabels.train.Predictor;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;

/**
 * #25 item 2: iGTT's spread over seeds with default parameters, next to Gaussian (sigma 1) + Otsu.
 * <ul>
 * <li>er: Synthetic Microscopy kind=er size=256 count=100 slices=12 seed=11; slices 1-8 train iGTT (scored with
 * iGTT's own mask), slices 9-12 are held out and scored with the saved model as Apply Model does
 * (threshold 0.5 on the polarity-corrected probability).</li>
 * <li>nuclei: test-images/img2d.tif (512x512), iGTT's own mask.</li>
 * </ul>
 * Per epoch (diagnostics; the method never sees the ground truth): Dice, foreground % of the output, whether
 * the output was inverted, the Dice of the chosen candidates, the mean candidate index k and candidate
 * foreground, the label pixels, the loss.
 *
 * Usage: bench/run.sh IGTTStability [sets=er,nuclei] [seeds=1,2,3,4,5] [epochs=N] [learning_rate=X] [lr_step=N] [clip_norm=X] [k=N] [candidate=dmi|otsu] [first_labels=black|otsu] [label_gate=otsu|none] [verbose=B]
 */
public class IGTTStability {

	public static void main(final String[] args) throws Exception {
		final Map<String, String> a = new LinkedHashMap<>();
		for (final String s : args) a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
		final String[] sets = a.getOrDefault("sets", "er,nuclei").split(",");
		final String[] seeds = a.getOrDefault("seeds", "1,2,3,4,5").split(",");
		final boolean verbose = Boolean.parseBoolean(a.getOrDefault("verbose", "true"));
		System.out.println("load at start: " + loadavg());
		System.out.println("overrides: " + (a.isEmpty() ? "none (defaults)" : a));
		final SyntheticMicroscopy.Result er = SyntheticMicroscopy.generate("er", 256, 100, 12, 1.5, 100, 11, Progress.NONE);
		final ImagePlus erTrain = sub(er.image, 1, 8), erTrainGt = sub(er.groundTruth, 1, 8);
		final ImagePlus erTest = sub(er.image, 9, 12), erTestGt = sub(er.groundTruth, 9, 12);
		final ImagePlus nuc = IJ.openImage("test-images/img2d.tif"), nucGt = IJ.openImage("test-images/gt2d.tif");
		final Map<String, Double> otsu = new LinkedHashMap<>();
		otsu.put("er train", otsu(erTrain, erTrainGt));
		otsu.put("er held-out", otsu(erTest, erTestGt));
		otsu.put("nuclei", otsu(nuc, nucGt));
		System.out.println("Gaussian + Otsu: " + otsu);
		final Map<String, List<Double>> dice = new LinkedHashMap<>();
		final Map<String, List<Double>> secs = new LinkedHashMap<>();
		for (final String seed : seeds) {
			for (final String set : sets) {
				final boolean isEr = set.equals("er");
				final IGTTSegmentation.Settings s = settings(a);
				s.params.seed = Long.parseLong(seed);
				final Path model = isEr ? Files.createTempDirectory("igtt-stab").resolve("model") : null;
				s.model = model;
				final List<String> logs = new ArrayList<>();
				final IGTTSegmentation.Result r = IGTTSegmentation.run(isEr ? erTrain : nuc, isEr ? erTrainGt : nucGt, s,
					Progress.NONE, logs::add);
				final int last = r.metrics.size() - 1;
				final double d = r.metrics.getValue("dice", last);
				final String key = isEr ? "er train" : "nuclei";
				dice.computeIfAbsent(key, x -> new ArrayList<>()).add(d);
				secs.computeIfAbsent(key, x -> new ArrayList<>()).add(r.seconds);
				String line = String.format(Locale.ROOT, "%s seed=%s: Dice %.4f (Otsu %.4f) in %.1f s, load %s", key, seed, d,
					otsu.get(key), r.seconds, load());
				if (isEr) {
					final double h = heldOut(model, erTest, erTestGt);
					dice.computeIfAbsent("er held-out", x -> new ArrayList<>()).add(h);
					line += String.format(Locale.ROOT, "; held-out Dice %.4f (Otsu %.4f)", h, otsu.get("er held-out"));
				}
				System.out.println(line);
				System.out.println("   final map: " + thresholds(r.probability, isEr ? erTrainGt : nucGt));
				if (r.warning != null) System.out.println("   WARNING: " + r.warning);
				System.out.println("   polarity: " + r.polarity);
				if (verbose) {
					System.out.println("   epoch dice fg% inv cand_dice loss | log");
					int e = 0;
					for (final String m : logs) {
						if (!m.startsWith("iGTT epoch")) continue;
						System.out.println(String.format(Locale.ROOT, "   %3d %.3f %5.1f %d %.3f %.4f | %s", e + 1, r.metrics
							.getValue("dice", e), r.metrics.getValue("foreground_percent", e), (int) r.metrics.getValue("inverted",
								e), r.metrics.getValue("candidate_dice", e), r.metrics.getValue("loss", e), m.substring(m.indexOf(':') + 2)));
						e++;
					}
				}
			}
		}
		System.out.println();
		System.out.println(String.format(Locale.ROOT, "%-12s %-7s %-8s %-8s %-8s %-9s %s", "data", "Otsu", "mean", "worst",
			"mean-Otsu", "worst-Otsu", "per seed (" + String.join(",", seeds) + ")"));
		for (final Map.Entry<String, List<Double>> e : dice.entrySet()) {
			final List<Double> l = e.getValue();
			double mean = 0, worst = 1;
			final StringBuilder per = new StringBuilder();
			for (final double d : l) {
				mean += d / l.size();
				worst = Math.min(worst, d);
				per.append(String.format(Locale.ROOT, "%.4f ", d));
			}
			final double o = otsu.get(e.getKey());
			System.out.println(String.format(Locale.ROOT, "%-12s %.4f  %.4f   %.4f   %+.4f   %+.4f    %s", e.getKey(), o,
				mean, worst, mean - o, worst - o, per));
		}
		for (final Map.Entry<String, List<Double>> e : secs.entrySet()) {
			double t = 0;
			for (final double v : e.getValue()) t += v / e.getValue().size();
			System.out.println(String.format(Locale.ROOT, "mean wall time %s: %.1f s", e.getKey(), t));
		}
		System.out.println("load at end: " + loadavg());
		System.exit(0);
	}

	static IGTTSegmentation.Settings settings(final Map<String, String> a) {
		final IGTTSegmentation.Settings s = new IGTTSegmentation.Settings();
		if (a.containsKey("epochs")) s.epochs = Integer.parseInt(a.get("epochs"));
		if (a.containsKey("learning_rate")) s.learningRate = Double.parseDouble(a.get("learning_rate"));
		if (a.containsKey("lr_step")) s.lrStep = Integer.parseInt(a.get("lr_step"));
		if (a.containsKey("clip_norm")) s.clipNorm = Double.parseDouble(a.get("clip_norm"));
		if (a.containsKey("k")) s.params.k = Integer.parseInt(a.get("k"));
		if (a.containsKey("candidate")) s.params.candidate = a.get("candidate");
		if (a.containsKey("label_gate")) s.params.labelGate = a.get("label_gate");
		if (a.containsKey("first_labels")) s.params.firstLabels = a.get("first_labels");
		s.historyBudget = 0;
		return s;
	}

	/**
	 * Diagnostics of the final (polarity-corrected) probability map: mean Dice at 0.5, at Otsu's threshold of
	 * the map (per slice, 256 bins over [0, 1]), and at the best single threshold chosen with the ground truth
	 * (the paper's evaluation; 0.01 steps).
	 */
	static String thresholds(final ImagePlus prob, final ImagePlus gt) {
		final int d = gt.getStackSize();
		double at05 = 0, atOtsu = 0;
		final double[] at = new double[99];
		for (int z = 1; z <= d; z++) {
			final float[] p = (float[]) prob.getStack().getProcessor(z).convertToFloatProcessor().getPixels();
			final byte[] g = (byte[]) gt.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
			at05 += dice(p, 0.5, g) / d;
			atOtsu += dice(p, otsuOf(p), g) / d;
			for (int k = 0; k < at.length; k++) at[k] += dice(p, (k + 1) / 100.0, g) / d;
		}
		int best = 0;
		for (int k = 1; k < at.length; k++) if (at[k] > at[best]) best = k;
		return String.format(Locale.ROOT, "Dice at 0.5 %.4f, at Otsu(P) %.4f, best %.4f at %.2f", at05, atOtsu, at[best],
			(best + 1) / 100.0);
	}

	static double dice(final float[] p, final double t, final byte[] g) {
		long s = 0, gg = 0, both = 0;
		for (int i = 0; i < p.length; i++) {
			final boolean a = p[i] > t, b = g[i] != 0;
			if (a) s++;
			if (b) gg++;
			if (a && b) both++;
		}
		return (2.0 * both + 1e-5) / (s + gg + 1e-5);
	}

	static double otsuOf(final float[] p) {
		final int bins = 256;
		final long[] hist = new long[bins];
		for (final float v : p) hist[Math.min(bins - 1, Math.max(0, (int) (v * bins)))]++;
		long total = p.length;
		double sumAll = 0;
		for (int i = 0; i < bins; i++) sumAll += i * (double) hist[i];
		double sumB = 0, best = -1;
		long wB = 0;
		int bestI = bins / 2;
		for (int i = 0; i < bins; i++) {
			wB += hist[i];
			if (wB == 0 || wB == total) continue;
			sumB += i * (double) hist[i];
			final double mB = sumB / wB, mF = (sumAll - sumB) / (total - wB);
			final double between = (double) wB * (total - wB) * (mB - mF) * (mB - mF);
			if (between > best) {
				best = between;
				bestI = i;
			}
		}
		return (bestI + 1.0) / bins;
	}

	/** Apply Model on the held-out images: threshold 0.5 of the saved model's (polarity-corrected) output. */
	static double heldOut(final Path model, final ImagePlus img, final ImagePlus gt) {
		try (Predictor p = Predictor.load(model)) {
			final ImagePlus m = p.predict(img, 0.5, Progress.NONE).mask;
			return meanDice(m, gt);
		}
	}

	static ImagePlus sub(final ImagePlus imp, final int from, final int to) {
		final ImageStack s = new ImageStack(imp.getWidth(), imp.getHeight());
		for (int z = from; z <= to; z++) s.addSlice(imp.getStack().getSliceLabel(z), imp.getStack().getProcessor(z).duplicate());
		final ImagePlus out = new ImagePlus(imp.getTitle() + "-" + from + "-" + to, s);
		out.setCalibration(imp.getCalibration().copy());
		return out;
	}

	static double meanDice(final ImagePlus m, final ImagePlus gt) {
		double sum = 0;
		for (int z = 1; z <= gt.getStackSize(); z++) {
			final byte[] s = (byte[]) m.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
			final byte[] g = (byte[]) gt.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
			sum += SegmentationMetrics.overlap(new byte[][] { s }, new byte[][] { g })[0];
		}
		return sum / gt.getStackSize();
	}

	/** Otsu after a Gaussian of sigma 1, mean Dice over the slices (as IGTTExperiment). */
	static double otsu(final ImagePlus img, final ImagePlus gt) {
		return meanDice(ThresholdBaseline.apply(img, ThresholdBaseline.OTSU, 1, 51, -0.2, false, true, Progress.NONE).mask,
			gt);
	}

	static String load() {
		return loadavg().split(" ")[0];
	}

	static String loadavg() {
		try {
			return new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim();
		}
		catch (final Exception e) {
			return "?";
		}
	}
}
