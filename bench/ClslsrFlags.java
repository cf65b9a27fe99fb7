import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Progress;
import org.noisylabels.method.CLSLSR;
import org.noisylabels.metric.RocAuc;
import org.noisylabels.noise.ContourPerturbation;
import org.noisylabels.noise.Morphology;
import org.noisylabels.noise.RandomFlipping;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Predictor;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * CLSLSR's flagged-pixel maps scored against the known wrong pixels, and CLSLSR against its own CE
 * baseline on held-out nuclei. For each noise (random flipping 0.2 and 0.45, dilation ×2, contour
 * perturbation with noise_rate 1 and r 2–6 px) and seed, on the bundled nuclei training tile
 * (test-images/nuclei-train.tif and its expert mask): the noisy label from the suite's generator (the
 * seed also seeds the noise), then CLSLSR (stage 1 CE, stage 2 confident learning, stage 3 SLSR ε = 0.25),
 * ITERATIONS iterations per stage (default 400), U-Net base 8, depth 3, patch 64, batch 4, default
 * validation split and keep_model (last).
 * <p>
 * Scores: wrong = the noisy label differs from the expert mask. precision and recall of the flagged map;
 * flag AUC = the AUC of the binary map ((TPR + TNR)/2); score AUC = the AUC of the stage-1 model's 1 −
 * p(given label), the ranking confident learning cuts (independent of the cut); Dice at 0.5 of the CE
 * baseline (stage 1) and of CLSLSR (stage 3) on the held-out tile test-images/nuclei-test.tif.
 * <p>
 * Usage: bench/run.sh ClslsrFlags [ITERATIONS] [SEEDS, e.g. 1,2,3] [NOISES, e.g. flip0.2,flip0.45,dilate2,contour]
 */
public class ClslsrFlags {

