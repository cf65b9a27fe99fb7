import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Progress;
import org.noisylabels.method.IGTT;
import org.noisylabels.method.IGTTSegmentation;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.metric.ThresholdBaseline;

import ij.IJ;
import ij.ImagePlus;

/**
 * iGTT with and without EMS on the bundled images, several seeds, default parameters (unless overridden):
 * Dice mean ± SD per setting, next to Otsu (sigma 1, as in test-images/README.md).
 *
 * Usage: bench/run.sh IGTTExperiment [datasets=filaments,tubes,nuclei (also nuclei-test, blobs)] [seeds=1,2,3] [ems=true,false]
 * [epochs=N] [base_channels=N] [depth=N] [batch_size=N] [learning_rate=X] [lr_step=N] [k=N] [p=X] [r=N]
 * [patch_size=N] [steps_per_epoch=N] [clip_norm=X] [lr_gamma=X] [momentum=X] [flip=B] [weight_decay=X] [shared_index=B] [output_threshold=X] [soft_iou=reference|paper] [first_labels=black|otsu] [candidate=dmi|otsu] [label_gate=otsu|none] [verbose=B]
 * [data=NAME:IMAGE.tif:GT.tif;NAME2:...] (extra datasets, e.g. filaments made denser with Synthetic Microscopy)
 * <p>
 * Besides the method's own output, every run prints diagnostics that use the ground truth (the method never
 * does): the AUC and foreground % of the output every 5 epochs, and the final probability map's Dice at 0.5,
 * at Otsu's threshold of the map, and at the best of 49 thresholds (the "oracle", which is how the iGTT
 * authors' evaluation code scores a map: the best threshold against the ground truth, in either polarity).
 */
public class IGTTExperiment {

	static final Map<String, String[]> DATA = new LinkedHashMap<>();
	static {
		DATA.put("filaments", new String[] { "test-images/synth-filaments.tif", "test-images/synth-filaments-gt.tif" });
		DATA.put("tubes", new String[] { "test-images/synth-tubes.tif", "test-images/synth-tubes-gt.tif" });
		DATA.put("nuclei", new String[] { "test-images/img2d.tif", "test-images/gt2d.tif" });
		DATA.put("nuclei-test", new String[] { "test-images/nuclei-test.tif", "test-images/nuclei-test-gt.tif" });
		DATA.put("blobs", new String[] { "test-images/synth-blobs.tif", "test-images/synth-blobs-gt.tif" });
	}

	static final List<String> KEYS = java.util.Arrays.asList("datasets", "seeds", "ems", "verbose", "data", "epochs",
		"base_channels", "depth", "batch_size", "learning_rate", "lr_step", "k", "p", "r", "patch_size", "lr_gamma",
		"momentum", "flip", "weight_decay", "shared_index", "output_threshold", "soft_iou", "steps_per_epoch", "clip_norm", "first_labels", "candidate", "label_gate");

