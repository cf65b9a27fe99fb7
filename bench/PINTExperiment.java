import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.noisylabels.Progress;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.method.PINT;
import org.noisylabels.method.pint.UncertaintyMaps;
import org.noisylabels.method.Supervised;
import org.noisylabels.metric.RocAuc;
import org.noisylabels.metric.SegmentationMetrics;
import org.noisylabels.noise.ContourPerturbation;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Sample;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * PINT's Table 1 in spirit (algorithms.md §3, §5): contour-perturbation noise on 25/50/75 % of the
 * training images; CE baseline, PNT, INT and PINT; Dice and ASSD on held-out tiles with CLEAN labels.
 * <p>
 * Data: (1) the bundled nuclei (test-images/img2d.tif + gt2d.tif) cut into 16 tiles of 128×128 ("images"
 * of the image-level phase): 10 train, 2 validation, 4 test (seeded choice among tiles with nuclei, the
 * same for every run); (2) the bundled synthetic blobs (test-images/synth-blobs*.tif, 8 images 256×256)
 * cut into 32 tiles: slices 1–5 and two tiles of slice 6 train (22), the other two of slice 6 validation,
 * slices 7–8 test (8). Validation labels are CLEAN (a few clean tiles, the paper's "validation
 * performance"): every method keeps its best validation checkpoint.
 * <p>
 * Noise: org.noisylabels.noise.ContourPerturbation on the stack of training tiles with noise_rate = 25/50/75 %
 * (exactly that share of tiles is perturbed: dilate/erode/distort with p .35/.35/.3); r uniform in
 * [r_min, r_max] = [round(0.2 R), round(0.6 R)] with R the objects' mean equivalent radius
 * sqrt(area/π) in the clean training labels (the paper's 5–18 voxels on left atria of radius ~30 scaled to
 * nuclei).
 * <p>
 * Schedules, scaled from the paper's 6000 + 2000 iterations to N (keeping the ratios): PINT = pixel phase
 * 3N/4 (lr 0.01 ÷10 every 2500/8000·N) then image phase N/4 (lr 0.01, early stopping after 3
 * validations without gain); PNT = N iterations of the pixel phase schedule; INT = N iterations at lr 0.01; CE
 * baseline = Supervised CE with PNT's schedule. SGD momentum 0.9, weight decay 1e-4, dropout 0.5 after the
 * deepest encoder and the first decoder stage for ALL methods (same U-Net), validation every N/20 (INT
 * phases: every int_iterations/10).
 * <p>
 * Also reported for PNT/INT/PINT: the pixel AUC of the final teacher's uncertainty map u for "this
 * training pixel's label is wrong" (noisy ≠ clean), and the mean image uncertainty U of the perturbed vs
 * clean training tiles.
 * <p>
 * Memorisation check (columns "fit noisy" / "fit clean"): Dice of the model's segmentation of the
 * PERTURBED training tiles against their noisy labels and against their clean labels; a model that
 * memorised the noise fits the noisy ones better.
 * <p>
 * The first row of each data set ("0 %") is the CE baseline trained on the clean labels (upper bound).
 * Ablations: a method name may carry the flags c = constant learning rate 0.01 in the pixel phase (CEc: CE
 * at INT's constant rate; is INT's gain its schedule?) and w = the uncertainty ramped in over the first
 * {@code warmup}·N iterations (PINT's warmup_iterations key; the paper has none), e.g. PNTc, PINTw.
 * <p>
 * CPU budget (2 shared cores): N = 160, U-Net base 8 channels, patches of 64×64 (from the 128×128
 * tiles), batch 4; the EMA decay is 0.9 instead of the paper's 0.99 because the runs are 50× shorter: the
 * teacher's horizon 1/(1 − γ) is then 10 iterations (6 % of the run; the paper's 100 are 1.25 % of 8000).
 * With 0.99 the teacher was still nearly uniform after 160 iterations (mean U 0.5–0.65 nats of ln 2 = 0.69).
 * <p>
 * Usage: bench/run.sh PINTExperiment [iterations=160] [seeds=2] [base=8] [patch=64] [batch=4]
 * [datasets=nuclei,blobs] [rates=25,50,75] [methods=CE,PNT,INT,PINT] [gamma=0.9] [soft=true]
 * [dropout=0.5] [validation=clean|noisy] [clean=true] [select=best|final] [pint=split|paper] [gamma=auto]
 * [r_lo=0.2] [r_hi=0.6]
 * <p>
 * Noise strength: the paper erodes/dilates whole 3D volumes by 5–18 voxels; for an LA-sized sphere (radius
 * 25–35 voxels, cross-shaped element) that leaves a perturbed volume with Dice 0.47–0.60 against the truth
 * (dilated 0.58–0.67, eroded 0.36–0.53). In 2D the same relative radii corrupt less: on the nuclei r in
 * [0.2R, 0.6R] = [2, 7] gives perturbed tiles of Dice 0.74 (dilated 0.73, eroded 0.66, distorted 0.83),
 * r_lo=0.25 r_hi=0.75 = [3, 9] gives 0.63 (0.67, 0.40, 0.79), the paper's corruption.
 * <p>
 * The paper's protocol (Shi &amp; Wu 2021, §3: CE V-Net and PNT 6000 iterations at lr 0.01 ÷10 every 2500,
 * PINT adds 2000 image-phase iterations at lr 0.01, the final model is tested, EMA decay 0.99) scaled to N:
 * {@code select=final pint=paper gamma=auto}.
 */
