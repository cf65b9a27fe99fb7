package org.noisylabels.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.PairList;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.MethodParameters;
import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.method.NoisyLabelMethodService;
import org.scijava.plugin.PluginInfo;

/**
 * What a PyMIC configuration file asks for, in the suite's terms: for {@code train}, one Train command
 * and its keys; for {@code test}, one Apply Model call per image of {@code test_csv}. Everything is
 * checked here, before anything is trained or written: unknown sections and keys give warnings naming
 * them, wrong values an error naming the section, the key and what is allowed.
 */
public final class ConfigRun {

	/** One command with its keys (text, as on the command line). */
	public static final class Call {

		public final String title;
		public final Map<String, String> keys = new LinkedHashMap<>();

		Call(final String title) {
			this.title = title;
		}

		/** The command line of this call. */
		public List<String> argv() {
			final List<String> a = new ArrayList<>();
			a.add(title);
			for (final Map.Entry<String, String> e : keys.entrySet()) a.add(e.getKey() + "=" + e.getValue());
			return a;
		}

		@Override
		public String toString() {
			final StringBuilder sb = new StringBuilder("\"" + title + "\"");
			for (final Map.Entry<String, String> e : keys.entrySet()) sb.append(' ').append(e.getKey()).append('=').append(e
				.getValue());
			return sb.toString();
		}
	}

	public final List<Call> calls = new ArrayList<>();
	public final List<String> warnings = new ArrayList<>();

	private static final List<String> SECTIONS = Arrays.asList("dataset", "network", "training",
		"noisy_label_learning", "testing");

	/** PyMIC's loss names and the suite's. */
	private static final Map<String, String> LOSSES = new LinkedHashMap<>();
	static {
		LOSSES.put("crossentropyloss", "CE");
		LOSSES.put("diceloss", "Dice");
		LOSSES.put("generalizedceloss", "GCE");
		LOSSES.put("generalizedcrossentropyloss", "GCE");
		LOSSES.put("gceloss", "GCE");
		LOSSES.put("maeloss", "MAE");
		LOSSES.put("noiserobustdiceloss", "NRDice");
		LOSSES.put("nrdiceloss", "NRDice");
		LOSSES.put("mseloss", "MSE");
		LOSSES.put("slsrloss", "SLSR");
	}

	private ConfigRun() {}

	/** The plan of {@code stage} ("train" or "test") for {@code cfg}. */
	public static ConfigRun plan(final ConfigFile cfg, final String stage, final NoisyLabelMethodService methods) {
		final ConfigRun run = new ConfigRun();
		for (final String s : cfg.sectionNames())
			if (!SECTIONS.contains(s)) run.warnings.add(cfg.file.getName() + ": section [" + s +
				"] is not read (the suite reads [dataset], [network], [training], [noisy_label_learning], [testing])");
		for (final String s : Arrays.asList("dataset", "network", "training"))
			if (!cfg.has(s)) throw new NoisyLabelsException(cfg.file.getName() + ": section [" + s +
				"] is missing: a PyMIC configuration needs [dataset], [network] and [training]");
		final Call train = run.train(cfg, methods);
		if (stage.equals("train")) {
			// the test stage's keys are for "test CONFIG"
			cfg.accept("dataset", "test_csv");
			cfg.accept("testing", cfg.keys("testing").toArray(new String[0]));
			run.calls.add(train);
		}
		else if (stage.equals("test")) run.test(cfg, train);
		else throw new NoisyLabelsException("stage '" + stage + "' is unknown: use train or test");
		for (final String s : SECTIONS) {
			final List<String> unread = cfg.unread(s);
			if (!unread.isEmpty()) run.warnings.add(cfg.file.getName() + ": [" + s + "] " + String.join(", ", unread) + (unread
				.size() == 1 ? " is" : " are") + " not used by the suite (ignored)");
		}
		return run;
	}