	public static void main(final String[] args) throws Exception {
		final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 400;
		final String[] seeds = (args.length > 1 ? args[1] : "1,2,3").split(",");
		final String[] noises = (args.length > 2 ? args[2] : "flip0.2,flip0.45,dilate2,contour").split(",");
		final ImagePlus img = IJ.openImage("test-images/nuclei-train.tif");
		final ImagePlus clean = IJ.openImage("test-images/nuclei-train-gt.tif");
		final ImagePlus testImg = IJ.openImage("test-images/nuclei-test.tif");
		final ImagePlus testGt = IJ.openImage("test-images/nuclei-test-gt.tif");
		final Path work = Files.createTempDirectory("clslsr-flags");
		System.out.println("# iterations " + iterations + " per stage; U-Net base 8, depth 3, patch 64, batch 4; seeds " +
			String.join(",", seeds));
		System.out.println(
			"noise,seed,wrong_fraction,flagged_fraction,precision,recall,flag_auc,score_auc,dice_ce,dice_clslsr,seconds,load");
		final Map<String, List<double[]>> all = new LinkedHashMap<>();
		for (final String noise : noises)
			for (final String seedText : seeds) {
				final long seed = Long.parseLong(seedText.trim());
				final ImagePlus noisy = noisy(noise, clean, seed);
				final TrainingData data = TrainingData.fromImages(img, noisy, null, null, Normalization.zscore(), 0, "image",
					"label");
				final TrainingConfig cfg = new TrainingConfig();
				cfg.iterations = iterations;
				cfg.network.baseChannels = 8;
				cfg.network.depth = 3;
				cfg.patchSize = 64;
				cfg.batchSize = 4;
				cfg.seed = seed;
				final Path ce = work.resolve(noise + "-" + seed + "-ce"), cl = work.resolve(noise + "-" + seed + "-clslsr");
				cfg.model = cl;
				final long t0 = System.nanoTime();
				final CLSLSR method = new CLSLSR().saveBaselineTo(ce);
				final CLSLSR.Result r = method.train(cfg, data, null, "flags", Progress.NONE, s -> {});
				final double seconds = (System.nanoTime() - t0) / 1e9;
				final boolean[] flags = r.labelErrors.result.flagged.get(0);
				final ImageProcessor c = clean.getProcessor(), n = noisy.getProcessor();
				final int pixels = c.getPixelCount();
				final byte[] wrong = new byte[pixels];
				final float[] flagScore = new float[pixels], confScore = new float[pixels];
				long nWrong = 0, nFlag = 0, hit = 0;
				float[] p;
				try (Predictor pr = Predictor.load(ce)) {
					p = pr.predict(img.getProcessor(), Progress.NONE)[0];
				}
				for (int i = 0; i < pixels; i++) {
					final boolean w = (c.get(i) != 0) != (n.get(i) != 0);
					wrong[i] = (byte) (w ? 1 : 0);
					flagScore[i] = flags[i] ? 1 : 0;
					confScore[i] = n.get(i) != 0 ? 1 - p[i] : p[i];
					if (w) nWrong++;
					if (flags[i]) nFlag++;
					if (w && flags[i]) hit++;
				}
				final double[] row = { (double) nWrong / pixels, (double) nFlag / pixels, nFlag == 0 ? Double.NaN
					: (double) hit / nFlag, (double) hit / nWrong, RocAuc.auc(new float[][] { flagScore }, new byte[][] { wrong }),
					RocAuc.auc(new float[][] { confScore }, new byte[][] { wrong }), dice(ce, testImg, testGt), dice(cl, testImg,
						testGt), seconds };
				all.computeIfAbsent(noise, k -> new ArrayList<>()).add(row);
				System.out.println(String.format(Locale.ROOT, "%s,%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.0f,%s", noise,
					seed, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], load()));
			}
		System.out.println("# summary: mean (sd) over seeds");
		System.out.println("noise,wrong_fraction,flagged_fraction,precision,recall,flag_auc,score_auc,dice_ce,dice_clslsr");
		for (final Map.Entry<String, List<double[]>> e : all.entrySet()) {
			final StringBuilder sb = new StringBuilder(e.getKey());
			for (int k = 0; k < 8; k++) {
				double m = 0, s = 0;
				for (final double[] r : e.getValue()) m += r[k] / e.getValue().size();
				for (final double[] r : e.getValue()) s += (r[k] - m) * (r[k] - m);
				s = e.getValue().size() > 1 ? Math.sqrt(s / (e.getValue().size() - 1)) : 0;
				sb.append(String.format(Locale.ROOT, ",%.3f (%.3f)", m, s));
			}
			System.out.println(sb);
		}
		deleteRecursively(work.toFile());
	}

	private static ImagePlus noisy(final String noise, final ImagePlus clean, final long seed) {
		if (noise.startsWith("flip")) return RandomFlipping.apply(clean, Double.parseDouble(noise.substring(4)), seed);
		if (noise.startsWith("dilate")) return Morphology.dilate(clean, Integer.parseInt(noise.substring(6)), false);
		if (noise.equals("contour")) return ContourPerturbation.apply(clean, 1.0, 2, 6, seed).noisyLabel;
		throw new IllegalArgumentException("unknown noise " + noise);
	}

	/** Foreground Dice at 0.5 of a model on an image against a 0/255 mask. */
	private static double dice(final Path model, final ImagePlus image, final ImagePlus gt) {
		try (Predictor pr = Predictor.load(model)) {
			final float[] p = pr.predict(image.getProcessor(), Progress.NONE)[0];
			final ImageProcessor g = gt.getProcessor();
			long tp = 0, ps = 0, gs = 0;
			for (int i = 0; i < p.length; i++) {
				final boolean a = p[i] >= 0.5f, b = g.get(i) != 0;
				if (a) ps++;
				if (b) gs++;
				if (a && b) tp++;
			}
			return (2.0 * tp + 1e-5) / (ps + gs + 1e-5);
		}
	}

	private static String load() {
		try {
			return Files.readAllLines(new File("/proc/loadavg").toPath()).get(0).split(" ")[0];
		}
		catch (final Exception e) {
			return "?";
		}
	}

	private static void deleteRecursively(final File f) {
		final File[] c = f.listFiles();
		if (c != null) for (final File x : c) deleteRecursively(x);
		f.delete();
	}
}