public class PINTExperiment {

	static final class Data {

		final String name;
		final ImagePlus trainImage, trainClean, valImage, valClean, testImage, testClean;

		Data(final String name, final ImagePlus ti, final ImagePlus tc, final ImagePlus vi, final ImagePlus vc,
			final ImagePlus si, final ImagePlus sc)
		{
			this.name = name;
			trainImage = ti;
			trainClean = tc;
			valImage = vi;
			valClean = vc;
			testImage = si;
			testClean = sc;
		}
	}

	static final class Score {

		double dice, assd, uAuc = Double.NaN, uNoisy = Double.NaN, uClean = Double.NaN, seconds;
		/** Dice of the model's segmentation of the perturbed training tiles vs their noisy / their clean labels. */
		double fitNoisy = Double.NaN, fitClean = Double.NaN;
		long iterations;
	}

	/** EMA decay of the teacher. */
	static double gamma;
	/** Soft (true) or hard pseudo labels. */
	static boolean soft;
	/** Dropout of every method's U-Net (deepest encoder and first decoder stage). */
	static double dropout;
	/** Print the trainer's log on standard error. */
	static boolean verbose;
	/** Seeds first_seed .. first_seed + seeds − 1. */
	static int firstSeed;
	/** Warm-up of the uncertainty as a fraction of N for the methods PNTw/INTw/PINTw (the others: none, as the paper). */
	static double warmup;
	/** Batch normalisation in the U-Net. */
	static boolean batchNorm;
	/** clean: the validation tiles keep their clean labels; noisy: they are perturbed like the training tiles. */
	static String validation;
	/** best: every method keeps its best validation checkpoint; final: no validation, the last iteration's model. */
	static String select;
	/**
	 * split: PINT = pixel phase 3N/4 + image phase N/4 (the same N as CE/PNT/INT); paper: PINT = pixel phase N
	 * + image phase N/3 (the paper's 6000 + 2000; CE and PNT run the N iterations of the pixel phase).
	 */
	static String pintSchedule;
	/** The contour radii [r_min, r_max] = [round(r_lo·R), round(r_hi·R)], R = the objects' mean radius. */
	static double rLo, rHi;
	/** auto gamma: the paper's teacher horizon 1/(1 − 0.99) = 100 iterations per 8000 of PINT, scaled. */
	static boolean autoGamma;

	/** The perturbed training labels, the validation labels used, which training tiles were perturbed. */
	static final class Noisy {

		final ImagePlus train, val;
		final boolean[] perturbed;

		Noisy(final ImagePlus train, final ImagePlus val, final boolean[] perturbed) {
			this.train = train;
			this.val = val;
			this.perturbed = perturbed;
		}
	}