	private Call train(final ConfigFile c, final NoisyLabelMethodService methods) {
		// [dataset]
		final String d = "dataset";
		final String supervise = c.choice(d, "supervise_type", "fully_sup", "fully_sup", "noisy_label");
		c.choice(d, "task_type", "seg", "seg");
		c.choice(d, "tensor_type", "float", "float");
		final File root = c.path(d, "root_dir");
		if (root != null && !root.isDirectory()) throw c.bad(d, "root_dir", "not a folder (relative paths start at " + c.file
			.getParentFile() + ")");
		final String methodName = c.string("noisy_label_learning", "method_name", c.string("noisy_label_learning",
			"nll_method", ""));
		final boolean dast = supervise.equals("noisy_label") && methodName.equalsIgnoreCase("DAST");
		final File cleanCsv = dast ? c.path(d, "train_csv") : null;
		final File trainCsv = dast ? c.path(d, "train_csv_noise") : c.path(d, "train_csv");
		if (dast && cleanCsv == null) throw new NoisyLabelsException(c.file.getName() +
			": [dataset] train_csv is missing: DAST needs the set with clean labels there (and the noisy set in train_csv_noise)");
		if (dast && !cleanCsv.isFile()) throw c.bad(d, "train_csv", "the file " + cleanCsv + " does not exist");
		if (dast) PairList.read(cleanCsv, root, "[dataset] train_csv", true);
		final String trainKey = dast ? "train_csv_noise" : "train_csv";
		if (trainCsv == null) throw new NoisyLabelsException(c.file.getName() + ": [dataset] " + trainKey +
			" is missing: give a CSV file of image,label pairs");
		if (!trainCsv.isFile()) throw c.bad(d, trainKey, "the file " + trainCsv + " does not exist");
		PairList.read(trainCsv, root, "[dataset] " + trainKey, true); // every row names existing files
		final File validCsv = c.path(d, "valid_csv");
		if (validCsv != null) {
			if (!validCsv.isFile()) throw c.bad(d, "valid_csv", "the file " + validCsv + " does not exist");
			PairList.read(validCsv, root, "[dataset] valid_csv", true);
		}
		final Long batch = c.whole(d, dast ? "train_batch_size_noise" : "train_batch_size", null, 1, 1024);
		final Long cleanBatch = dast ? c.whole(d, "train_batch_size", null, 1, 1024) : null;
		final List<Double> crop = c.numbers(d, "RandomCrop_output_size");
		Integer patch = null;
		if (crop != null) {
			if (crop.size() != 2 || !crop.get(0).equals(crop.get(1)) || crop.get(0) < 8 || crop.get(0) != Math.rint(crop
				.get(0))) throw c.bad(d, "RandomCrop_output_size",
					"give a square crop [N, N] with N a whole number of at least 8 (the suite's patches are square)");
			patch = crop.get(0).intValue();
		}
		String normalization = null;
		for (final String t : Arrays.asList("train_transform", "valid_transform", "test_transform")) {
			final List<String> list = c.names(d, t);
			if (list == null) continue;
			for (final String name : list) {
				switch (name) {
					case "NormalizeWithMeanStd":
						normalization = "zscore";
						break;
					case "NormalizeWithPercentiles":
						normalization = "percentile";
						break;
					case "RandomCrop":
					case "RandomFlip":
					case "LabelConvert":
					case "LabelToProbability":
					case "Pad":
						break;
					default:
						throw c.bad(d, t, "the transform " + name +
							" is not supported (the suite's: RandomCrop, RandomFlip, NormalizeWithMeanStd, NormalizeWithPercentiles, LabelConvert, LabelToProbability, Pad)");
				}
			}
		}
		final List<Double> source = c.numbers(d, "LabelConvert_source_list"), target = c.numbers(d,
			"LabelConvert_target_list");
		if (source != null || target != null) {
			final boolean binary = source != null && target != null && source.size() == 2 && target.equals(Arrays.asList(
				0.0, 1.0)) && source.get(0) == 0;
			if (!binary) throw c.bad(d, source == null ? "LabelConvert_target_list" : "LabelConvert_source_list",
				"the suite reads labels as they are (a binary mask 0/N, or classes 0..C-1): only [0, N] -> [0, 1] is accepted");
		}
		c.accept(d, "RandomCrop_foreground_focus", "RandomCrop_foreground_ratio", "Randomcrop_mask_label",
			"RandomCrop_mask_label", "RandomFlip_flip_depth", "RandomFlip_flip_height", "RandomFlip_flip_width",
			"NormalizeWithMeanStd_channels", "modal_num", "valid_batch_size", "test_batch_size");

		// [noisy_label_learning]: which Train command
		String title = "Supervised (Robust Loss)";
		PluginInfo<NoisyLabelMethod> method = null;
		final String n = "noisy_label_learning";
		if (supervise.equals("noisy_label")) {
			if (!c.has(n)) throw new NoisyLabelsException(c.file.getName() +
				": supervise_type = noisy_label needs a [noisy_label_learning] section with method_name");
			String name = c.string(n, "method_name", null);
			final String key = name != null ? "method_name" : "nll_method";
			if (name == null) name = c.string(n, "nll_method", null);
			if (name == null) throw new NoisyLabelsException(c.file.getName() +
				": [noisy_label_learning] method_name is missing: give e.g. method_name = CoTeaching");
			try {
				method = methods.find(name);
			}
			catch (final NoisyLabelsException e) {
				throw c.bad(n, key, e.getMessage());
			}
			if (NoisyLabelMethodService.name(method).equals("igtt")) throw c.bad(n, key,
				"iGTT learns without labels: run 'iGTT Unsupervised Segmentation' instead of a configuration file");
			title = NoisyLabelMethodService.label(method);
		}
		else if (c.has(n)) warnings.add(c.file.getName() +
			": [noisy_label_learning] is not used with supervise_type = fully_sup (set supervise_type = noisy_label)");
		final Call call = new Call(title);
		call.keys.put("train_csv", trainCsv.getPath());
		if (validCsv != null) call.keys.put("valid_csv", validCsv.getPath());
		if (root != null) call.keys.put("root_dir", root.getPath());
		if (batch != null) call.keys.put("batch_size", batch.toString());
		if (cleanCsv != null) call.keys.put("clean_csv", cleanCsv.getPath());
		if (cleanBatch != null) call.keys.put("dast_clean_batch_size", cleanBatch.toString());
		if (patch != null) call.keys.put("patch_size", patch.toString());
		if (normalization != null) call.keys.put("normalization", normalization);

		// [network]
		final String w = "network";
		if (dast) {
			// DAST's two heads are the method's: PyMIC's dual-branch U-Net, its first branch for inference
			c.choice(w, "net_type", "UNet2D_DualBranch", "UNet2D_DualBranch", "UNet2D");
			c.choice(w, "output_mode", "first", "first");
		}
		else c.choice(w, "net_type", "UNet2D", "UNet2D");
		final Long classes = c.whole(w, "class_num", null, 2, 255);
		if (classes != null && classes > 2) call.keys.put("classes", classes.toString());
		c.whole(w, "in_chns", 1L, 1, 1);
		final List<Double> features = c.numbers(w, "feature_chns");
		int depth = -1;
		if (features != null) {
			if (features.size() < 2 || features.size() > 7) throw c.bad(w, "feature_chns",
				"give 2 to 7 levels, e.g. [16, 32, 64, 128]");
			for (int i = 1; i < features.size(); i++)
				if (features.get(i) != 2 * features.get(i - 1)) throw c.bad(w, "feature_chns",
					"the suite's U-Net doubles the channels at every level: give e.g. [16, 32, 64, 128, 256]");
			if (features.get(0) < 1 || features.get(0) > 256 || features.get(0) != Math.rint(features.get(0))) throw c.bad(w,
				"feature_chns", "the first level's channels must be a whole number in [1, 256]");
			depth = features.size() - 1;
			call.keys.put("base_channels", Integer.toString(features.get(0).intValue()));
			call.keys.put("depth", Integer.toString(depth));
		}
		final List<Double> dropout = c.numbers(w, "dropout");
		if (dropout != null) {
			final int levels = depth >= 0 ? depth + 1 : 4;
			final List<Double> expected = new ArrayList<>();
			for (int l = 0; l < levels; l++) {
				final int fromBottom = levels - 1 - l;
				expected.add(fromBottom == 0 ? 0.5 : fromBottom == 1 ? 0.4 : fromBottom == 2 ? 0.3 : 0.0);
			}
			if (!dropout.equals(expected)) throw c.bad(w, "dropout", "the suite's U-Net uses " + expected +
				" for these levels (0 above, 0.3/0.4/0.5 towards the bottleneck); other dropouts are not supported");
		}
		c.bool(w, "bilinear", false); // accepted either way: the suite's decoder upsamples by nearest neighbour
		for (final String k : Arrays.asList("deep_supervise", "multiscale_pred"))
			if (Boolean.TRUE.equals(c.bool(w, k, false))) throw c.bad(w, k, "deep supervision is not supported: give False");

		// [training]
		final String t = "training";
		c.accept(t, "gpus", "iter_save", "ckpt_prefix");
		final String loss = c.string(t, "loss_type", null);
		if (loss != null) {
			String mapped = LOSSES.get(loss.toLowerCase(Locale.ROOT));
			if (mapped == null) {
				try {
					mapped = LossType.parse(loss).userName();
				}
				catch (final NoisyLabelsException e) {
					throw c.bad(t, "loss_type", "allowed: " + String.join(", ", LOSSES.keySet()) + " or the suite's " + String.join(
						", ", LossType.userNames()));
				}
			}
			if (method == null) call.keys.put("loss_type", mapped);
			else if (!mapped.equals("CE")) warnings.add(c.file.getName() + ": [training] loss_type = " + loss + " is ignored: " +
				title + " uses its own loss (as PyMIC)");
		}
		final Double q = first(c, t, 0.01, 1, "loss_gce_q", "gce_q");
		if (q != null) call.keys.put("q", Check.fmt(q));
		final Double gamma = first(c, t, 1, 2, "loss_nrdice_gamma", "nrdice_gamma", "NoiseRobustDiceLoss_gamma");
		if (gamma != null) call.keys.put("gamma", Check.fmt(gamma));
		final Double eps = first(c, t, 0, 0.49, "slsr_epsilon", "loss_slsr_epsilon");
		if (eps != null) call.keys.put("epsilon", Check.fmt(eps));
		final String opt = c.choice(t, "optimizer", null, "Adam", "SGD");
		if (opt != null) call.keys.put("optimizer", opt);
		final Double lr = c.number(t, "learning_rate", null, 1e-7, 10);
		if (lr != null) call.keys.put("learning_rate", Check.fmt(lr));
		final Double mom = c.number(t, "momentum", null, 0, 0.9999);
		if (mom != null) call.keys.put("momentum", Check.fmt(mom));
		final Double wd = c.number(t, "weight_decay", null, 0, 1);
		if (wd != null) call.keys.put("weight_decay", Check.fmt(wd));
		final String sched = c.choice(t, "lr_scheduler", null, "ReduceLROnPlateau", "MultiStepLR", "StepLR", "None",
			"constant");
		if (sched != null) {
			switch (sched) {
				case "ReduceLROnPlateau":
					call.keys.put("schedule", "plateau");
					c.accept(t, "ReduceLROnPlateau_patience");
					break;
				case "MultiStepLR":
					call.keys.put("schedule", "multistep");
					final List<Double> ms = c.numbers(t, "lr_milestones");
					if (ms == null || ms.isEmpty()) throw new NoisyLabelsException(c.file.getName() +
						": [training] lr_scheduler = MultiStepLR needs lr_milestones = [it1, it2, ...]");
					final StringBuilder sb = new StringBuilder();
					for (final Double m : ms) sb.append(sb.length() == 0 ? "" : ",").append(m.longValue());
					call.keys.put("lr_milestones", sb.toString());
					break;
				case "StepLR":
					call.keys.put("schedule", "step");
					final Long step = c.whole(t, "lr_step", null, 1, 10_000_000);
					if (step == null) throw new NoisyLabelsException(c.file.getName() +
						": [training] lr_scheduler = StepLR needs lr_step = N (iterations)");
					call.keys.put("lr_step", step.toString());
					break;
				default:
					call.keys.put("schedule", "constant");
			}
		}
		final Double gammaLr = c.number(t, "lr_gamma", null, 1e-6, 1);
		if (gammaLr != null) call.keys.put("lr_gamma", Check.fmt(gammaLr));
		final Long iterMax = c.whole(t, "iter_max", null, 1, 10_000_000);
		if (iterMax != null) call.keys.put(method != null && NoisyLabelMethodService.name(method).equals("pint")
			? "pnt_iterations" : "iterations", iterMax.toString());
		final Long iterValid = c.whole(t, "iter_valid", null, 1, 10_000_000);
		if (iterValid != null) call.keys.put("validation_interval", iterValid.toString());
		final Long patience = c.whole(t, "early_stop_patience", null, 0, 100_000_000);
		if (patience != null && patience > 0) {
			final long every = iterValid != null ? iterValid : 100;
			call.keys.put("early_stopping", Long.toString((patience + every - 1) / every));
		}
		c.whole(t, "iter_start", 0L, 0, 0);
		File model = c.path(t, "ckpt_save_dir");
		if (model == null) model = c.path(t, "ckpt_dir");
		if (model == null) throw new NoisyLabelsException(c.file.getName() +
			": [training] ckpt_save_dir is missing: give the folder the model is written to");
		call.keys.put("model", model.getPath());

		// [testing]: which weights the model keeps
		final Long mode = c.whole("testing", "ckpt_mode", null, 0, 1);
		if (mode != null) call.keys.put("keep_model", mode == 0 ? "last" : "best");

		// the method's own keys, checked against its declaration
		if (method != null) methodKeys(c, method, call);
		return call;
	}