	public static void main(final String[] args) throws Exception {
		final Map<String, String> a = new LinkedHashMap<>();
		for (final String s : args) a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
		for (final String key : a.keySet())
			if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown key '" + key + "'");
		if (a.containsKey("data")) for (final String d : a.get("data").split(";")) {
			final String[] f = d.split(":");
			if (f.length != 3) throw new IllegalArgumentException("data: expected NAME:IMAGE.tif:GT.tif, got '" + d + "'");
			DATA.put(f[0], new String[] { f[1], f[2] });
		}
		final String[] datasets = a.getOrDefault("datasets", "filaments,tubes,nuclei").split(",");
		final String[] seeds = a.getOrDefault("seeds", "1,2,3").split(",");
		final String[] emsList = a.getOrDefault("ems", "true,false").split(",");
		final boolean verbose = Boolean.parseBoolean(a.getOrDefault("verbose", "false"));
		System.out.println("load at start: " + new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim());
		System.out.println("overrides: " + (a.isEmpty() ? "none (command defaults)" : a));
		final StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "%-10s %-8s %-22s %-10s %s%n", "data", "setting", "Dice mean ± SD",
			"time/run", "per seed"));
		// seeds outermost, so that an interrupted run still has every setting for the first seeds
		final Map<String, List<Double>> dice = new LinkedHashMap<>();
		final Map<String, Double> time = new LinkedHashMap<>();
		final Map<String, Double> otsu = new LinkedHashMap<>();
		final Map<String, ImagePlus[]> data = new LinkedHashMap<>();
		for (final String ds : datasets) {
			final ImagePlus img = IJ.openImage(DATA.get(ds)[0]);
			final ImagePlus gt = IJ.openImage(DATA.get(ds)[1]);
			data.put(ds, new ImagePlus[] { img, gt });
			otsu.put(ds, otsu(img, gt));
			long fg = 0, all = 0;
			for (int z = 1; z <= gt.getStackSize(); z++) {
				final byte[] g = (byte[]) gt.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
				for (final byte b : g) if (b != 0) fg++;
				all += g.length;
			}
			System.out.println(String.format(Locale.ROOT, "%s: ground-truth foreground %.1f%%, Otsu Dice %.4f", ds, 100.0 * fg / all,
				otsu.get(ds)));
		}
		for (final String seed : seeds) {
			for (final String ds : datasets) {
				final ImagePlus img = data.get(ds)[0], gt = data.get(ds)[1];
				for (final String ems : emsList) {
					final IGTTSegmentation.Settings s = settings(a);
					s.params.ems = Boolean.parseBoolean(ems);
					s.params.seed = Long.parseLong(seed);
					final IGTTSegmentation.Result r = IGTTSegmentation.run(img, gt, s, Progress.NONE, m -> {
						if (verbose || m.startsWith("polarity")) System.out.println("  " + m);
					});
					if (r.warning != null) System.out.println("  WARNING: " + r.warning);
					final int last = r.metrics.size() - 1;
					final double d = r.metrics.getValue("dice", last);
					double best = 0;
					int bestEpoch = 0;
					for (int i = 0; i < r.metrics.size(); i++)
						if (r.metrics.getValue("dice", i) > best) {
							best = r.metrics.getValue("dice", i);
							bestEpoch = i + 1;
						}
					final String key = ds + "\t" + (s.params.ems ? "EMS" : "no EMS");
					dice.computeIfAbsent(key, x -> new ArrayList<>()).add(d);
					time.merge(key, r.seconds, Double::sum);
					System.out.println(String.format(Locale.ROOT,
						"%s ems=%s seed=%s: Dice %.4f (best epoch %d: %.4f; candidate Dice %.4f; inverted %d) in %.1f s; load %s", ds,
						ems, seed, d, bestEpoch, best, r.metrics.getValue("candidate_dice", last), (int) r.metrics.getValue(
							"inverted", last), r.seconds, load()));
					System.out.println("   " + thresholdDiagnostics(r.probability, gt));
					System.out.print("   dice per 5 epochs:");
					for (int i = 4; i < r.metrics.size(); i += 5)
						System.out.print(String.format(Locale.ROOT, " %.3f", r.metrics.getValue("dice", i)));
					System.out.println();
					System.out.print("   auc per 5 epochs: ");
					for (int i = 4; i < r.metrics.size(); i += 5)
						System.out.print(String.format(Locale.ROOT, " %.3f", r.metrics.getValue("auc", i)));
					System.out.println();
					System.out.print("   foreground % per 5 epochs:");
					for (int i = 4; i < r.metrics.size(); i += 5)
						System.out.print(String.format(Locale.ROOT, " %.1f", r.metrics.getValue("foreground_percent", i)));
					System.out.println();
				}
			}
		}
		for (final String ds : datasets) {
			table.append(String.format(Locale.ROOT, "%-10s %-8s %.4f%n", ds, "Otsu", otsu.get(ds)));
			for (final String ems : emsList) {
				final String key = ds + "\t" + (Boolean.parseBoolean(ems) ? "EMS" : "no EMS");
				final List<Double> l = dice.get(key);
				double mean = 0, sd = 0;
				final StringBuilder per = new StringBuilder();
				for (final double d : l) {
					mean += d / l.size();
					per.append(String.format(Locale.ROOT, "%.4f ", d));
				}
				for (final double d : l) sd += (d - mean) * (d - mean);
				sd = l.size() > 1 ? Math.sqrt(sd / (l.size() - 1)) : 0;
				table.append(String.format(Locale.ROOT, "%-10s %-8s %.4f ± %.4f        %6.1f s   %s%n", ds, key.substring(key
					.indexOf('\t') + 1), mean, sd, time.get(key) / l.size(), per));
			}
		}
		System.out.println();
		System.out.println("seeds " + String.join(",", seeds) + "; Dice = mean over the slices of the final epoch's mask");
		System.out.print(table);
		System.out.println("load at end: " + new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim());
		System.exit(0);
	}

	public static IGTTSegmentation.Settings settings(final Map<String, String> a) {
		final IGTTSegmentation.Settings s = new IGTTSegmentation.Settings();
		if (a.containsKey("epochs")) s.epochs = Integer.parseInt(a.get("epochs"));
		if (a.containsKey("base_channels")) s.baseChannels = Integer.parseInt(a.get("base_channels"));
		if (a.containsKey("depth")) s.depth = Integer.parseInt(a.get("depth"));
		if (a.containsKey("batch_size")) s.batchSize = Integer.parseInt(a.get("batch_size"));
		if (a.containsKey("learning_rate")) s.learningRate = Double.parseDouble(a.get("learning_rate"));
		if (a.containsKey("lr_step")) s.lrStep = Integer.parseInt(a.get("lr_step"));
		if (a.containsKey("k")) s.params.k = Integer.parseInt(a.get("k"));
		if (a.containsKey("p")) s.params.p = Double.parseDouble(a.get("p"));
		if (a.containsKey("r")) s.params.r = Integer.parseInt(a.get("r"));
		if (a.containsKey("patch_size")) s.patchSize = Integer.parseInt(a.get("patch_size"));
		if (a.containsKey("clip_norm")) s.clipNorm = Double.parseDouble(a.get("clip_norm"));
		if (a.containsKey("steps_per_epoch")) s.stepsPerEpoch = Integer.parseInt(a.get("steps_per_epoch"));
		if (a.containsKey("lr_gamma")) s.lrGamma = Double.parseDouble(a.get("lr_gamma"));
		if (a.containsKey("momentum")) s.momentum = Double.parseDouble(a.get("momentum"));
		if (a.containsKey("flip")) s.flip = Boolean.parseBoolean(a.get("flip"));
		if (a.containsKey("weight_decay")) s.weightDecay = Double.parseDouble(a.get("weight_decay"));
		if (a.containsKey("shared_index")) s.params.sharedIndex = Boolean.parseBoolean(a.get("shared_index"));
		if (a.containsKey("soft_iou")) s.params.paperIoU = IGTT.paperIoU(a.get("soft_iou"));
		if (a.containsKey("first_labels")) s.params.firstLabels = IGTT.firstLabels(a.get("first_labels"));
		if (a.containsKey("candidate")) s.params.candidate = a.get("candidate");
		if (a.containsKey("label_gate")) s.params.labelGate = a.get("label_gate");
		if (a.containsKey("output_threshold")) s.params.outputThreshold = Double.parseDouble(a.get("output_threshold"));
		s.historyBudget = 0;
		return s;
	}

	/**
	 * Diagnostics only (the method never sees the ground truth): mean Dice over the slices of the final
	 * probability map thresholded at 0.5, at Otsu's threshold of the map itself, and at the oracle threshold
	 * (the best of 50 between 0 and 1, chosen with the ground truth as the iGTT authors' evaluation does).
	 */
	static String thresholdDiagnostics(final ImagePlus prob, final ImagePlus gt) {
		final int d = prob.getStackSize();
		final double[] oracle = new double[51];
		// rank oracle: the q % highest-probability pixels of each slice, best q of 1..50 % (sees saturated maps)
		final double[] rank = new double[51];
		double half = 0, otsuP = 0;
		for (int z = 1; z <= d; z++) {
			final float[] p = (float[]) prob.getStack().getProcessor(z).getPixels();
			final byte[] g = (byte[]) gt.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
			half += dice(p, g, 0.5) / d;
			final int[] hist = new int[256];
			for (final float v : p) hist[Math.max(0, Math.min(255, (int) (v * 256)))]++;
			final int t = new ij.process.AutoThresholder().getThreshold(ij.process.AutoThresholder.Method.Otsu, hist);
			otsuP += dice(p, g, (t + 1) / 256.0) / d;
			for (int k = 1; k < 50; k++) oracle[k] += dice(p, g, k / 50.0) / d;
			final float[] sorted = p.clone();
			java.util.Arrays.sort(sorted);
			for (int q = 1; q <= 50; q++) rank[q] += dice(p, g, sorted[sorted.length - sorted.length * q / 100]) / d;
		}
		double best = 0;
		int bk = 0;
		for (int k = 1; k < 50; k++) if (oracle[k] > best) { best = oracle[k]; bk = k; }
		double bestRank = 0;
		int bq = 0;
		for (int q = 1; q <= 50; q++) if (rank[q] > bestRank) { bestRank = rank[q]; bq = q; }
		return String.format(Locale.ROOT,
			"final map: Dice at 0.5 %.4f, at Otsu of the map %.4f, oracle %.4f (t=%.2f), rank oracle %.4f (top %d%%)", half,
			otsuP, best, bk / 50.0, bestRank, bq);
	}

	static double dice(final float[] p, final byte[] g, final double t) {
		long inter = 0, a = 0, b = 0;
		for (int i = 0; i < p.length; i++) {
			final boolean x = p[i] >= t, y = g[i] != 0;
			if (x) a++;
			if (y) b++;
			if (x && y) inter++;
		}
		return a + b == 0 ? 1 : 2.0 * inter / (a + b);
	}

	static String load() {
		try {
			return new String(Files.readAllBytes(Paths.get("/proc/loadavg"))).trim().split(" ")[0];
		}
		catch (final Exception e) {
			return "?";
		}
	}

	/** Otsu after a Gaussian of sigma 1, mean Dice over the slices. */
	static double otsu(final ImagePlus img, final ImagePlus gt) {
		final ImagePlus m = ThresholdBaseline.apply(img, ThresholdBaseline.OTSU, 1, 51, -0.2, false, true,
			Progress.NONE).mask;
		double sum = 0;
		for (int z = 1; z <= img.getStackSize(); z++) {
			final byte[] s = (byte[]) m.getStack().getProcessor(z).getPixels();
			final byte[] g = (byte[]) gt.getStack().getProcessor(z).convertToByteProcessor(false).getPixels();
			sum += SegmentationMetrics.overlap(new byte[][] { s }, new byte[][] { g })[0];
		}
		return sum / img.getStackSize();
	}
}