	/** Contour perturbation of the training AND validation tiles (one stack, exactly rate·n tiles perturbed). */
	static Noisy perturb(final Data d, final double rate, final int rMin, final int rMax, final long seed) {
		final ImageStack all = new ImageStack(d.trainClean.getWidth(), d.trainClean.getHeight());
		final int nt = d.trainClean.getStackSize(), nv = d.valClean.getStackSize();
		for (int z = 1; z <= nt; z++) all.addSlice(d.trainClean.getStack().getProcessor(z).duplicate());
		for (int z = 1; z <= nv; z++) all.addSlice(d.valClean.getStack().getProcessor(z).duplicate());
		final ContourPerturbation.Result r = ContourPerturbation.apply(new ImagePlus("labels", all), rate, rMin, rMax, seed);
		final ImageStack t = new ImageStack(all.getWidth(), all.getHeight()), v = new ImageStack(all.getWidth(), all
			.getHeight());
		for (int z = 1; z <= nt + nv; z++) (z <= nt ? t : v).addSlice(r.noisyLabel.getStack().getProcessor(z));
		return new Noisy(new ImagePlus("train-noisy", t), validation.equals("noisy") ? new ImagePlus("val-noisy", v)
			: d.valClean, Arrays.copyOf(r.perturbed, nt));
	}