	private static Double first(final ConfigFile c, final String s, final double min, final double max,
		final String... keys)
	{
		for (final String k : keys)
			if (c.has(s, k)) return c.number(s, k, null, min, max);
		return null;
	}

	private void methodKeys(final ConfigFile c, final PluginInfo<NoisyLabelMethod> method, final Call call) {
		final String n = "noisy_label_learning";
		final Class<?> cls;
		try {
			cls = method.loadClass();
		}
		catch (final org.scijava.InstantiableException e) {
			throw new NoisyLabelsException("method " + method.getClassName() + " cannot be loaded: " + e.getMessage());
		}
		final boolean ownCommand = !method.isVisible();
		final Object probe;
		try {
			probe = cls.getDeclaredConstructor().newInstance();
		}
		catch (final ReflectiveOperationException e) {
			throw new NoisyLabelsException("method " + method.getClassName() + " cannot be created: " + e);
		}
		final List<String> known = new ArrayList<>();
		for (final MethodParameters.Key k : MethodParameters.keys(cls)) known.add(k.name);
		for (final String key : c.keys(n)) {
			if (key.equals("method_name") || key.equals("nll_method")) continue;
			final String text = c.text(n, key);
			if (known.contains(key)) {
				c.get(n, key);
				try {
					MethodParameters.set(probe, key, text);
				}
				catch (final NoisyLabelsException e) {
					throw c.bad(n, key, e.getMessage());
				}
				call.keys.put(key, text);
			}
			else if (ownCommand) {
				// PINT's keys are its command's: the command line checks them
				c.get(n, key);
				call.keys.put(key, text);
			}
		}
		try {
			MethodParameters.check(probe);
		}
		catch (final NoisyLabelsException e) {
			throw new NoisyLabelsException(c.file.getName() + ": [noisy_label_learning] " + e.getMessage());
		}
	}

	private void test(final ConfigFile c, final Call train) {
		if (!c.has("testing")) throw new NoisyLabelsException(c.file.getName() +
			": section [testing] is missing: give output_dir (and test_csv in [dataset])");
		final File testCsv = c.path("dataset", "test_csv");
		if (testCsv == null) throw new NoisyLabelsException(c.file.getName() +
			": [dataset] test_csv is missing: give a CSV file of the images to segment");
		final File root = c.path("dataset", "root_dir");
		final PairList images = PairList.read(testCsv, root, "[dataset] test_csv", false);
		final File out = c.path("testing", "output_dir");
		if (out == null) throw new NoisyLabelsException(c.file.getName() +
			": [testing] output_dir is missing: give the folder the segmentations are written to");
		final List<Double> ls = c.numbers("testing", "label_source"), lt = c.numbers("testing", "label_target");
		if (ls != null || lt != null) {
			final boolean ok = ls != null && lt != null && ls.equals(Arrays.asList(0.0, 1.0)) && lt.size() == 2 && lt.get(
				0) == 0;
			if (!ok) throw c.bad("testing", ls == null ? "label_target" : "label_source",
				"the suite writes binary masks 0/255: only [0, 1] -> [0, N] is accepted");
		}
		c.accept("testing", "gpus", "sliding_window_enable", "sliding_window_size", "sliding_window_stride",
			"ckpt_name", "evaluation_mode", "test_time_augmentation");
		final String model = train.keys.get("model");
		if (!new File(model).exists()) throw new NoisyLabelsException(c.file.getName() + ": the model " + model +
			" ([training] ckpt_save_dir) does not exist: run train with this configuration first");
		final java.util.Set<String> names = new java.util.HashSet<>();
		for (final File img : images.images) {
			String name = img.getName();
			final int dot = name.lastIndexOf('.');
			name = (dot > 0 ? name.substring(0, dot) : name) + ".tif";
			if (!names.add(name)) throw new NoisyLabelsException(c.file.getName() + ": test_csv lists two images named " +
				name + ": their outputs would overwrite each other");
			final Call call = new Call("Apply Model");
			call.keys.put("model", model);
			call.keys.put("image", img.getPath());
			call.keys.put("mask", new File(out, name).getPath());
			calls.add(call);
		}
	}
}