	public static void main(final String[] args) throws Exception {
		final Map<String, String> a = new LinkedHashMap<>();
		for (final String s : args) a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
		final int n = Integer.parseInt(a.getOrDefault("iterations", "160"));
		final int seeds = Integer.parseInt(a.getOrDefault("seeds", "2"));
		final int base = Integer.parseInt(a.getOrDefault("base", "8"));
		final int patch = Integer.parseInt(a.getOrDefault("patch", "64"));
		final int batch = Integer.parseInt(a.getOrDefault("batch", "4"));
		final List<String> datasets = Arrays.asList(a.getOrDefault("datasets", "nuclei,blobs").split(","));
		final List<String> rates = Arrays.asList(a.getOrDefault("rates", "25,50,75").split(","));
		final List<String> methods = Arrays.asList(a.getOrDefault("methods", "CE,PNT,INT,PINT").split(","));
		pintSchedule = a.getOrDefault("pint", "split");
		if (!pintSchedule.equals("split") && !pintSchedule.equals("paper")) throw new IllegalArgumentException(
			"pint=split|paper");
		autoGamma = a.getOrDefault("gamma", "0.9").equals("auto");
		// auto: horizon 1/(1 − γ) = 100/8000 of PINT's iterations (0.99 at the paper's 8000)
		gamma = autoGamma ? 1 - 1 / (0.0125 * pintTotal(n)) : Double.parseDouble(a.getOrDefault("gamma", "0.9"));
		rLo = Double.parseDouble(a.getOrDefault("r_lo", "0.2"));
		rHi = Double.parseDouble(a.getOrDefault("r_hi", "0.6"));
		select = a.getOrDefault("select", "best");
		if (!select.equals("best") && !select.equals("final")) throw new IllegalArgumentException("select=best|final");
		validation = a.getOrDefault("validation", "clean");
		soft = Boolean.parseBoolean(a.getOrDefault("soft", "true"));
		dropout = Double.parseDouble(a.getOrDefault("dropout", "0.5"));
		verbose = Boolean.parseBoolean(a.getOrDefault("verbose", "false"));
		firstSeed = Integer.parseInt(a.getOrDefault("first_seed", "1"));
		warmup = Double.parseDouble(a.getOrDefault("warmup", "0.3"));
		batchNorm = Boolean.parseBoolean(a.getOrDefault("batch_norm", "true"));
		System.out.println(String.format(Locale.ROOT,
			"# PINT Table 1 in spirit: N = %d iterations per run, %d seeds, U-Net depth 3 base %d, batch %d, patch %d, EMA decay %s, %s pseudo labels, dropout %s, warm-up %s·N for *w methods, %s validation labels; Dice and ASSD (px) on clean test tiles, mean ± sd over seeds",
			n, seeds, base, batch, patch, String.format(Locale.ROOT, "%.4f%s", gamma, autoGamma ? " (auto)" : ""), soft
				? "soft" : "hard", dropout, warmup, validation));
		System.out.println(String.format(Locale.ROOT,
			"# schedules: CE and PNT %d iterations, lr 0.01 ÷10 every %d; INT %d at lr 0.01; PINT pixel phase %d (same lr steps) + image phase %d at lr 0.01 (%s); model evaluated: %s",
			n, lrStep(n), n, pintPixel(n), pintTotal(n) - pintPixel(n), pintSchedule.equals("paper")
				? "the paper's 6000 + 2000 scaled" : "3N/4 + N/4", select.equals("final")
					? "the FINAL iteration's (no validation, no early stopping; the paper's protocol)"
					: "the best clean-validation checkpoint (PINT: early stopping in the image phase)"));
		final long t0 = System.nanoTime();
		for (final String ds : datasets) {
			final Data d = ds.equals("nuclei") ? nuclei() : blobs();
			final double r = meanRadius(d.trainClean);
			final int rMin = Math.max(1, (int) Math.round(rLo * r)), rMax = Math.max(rMin, (int) Math.round(rHi * r));
			System.out.println(String.format(Locale.ROOT,
				"## %s: %d train / %d validation / %d test tiles of %dx%d; mean object radius %.1f px -> contour r in [%d, %d]",
				d.name, d.trainImage.getStackSize(), d.valImage.getStackSize(), d.testImage.getStackSize(), d.trainImage
					.getWidth(), d.trainImage.getHeight(), r, rMin, rMax));
			System.out.println(String.format(Locale.ROOT, "%-6s %-6s %17s %17s %9s %9s %9s %7s %9s %9s", "noise", "method",
				"Dice", "ASSD", "u AUC", "U noisy", "U clean", "s/run", "fit noisy", "fit clean"));
			if (a.getOrDefault("clean", "true").equals("true")) {
				final List<Score> l = new ArrayList<>();
				for (int seed = 1; seed <= seeds; seed++) {
					final Noisy none = new Noisy(d.trainClean, d.valClean, new boolean[d.trainClean.getStackSize()]);
					l.add(run(d, none, "CE", n, seed, base, patch, batch));
					System.err.println(String.format(Locale.ROOT, "%s clean seed %d CE: Dice %.4f (%.0f s total)", d.name, seed, l
						.get(l.size() - 1).dice, (System.nanoTime() - t0) / 1e9));
				}
				System.out.println(String.format(Locale.ROOT, "%-6s %-6s %17s %17s %9s %9s %9s %7.0f", "0%", "CE", pm(l,
					x -> x.dice), pm(l, x -> x.assd), "-", "-", "-", meanValue(l, x -> x.seconds)));
			}
			for (final String rate : rates) {
				final Map<String, List<Score>> scores = new LinkedHashMap<>();
				double labelDice = 0;
				for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
					final Noisy noisy = perturb(d, Integer.parseInt(rate) / 100.0, rMin, rMax, seed);
					labelDice += SegmentationMetrics.overlap(pixels(noisy.train), pixels(d.trainClean))[0] / seeds;
					for (final String m : methods) {
						final Score s = run(d, noisy, m, n, seed, base, patch, batch);
						scores.computeIfAbsent(m, k -> new ArrayList<>()).add(s);
						System.err.println(String.format(Locale.ROOT, "%s %s%% seed %d %s: Dice %.4f ASSD %.3f u-AUC %.3f fit noisy %.3f clean %.3f (%.0f s, best at %d; %.0f s total)",
							d.name, rate, seed, m, s.dice, s.assd, s.uAuc, s.fitNoisy, s.fitClean, s.seconds, s.iterations, (System.nanoTime() - t0) / 1e9));
					}
				}
				System.out.println(String.format(Locale.ROOT, "# %s%%: noisy training labels Dice vs clean %.4f", rate,
					labelDice));
				for (final Map.Entry<String, List<Score>> e : scores.entrySet()) {
					final List<Score> l = e.getValue();
					System.out.println(String.format(Locale.ROOT, "%-6s %-6s %17s %17s %9s %9s %9s %7.0f %9s %9s", rate + "%", e
						.getKey(), pm(l, x -> x.dice), pm(l, x -> x.assd), mean(l, x -> x.uAuc), mean(l, x -> x.uNoisy), mean(l,
							x -> x.uClean), meanValue(l, x -> x.seconds), mean(l, x -> x.fitNoisy), mean(l, x -> x.fitClean)));
				}
				if (scores.containsKey("CE")) for (final Map.Entry<String, List<Score>> e : scores.entrySet())
					if (!e.getKey().equals("CE")) System.out.println(String.format(Locale.ROOT, "%-6s %-6s %s", rate + "%", e
						.getKey(), paired(e.getValue(), scores.get("CE"))));
			}
		}
		System.out.println(String.format(Locale.ROOT, "# total %.1f min", (System.nanoTime() - t0) / 60e9));
		System.exit(0);
	}

	interface Get {

		double of(Score s);
	}

	static double meanValue(final List<Score> l, final Get g) {
		double s = 0;
		for (final Score x : l) s += g.of(x);
		return s / l.size();
	}

	static String mean(final List<Score> l, final Get g) {
		final double m = meanValue(l, g);
		return Double.isNaN(m) ? "-" : String.format(Locale.ROOT, "%.3f", m);
	}

	static String pm(final List<Score> l, final Get g) {
		final double m = meanValue(l, g);
		double v = 0;
		for (final Score x : l) v += (g.of(x) - m) * (g.of(x) - m);
		final double sd = l.size() > 1 ? Math.sqrt(v / (l.size() - 1)) : 0;
		return String.format(Locale.ROOT, "%.4f ± %.4f", m, sd);
	}

	/**
	 * The comparison with CE paired by seed (each seed shares the noisy labels, the network's initial
	 * weights and the patch order): mean Dice and ASSD differences, how many seeds the method wins, and the
	 * one-sided sign-test p-value of that many wins or more if the two were equally good.
	 */
	static String paired(final List<Score> m, final List<Score> ce) {
		final int n = Math.min(m.size(), ce.size());
		double sum = 0, sq = 0, assd = 0;
		int wins = 0;
		for (int i = 0; i < n; i++) {
			final double d = m.get(i).dice - ce.get(i).dice;
			sum += d;
			sq += d * d;
			assd += m.get(i).assd - ce.get(i).assd;
			if (d > 0) wins++;
		}
		final double mean = sum / n, sd = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : 0;
		double p = 0;
		for (int k = wins; k <= n; k++) p += binomial(n, k) / Math.pow(2, n);
		return String.format(Locale.ROOT,
			"paired vs CE: Dice %+.4f ± %.4f (t = %.2f), ASSD %+.3f px, wins %d of %d seeds (sign test p = %.3f)", mean,
			sd, sd > 0 ? mean / (sd / Math.sqrt(n)) : Double.NaN, assd / n, wins, n, p);
	}

	static double binomial(final int n, final int k) {
		double c = 1;
		for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
		return c;
	}

	/** PINT's pixel-phase iterations for N. */
	static int pintPixel(final int n) {
		return pintSchedule.equals("paper") ? n : n * 3 / 4;
	}

	/** PINT's total iterations for N. */
	static int pintTotal(final int n) {
		return pintSchedule.equals("paper") ? n + Math.max(1, (int) Math.round(n / 3.0)) : n;
	}

	/** The pixel phase's lr step: 2500 of the paper's 6000 pixel-phase iterations, scaled. */
	static int lrStep(final int n) {
		return Math.max(1, (int) Math.round(pintSchedule.equals("paper") ? n * 2500.0 / 6000 : n * 2500.0 / 8000));
	}

	/** CE with the pixel phase's schedule (set per step, as PINT does). */
	static final class ScheduledCE extends Supervised {

		final PINT.Params schedule;

		ScheduledCE(final PINT.Params schedule) {
			super(LossType.CE, new LossParams());
			this.schedule = schedule;
		}

		@Override
		public void beforeStep(final StepContext c) {
			c.setLearningRate(schedule.learningRate(c.step()));
		}
	}

	static Score run(final Data d, final Noisy noisy, final String method, final int n,
		final int seed, final int base, final int patch, final int batch)
	{
		final PINT.Params p = new PINT.Params();
		p.seed = seed;
		p.ema_decay = gamma;
		p.soft_pseudo_labels = soft;
		p.dropout = dropout;
		// method = base name (CE, PNT, INT, PINT) + flags: c = constant lr 0.01 in the pixel phase (and CE),
		// w = uncertainty warm-up
		String baseName = method;
		for (final String k : new String[] { "PINT", "PNT", "INT", "CE" })
			if (method.startsWith(k)) {
				baseName = k;
				break;
			}
		final String flags = method.substring(baseName.length());
		p.warmup_iterations = flags.contains("w") ? (int) Math.round(warmup * n) : 0;
		p.pnt_lr_step = lrStep(n);
		if (flags.contains("c")) p.pnt_lr_gamma = 1;
		switch (baseName) {
			case "PINT":
				p.mode = PINT.Mode.PINT;
				p.pnt_iterations = pintPixel(n);
				p.int_iterations = pintTotal(n) - p.pnt_iterations;
				break;
			case "INT":
				p.mode = PINT.Mode.INT;
				p.int_iterations = n;
				break;
			default: // PNT, and CE's schedule
				p.mode = PINT.Mode.PNT;
				p.pnt_iterations = n;
		}
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = 3;
		cfg.network.baseChannels = base;
		cfg.network.batchNorm = batchNorm;
		cfg.batchSize = batch;
		cfg.patchSize = patch;
		cfg.seed = seed;
		cfg.validationFraction = 0;
		cfg.model = null;
		PINT.configure(cfg, p);
		cfg.earlyStopping = method.startsWith("PINT") && select.equals("best") ? 3 : 0; // PINT: in its image phase only
		final Normalization norm = Normalization.zscore();
		final TrainingData data = TrainingData.fromImages(d.trainImage, noisy.train, null, null, norm, 0, "image",
			"label");
		final TrainingData val = TrainingData.fromImages(d.valImage, noisy.val, null, null, norm, 2, "validation_image",
			"validation_label");
		final List<Sample> samples = new ArrayList<>(data.samples());
		final NoisyLabelMethod m;
		PINT pint = null;
		if (method.startsWith("CE")) m = new ScheduledCE(p);
		else m = pint = new PINT(p).setLog(verbose ? System.err::println : null);
		final Score s = new Score();
		final long t0 = System.nanoTime();
		try (Trainer.Outcome out = new Trainer(cfg, m).train(Collections.singletonList(data), select.equals("final") ? null
			: val, Progress.NONE, verbose
			? System.err::println : x -> {})) {
			s.seconds = (System.nanoTime() - t0) / 1e9;
			s.iterations = out.iterations;
			final int k = d.testImage.getStackSize(), w = d.testImage.getWidth(), h = d.testImage.getHeight();
			double dice = 0, assd = 0;
			for (int z = 1; z <= k; z++) {
				final float[][] prob = out.predictor().predict(d.testImage.getStack().getProcessor(z), Progress.NONE);
				final byte[] seg = new byte[w * h];
				for (int i = 0; i < seg.length; i++) seg[i] = (byte) (prob[0][i] >= 0.5f ? 255 : 0);
				final byte[] gt = (byte[]) d.testClean.getStack().getProcessor(z).getPixels();
				final SegmentationMetrics.Scores sc = SegmentationMetrics.score(new byte[][] { seg }, new byte[][] { gt }, null,
					w, h, 1, 1, 1);
				dice += sc.dice / k;
				assd += sc.assd / k;
			}
			s.dice = dice;
			s.assd = assd;
			// memorisation: does the model reproduce the perturbed training tiles' noisy labels or their clean ones?
			long tpN = 0, tpC = 0, ps = 0, nsN = 0, nsC = 0;
			for (int z = 1; z <= noisy.perturbed.length; z++) {
				if (!noisy.perturbed[z - 1]) continue;
				final float[][] prob = out.predictor().predict(d.trainImage.getStack().getProcessor(z), Progress.NONE);
				final byte[] a = (byte[]) noisy.train.getStack().getProcessor(z).convertToByte(false).getPixels();
				final byte[] b = (byte[]) d.trainClean.getStack().getProcessor(z).convertToByte(false).getPixels();
				for (int i = 0; i < a.length; i++) {
					final boolean fg = prob[0][i] >= 0.5f;
					if (fg) ps++;
					if (a[i] != 0) nsN++;
					if (b[i] != 0) nsC++;
					if (fg && a[i] != 0) tpN++;
					if (fg && b[i] != 0) tpC++;
				}
			}
			if (nsN + ps > 0) {
				s.fitNoisy = 2.0 * tpN / (ps + nsN);
				s.fitClean = 2.0 * tpC / (ps + nsC);
			}
			if (verbose && pint != null && select.equals("best")) diagnose(out, pint, val);
			if (pint != null) {
				final UncertaintyMaps.Maps maps = pint.uncertaintyMaps(out.session(), samples, null, 512, "u", Progress.NONE);
				final ImageStack u = maps.uncertainty.getStack();
				final float[][] score = new float[u.getSize()][];
				final byte[][] wrong = new byte[u.getSize()][];
				double sumN = 0, sumC = 0;
				int cN = 0, cC = 0;
				for (int z = 1; z <= u.getSize(); z++) {
					score[z - 1] = (float[]) u.getProcessor(z).getPixels();
					final byte[] a = (byte[]) noisy.train.getStack().getProcessor(z).getPixels();
					final byte[] b = (byte[]) d.trainClean.getStack().getProcessor(z).getPixels();
					wrong[z - 1] = new byte[a.length];
					for (int i = 0; i < a.length; i++) wrong[z - 1][i] = (byte) (a[i] != b[i] ? 1 : 0);
					final double mu = maps.table.getValue("mean_u", z - 1);
					if (noisy.perturbed[z - 1]) {
						sumN += mu;
						cN++;
					}
					else {
						sumC += mu;
						cC++;
					}
				}
				s.uAuc = RocAuc.auc(score, wrong);
				s.uNoisy = cN == 0 ? Double.NaN : sumN / cN;
				s.uClean = cC == 0 ? Double.NaN : sumC / cC;
			}
		}
		return s;
	}

	/** Dice of the student and the teacher, training and inference mode, on the validation tiles. */
	static void diagnose(final Trainer.Outcome out, final PINT pint, final TrainingData val) {
		try {
			final java.lang.reflect.Field gf = Trainer.Outcome.class.getDeclaredField("graph");
			gf.setAccessible(true);
			final org.tensorflow.Graph graph = (org.tensorflow.Graph) gf.get(out);
			final java.lang.reflect.Method sm = PINT.class.getDeclaredMethod("studentNetwork"), tm = PINT.class
				.getDeclaredMethod("teacherNetwork");
			sm.setAccessible(true);
			tm.setAccessible(true);
			final org.noisylabels.train.UNet.Network[] nets = { (org.noisylabels.train.UNet.Network) sm.invoke(pint),
				(org.noisylabels.train.UNet.Network) tm.invoke(pint) };
			final org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(graph).withSubScope("diag" + System.nanoTime());
			final org.tensorflow.op.core.Placeholder<org.tensorflow.types.TFloat32> in = tf.placeholder(
				org.tensorflow.types.TFloat32.class);
			final String[] names = { "student train", "student infer", "teacher train", "teacher infer" };
			final List<org.tensorflow.Operand<org.tensorflow.types.TFloat32>> outs = new ArrayList<>();
			for (final org.noisylabels.train.UNet.Network net : nets) {
				outs.add(net.forward(in, true).probabilities(0));
				outs.add(net.forward(in, false).probabilities(0));
			}
			final int k = val.size(), w = val.sample(0).width, h = val.sample(0).height;
			final float[] x = new float[k * w * h];
			for (int i = 0; i < k; i++) System.arraycopy(val.sample(i).image, 0, x, i * w * h, w * h);
			try (org.tensorflow.types.TFloat32 t = org.tensorflow.types.TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(k,
				h, w, 1), org.tensorflow.ndarray.buffer.DataBuffers.of(x, true, false))) {
				for (int o = 0; o < 4; o++) {
					try (org.tensorflow.Result r = out.session().runner().feed(in, t).fetch(outs.get(o)).run()) {
						final float[] p = new float[k * w * h * 2];
						((org.tensorflow.types.TFloat32) r.get(0)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(p, false,
							false));
						long tp = 0, ps = 0, gs = 0;
						double mean = 0;
						for (int i = 0; i < k * w * h; i++) {
							final boolean fg = p[2 * i + 1] >= 0.5f, g = val.sample(i / (w * h)).label(i % (w * h)) != 0;
							if (fg) ps++;
							if (g) gs++;
							if (fg && g) tp++;
							mean += p[2 * i + 1] / (k * w * h);
						}
						System.err.println(String.format(Locale.ROOT, "  %s: Dice %.4f, mean p(fg) %.3f, fg fraction %.3f (truth %.3f)",
							names[o], 2.0 * tp / (ps + gs + 1e-9), mean, (double) ps / (k * w * h), (double) gs / (k * w * h)));
					}
				}
			}
		}
		catch (final ReflectiveOperationException e) {
			throw new IllegalStateException(e);
		}
	}

	// ---- data ------------------------------------------------------------------------------------

	static Data nuclei() {
		final ImagePlus img = IJ.openImage("test-images/img2d.tif"), gt = IJ.openImage("test-images/gt2d.tif");
		final List<ImageProcessor[]> tiles = tiles(img.getProcessor(), gt.getProcessor(), 128);
		// seeded choice among tiles with nuclei: 4 test, 2 validation, the rest train
		final List<Integer> idx = new ArrayList<>();
		for (int i = 0; i < tiles.size(); i++) idx.add(i);
		final SplittableRandom rnd = new SplittableRandom(2021);
		for (int i = idx.size() - 1; i > 0; i--) Collections.swap(idx, i, rnd.nextInt(i + 1));
		final List<Integer> test = new ArrayList<>(), val = new ArrayList<>(), train = new ArrayList<>();
		for (final int i : idx) {
			final boolean objects = foreground(tiles.get(i)[1]) > 0.02;
			if (objects && test.size() < 4) test.add(i);
			else if (objects && val.size() < 2) val.add(i);
			else train.add(i);
		}
		Collections.sort(train);
		return new Data("nuclei (img2d.tif)", stack("train", tiles, train, 0), stack("train-gt", tiles, train, 1), stack(
			"val", tiles, val, 0), stack("val-gt", tiles, val, 1), stack("test", tiles, test, 0), stack("test-gt", tiles,
				test, 1));
	}

	static Data blobs() {
		final ImagePlus img = IJ.openImage("test-images/synth-blobs.tif"), gt = IJ.openImage(
			"test-images/synth-blobs-gt.tif");
		final List<ImageProcessor[]> tiles = new ArrayList<>();
		for (int z = 1; z <= img.getStackSize(); z++)
			tiles.addAll(tiles(img.getStack().getProcessor(z), gt.getStack().getProcessor(z), 128));
		final List<Integer> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>();
		for (int i = 0; i < tiles.size(); i++) {
			if (i < 22) train.add(i);
			else if (i < 24) val.add(i);
			else test.add(i);
		}
		return new Data("synthetic blobs (synth-blobs.tif)", stack("train", tiles, train, 0), stack("train-gt", tiles,
			train, 1), stack("val", tiles, val, 0), stack("val-gt", tiles, val, 1), stack("test", tiles, test, 0), stack(
				"test-gt", tiles, test, 1));
	}

	static List<ImageProcessor[]> tiles(final ImageProcessor img, final ImageProcessor gt, final int t) {
		final List<ImageProcessor[]> out = new ArrayList<>();
		for (int y = 0; y + t <= img.getHeight(); y += t)
			for (int x = 0; x + t <= img.getWidth(); x += t) {
				img.setRoi(x, y, t, t);
				gt.setRoi(x, y, t, t);
				out.add(new ImageProcessor[] { img.crop(), gt.crop().convertToByteProcessor(false) });
			}
		return out;
	}

	static double foreground(final ImageProcessor ip) {
		int n = 0;
		for (int i = 0; i < ip.getPixelCount(); i++)
			if (ip.get(i) != 0) n++;
		return (double) n / ip.getPixelCount();
	}

	static ImagePlus stack(final String title, final List<ImageProcessor[]> tiles, final List<Integer> which,
		final int k)
	{
		final ImageStack st = new ImageStack(tiles.get(0)[0].getWidth(), tiles.get(0)[0].getHeight());
		for (final int i : which) st.addSlice("tile " + i, tiles.get(i)[k].duplicate());
		return new ImagePlus(title, st);
	}

	static byte[][] pixels(final ImagePlus imp) {
		final byte[][] p = new byte[imp.getStackSize()][];
		for (int z = 1; z <= p.length; z++) p[z - 1] = (byte[]) imp.getStack().getProcessor(z).convertToByte(false)
			.getPixels();
		return p;
	}

	/** Mean equivalent radius sqrt(area/π) of the 8-connected objects of a 0/255 stack. */
	static double meanRadius(final ImagePlus mask) {
		double sum = 0;
		int count = 0;
		for (int z = 1; z <= mask.getStackSize(); z++) {
			final ByteProcessor bp = (ByteProcessor) mask.getStack().getProcessor(z).convertToByte(false);
			final int w = bp.getWidth(), h = bp.getHeight();
			final boolean[] seen = new boolean[w * h];
			final int[] queue = new int[w * h];
			for (int i = 0; i < w * h; i++) {
				if (seen[i] || bp.get(i) == 0) continue;
				int head = 0, tail = 0, area = 0;
				queue[tail++] = i;
				seen[i] = true;
				boolean border = false;
				while (head < tail) {
					final int q = queue[head++];
					area++;
					final int x = q % w, y = q / w;
					if (x == 0 || y == 0 || x == w - 1 || y == h - 1) border = true;
					for (int dy = -1; dy <= 1; dy++)
						for (int dx = -1; dx <= 1; dx++) {
							final int xx = x + dx, yy = y + dy;
							if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
							final int j = yy * w + xx;
							if (!seen[j] && bp.get(j) != 0) {
								seen[j] = true;
								queue[tail++] = j;
							}
						}
				}
				if (!border) {
					sum += Math.sqrt(area / Math.PI);
					count++;
				}
			}
		}
		return count == 0 ? 1 : sum / count;
	}
}
