package org.noisylabels.command;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.Masks;
import org.noisylabels.io.PairList;
import org.noisylabels.method.MethodParameters;
import org.noisylabels.method.NoisyLabelMethod;
import org.scijava.command.DynamicCommandInfo;
import org.scijava.module.DefaultMutableModuleItem;
import org.scijava.plugin.PluginInfo;
import org.noisylabels.train.ModelFiles;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * What every Train command shares: the training data (an image or stack with its labels, or two
 * folders of pairs), the optional validation data, the U-Net, patches and batches, validation and early
 * stopping, the seed and the model folder; outputs the training curve and the validation metrics. The
 * keys are the same in every Train command. A subclass adds its method's keys and implements
 * {@link #execute()} with {@link #config()}, {@link #trainingData(Normalization)},
 * {@link #validationData(Normalization, TrainingData)} and {@link #showResults()}.
 */
public abstract class TrainCommand extends NoisyLabelsCommand {

	@Parameter(label = "Image", required = false,
		description = "Title of an open image, a file path or none. Training image (2D or stack, one channel; the slices of a stack are separate images); or give image_folder", persist = false)
	@ImageKey(ImageKey.ACTIVE)
	protected String image = NONE;

	@Parameter(label = "Label", required = false,
		description = "Title of an open image, a file path or none. Labels of the image: a binary mask (0/255) or classes 0, 1, ..., C-1; may be noisy", persist = false)
	@ImageKey(ImageKey.OTHER)
	protected String label = NONE;

	@Parameter(label = "Classes", min = "0", max = "255",
		description = "0 = automatic: a binary mask, or classes 0..7; give N to train N classes 0..N-1 (labels with more values, e.g. instance labels, are refused otherwise)", persist = false)
	protected int classes = 0;

	@Parameter(label = "Ignore mask", required = false, persist = false,
		description = "Title of an open image, a file path or none. Optional: non-zero pixels are ignored by the loss (e.g. unlabelled pixels)")
	@ImageKey
	protected String ignore_mask = NONE;

	@Parameter(label = "Image folder", style = "directory", required = false, persist = false,
		description = "Instead of image/label: a folder of training images (.tif/.png), each one image")
	protected File image_folder;

	@Parameter(label = "Label folder", style = "directory", required = false, persist = false,
		description = "With image_folder: a folder holding a label file with the same name for every image")
	protected File label_folder;

	@Parameter(label = "Training pairs (CSV)", required = false, persist = false,
		description = "Instead of image/label or folders: a CSV file (PyMIC's train_csv) with the columns image,label, one pair per row; relative paths are relative to root_dir, or to the CSV's folder")
	protected File train_csv;

	@Parameter(label = "Validation pairs (CSV)", required = false, persist = false,
		description = "Optional: a CSV file (PyMIC's valid_csv) of held-out image,label pairs, as train_csv")
	protected File valid_csv;

	@Parameter(label = "Root folder of the CSV paths", style = "directory", required = false, persist = false,
		description = "Optional (PyMIC's root_dir): the folder the relative paths of train_csv and valid_csv start from")
	protected File root_dir;

	@Parameter(label = "Validation image", required = false, persist = false,
		description = "Title of an open image, a file path or none. Optional held-out image; without it validation_fraction of the training images (or tiles) is held out")
	@ImageKey
	protected String validation_image = NONE;

	@Parameter(label = "Validation label", required = false, persist = false,
		description = "Title of an open image, a file path or none. Labels of the validation image (clean if you have them); given alone: clean labels of the training image")
	@ImageKey
	protected String validation_label = NONE;

	@Parameter(label = "Batch size", min = "1", max = "1024", description = "Patches per step", persist = false)
	protected int batch_size = 4;

	@Parameter(label = "Patch size", min = "8", max = "4096",
		description = "Side of the random training patches (rounded down to a multiple of 2^depth)", persist = false)
	protected int patch_size = 128;

	@Parameter(label = "Base channels", min = "1", max = "256", description = "U-Net channels of the first level (doubled per level)", persist = false)
	protected int base_channels = 16;

	@Parameter(label = "Depth", min = "1", max = "6", description = "U-Net poolings", persist = false)
	protected int depth = 3;

	@Parameter(label = "Dimensions", min = "2", max = "3",
		description = "2 = 2D U-Net, a stack is trained and segmented slice by slice; 3 = 3D U-Net, a stack is one volume (z pooled only where voxels are not coarser in z than in x/y)", persist = false)
	protected int dimensions = 2;

	@Parameter(label = "Batch norm", description = "Batch normalisation after every convolution", persist = false)
	protected boolean batch_norm = true;

	@Parameter(label = "Normalization", choices = { "zscore", "percentile" },
		description = "Per-image intensity normalisation (recorded in the model)", persist = false)
	protected String normalization = "zscore";

	@Parameter(label = "Validation fraction", min = "0", max = "0.9",
		description = "Fraction of images (or of tiles of a single image) held out for validation when no validation data is given", persist = false)
	protected double validation_fraction = 0.2;

	@Parameter(label = "Early stopping", min = "0", max = "1000000",
		description = "Stop after this many validations without a better Dice (0 = never); the model keeps the best validation", persist = false)
	protected int early_stopping = 0;

	@Parameter(label = "Validation interval", min = "0", max = "10000000",
		description = "Validate every this many iterations (PyMIC's iter_valid); 0 = automatic (about 20 validations per run)", persist = false)
	protected int validation_interval = 0;

	@Parameter(label = "Seed", description = "Random seed (weights, patches, augmentation, validation split, the method's random choices)", persist = false)
	protected long seed = 42;

	@Parameter(label = "Model folder", style = "save", persist = false,
		description = "Where the trained model is written (a new folder, or a .zip file)")
	protected File model;

	@Parameter(label = "Keep model", choices = { "auto", "best", "last" },
		description = "Which weights the model keeps: best = the validation with the best Dice, last = the last step; auto = best when validation_label is given (clean labels), else last (a best Dice against held-out noisy labels rewards agreeing with the noise)", persist = false)
	protected String keep_model = "auto";

	@Parameter(label = "Resume from", required = false, persist = false,
		description = "Optional: the model folder (or .zip) of an interrupted run with the same keys: continue it to the configured iterations")
	protected File resume;

	@Parameter(type = ItemIO.OUTPUT, label = "Training curve")
	protected ResultsTable curve;

	@Parameter(type = ItemIO.OUTPUT, label = "Validation metrics")
	protected ResultsTable validation;

	// -- the method binding: a Train command bound to one method shows that method's keys (its @Parameter
	// fields, see MethodParameters) after the shared keys --

	private MethodCommandInfo commandInfo;
	private PluginInfo<NoisyLabelMethod> method;
	private DynamicCommandInfo info;

	/** Binds this instance to its menu entry (before anything else is called). */
	void bind(final MethodCommandInfo ci) {
		this.commandInfo = ci;
		this.method = ci.method();
	}

	/**
	 * For a command class of its own: the name of its method (the {@code name} of the method's
	 * {@code @Plugin}); null for the generic entries.
	 */
	protected String boundMethod() {
		return null;
	}

	/** The method this instance trains with. */
	public PluginInfo<NoisyLabelMethod> method() {
		if (method == null && boundMethod() != null) {
			for (final PluginInfo<NoisyLabelMethod> m : pluginService.getPluginsOfType(NoisyLabelMethod.class)) {
				if (org.noisylabels.method.NoisyLabelMethodService.name(m).equals(boundMethod())) method = m;
			}
			if (method == null) throw new IllegalStateException("no NoisyLabelMethod plugin named " + boundMethod());
		}
		return method;
	}

	@Override
	public DynamicCommandInfo getInfo() {
		if (info == null) {
			final org.scijava.command.CommandInfo base;
			if (commandInfo == null && boundMethod() == null) return super.getInfo();
			if (commandInfo != null) base = commandInfo;
			else if (boundMethod() != null) base = new org.scijava.command.CommandInfo(getClass());
			else return super.getInfo(); // a Train command without a method binding
			info = new DynamicCommandInfo(base, getClass());
			for (final MethodParameters.Key k : keys()) {
				info.addInput(item(info, k));
				setInput(k.name, k.defaultValue instanceof Enum ? ((Enum<?>) k.defaultValue).name() : k.defaultValue);
			}
			keysBeforeLongerOnes(info);
		}
		return info;
	}

	/**
	 * Moves a key before every key ending in it ({@code gamma}, Supervised's NRDice exponent, before
	 * {@code lr_gamma}); the order is otherwise kept. ImageJ reads a macro key {@code k} from the first
	 * {@code k=} not preceded by a letter, so {@code gamma=} is found inside {@code lr_gamma=}: in the order of
	 * the dialog, which the Recorder keeps, a key must come first, or the Recorder stops on a "Duplicate
	 * keyword" message and its line replays the wrong value.
	 */
	private static void keysBeforeLongerOnes(final DynamicCommandInfo info) {
		final List<org.scijava.module.ModuleItem<?>> items = new ArrayList<>();
		for (final org.scijava.module.ModuleItem<?> item : info.inputs()) items.add(item);
		boolean moved = false;
		for (boolean again = true; again;) {
			again = false;
			for (int i = 0; i < items.size() && !again; i++) {
				for (int j = 0; j < i && !again; j++) {
					if (endsWithKey(items.get(j).getName(), items.get(i).getName())) {
						items.add(j, items.remove(i));
						again = moved = true;
					}
				}
			}
		}
		if (!moved) return;
		for (final org.scijava.module.ModuleItem<?> item : items) info.removeInput(item);
		for (final org.scijava.module.ModuleItem<?> item : items) info.addInput(item);
	}

	/** Whether ImageJ's macro option parser finds {@code key=} inside {@code longer=}. */
	static boolean endsWithKey(final String longer, final String key) {
		return longer.length() > key.length() && longer.endsWith(key) && !Character.isLetter(longer.charAt(longer
			.length() - key.length() - 1));
	}

	private java.util.List<MethodParameters.Key> keys() {
		try {
			return MethodParameters.keys(method().loadClass());
		}
		catch (final org.scijava.InstantiableException e) {
			throw new IllegalStateException("cannot load method " + method().getClassName(), e);
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static DefaultMutableModuleItem<?> item(final DynamicCommandInfo info, final MethodParameters.Key k) {
		// an enum key is a text key with its constants as choices
		final Class<?> type = k.type.isEnum() ? String.class : k.type;
		final DefaultMutableModuleItem item = new DefaultMutableModuleItem<>(info, k.name, type);
		item.setLabel(k.label);
		item.setDescription(k.description);
		item.setPersisted(false);
		item.setRequired(true);
		item.setDefaultValue(k.defaultValue instanceof Enum ? ((Enum<?>) k.defaultValue).name() : k.defaultValue);
		if (k.isNumber()) {
			if (k.min != null) item.setMinimumValue(MethodParameters.convert(k.type, k.name, k.min));
			if (k.max != null) item.setMaximumValue(MethodParameters.convert(k.type, k.name, k.max));
		}
		if (!k.choices.isEmpty()) item.setChoices(k.choices);
		return item;
	}

	/** A new instance of the method with this command's values of its keys, checked. */
	protected NoisyLabelMethod method(final org.scijava.plugin.PluginService plugins) {
		final NoisyLabelMethod m = plugins.createInstance(method());
		if (m == null) throw new NoisyLabelsException("method " + method().getClassName() +
			" cannot be created (see the log)");
		for (final MethodParameters.Key k : keys()) MethodParameters.set(m, k.name, getInput(k.name));
		m.validate();
		return m;
	}

	/**
	 * The shared part of the training settings (network, batches, validation, early stopping, seed, model
	 * folder), after checking the inputs' presence and the model target; a subclass sets the optimiser,
	 * schedule and iterations.
	 */
	/** The resolved image keys (set by {@link #config()}). */
	protected ImagePlus img, lab, ign, vimg, vlab;
	/** The pairs of train_csv and valid_csv, or null (set by {@link #config()}). */
	protected PairList csvPairs, validPairs;

	private void resolveImages() {
		img = image("image");
		lab = image("label");
		ign = image("ignore_mask");
		vimg = image("validation_image");
		vlab = image("validation_label");
	}

	protected TrainingConfig config() {
		resolveImages();
		final boolean images = img != null || lab != null, folders = image_folder != null || label_folder != null;
		if (images && folders) throw new NoisyLabelsException(
			"give image and label, or image_folder and label_folder, not both");
		if (train_csv != null && (images || folders)) throw new NoisyLabelsException(
			"give train_csv, or image and label, or image_folder and label_folder: one of them");
		if (valid_csv != null && (vimg != null || vlab != null)) throw new NoisyLabelsException(
			"give valid_csv or validation_image/validation_label, not both");
		if (root_dir != null && !root_dir.isDirectory()) throw new NoisyLabelsException("root_dir: " + root_dir +
			" is not a folder: give the folder the CSV's relative paths start from");
		if (train_csv != null) {
			csvPairs = PairList.read(train_csv, root_dir, "train_csv", true);
			if (ign != null) throw new NoisyLabelsException(
				"ignore_mask works with image/label only: with train_csv, mark ignored pixels in the labels' own files");
			if (valid_csv != null) validPairs = PairList.read(valid_csv, root_dir, "valid_csv", true);
		}
		else if (valid_csv != null) throw new NoisyLabelsException("valid_csv works with train_csv: give train_csv too, or validation_image and validation_label");
		else if (folders) {
			Check.present(image_folder, "image_folder");
			Check.present(label_folder, "label_folder");
			if (ign != null) throw new NoisyLabelsException(
				"ignore_mask works with image/label only: with folders, mark ignored pixels in the labels' own files");
		}
		else {
			if (img == null && lab == null) throw new NoisyLabelsException(
				"no training data: give image and label (or image_folder and label_folder, or train_csv)");
			Check.present(img, "image");
			Check.present(lab, "label");
		}
		if (classes == 1) throw new NoisyLabelsException("classes=1: give 0 (automatic) or the number of classes, at least 2");
		Check.present(model, "model");
		ModelFiles.checkTarget(model.toPath(), "model");
		Check.choice(normalization, "normalization", "zscore", "percentile");
		if (vimg != null && vlab == null) throw new NoisyLabelsException(
			"validation_image has no validation_label: give both (or validation_label alone for clean labels of the training image)");
		if (vimg == null && vlab != null && img == null) throw new NoisyLabelsException(
			"validation_label alone needs the training image: give validation_image too when training from folders");
		final TrainingConfig cfg = new TrainingConfig();
		cfg.network.depth = depth;
		cfg.network.baseChannels = base_channels;
		cfg.network.batchNorm = batch_norm;
		cfg.dimensions = Check.range(dimensions, 2, 3, "dimensions");
		if (dimensions == 3 && method() != null) org.noisylabels.train.Trainer.require3D(
			org.noisylabels.method.NoisyLabelMethodService.name(method()));
		if (dimensions == 3 && img != null && img.getCalibration().pixelWidth > 0 && img.getCalibration().scaled()) cfg
			.zAnisotropy = img.getCalibration().pixelDepth / img.getCalibration().pixelWidth;
		cfg.batchSize = batch_size;
		cfg.patchSize = patch_size;
		cfg.validationFraction = vlab != null || validPairs != null ? 0 : validation_fraction;
		cfg.earlyStopping = early_stopping;
		cfg.validationInterval = validation_interval;
		cfg.seed = seed;
		cfg.model = model.toPath();
		cfg.keepModel = TrainingConfig.KeepModel.parse(keep_model);
		if (resume != null && !resume.getPath().isEmpty()) {
			if (!resume.exists()) throw new NoisyLabelsException("resume: " + resume +
				" does not exist: give the model folder (or .zip) of the run to continue");
			cfg.resume = resume.toPath();
		}
		return cfg;
	}

	/** The normalisation chosen by the user. */
	protected Normalization normalizationObject() {
		return Normalization.parse(Check.choice(normalization, "normalization", "zscore", "percentile"));
	}

	/** The training data: image + label (+ ignore mask), or the folders of pairs. */
	protected TrainingData trainingData(final Normalization n) {
		if (csvPairs != null) return TrainingData.fromFiles(csvPairs.images, csvPairs.labels, n, classes, "train_csv",
			"train_csv");
		if (image_folder != null) return TrainingData.fromFolders(image_folder, label_folder, n, classes);
		return TrainingData.fromImages(img, lab, ign, null, n, classes, "image", "label");
	}

	/**
	 * The validation data, or null: validation_image + validation_label, or validation_label alone as
	 * the (clean) labels of the training image; with the training data's classes.
	 */
	protected TrainingData validationData(final Normalization n, final TrainingData training) {
		if (validPairs != null) return TrainingData.fromFiles(validPairs.images, validPairs.labels, n, training.classes(),
			"valid_csv", "valid_csv");
		if (vlab == null) return null;
		if (vimg == null) {
			Masks.requireSameSize(lab, "label (noisy)", vlab, "validation_label (clean)");
			return TrainingData.fromImages(img, vlab, null, null, n, training.classes(), "image",
				"validation_label");
		}
		return TrainingData.fromImages(vimg, vlab, null, null, n, training.classes(),
			"validation_image", "validation_label");
	}

	/** Shows the curve and the validation metrics (and plots the curve) when there is a UI. */
	protected void showResults() {
		if (validation == null) validation = new ResultsTable();
		show(curve, "Training curve");
		show(validation, "Validation metrics");
		if (hasUI()) plot(curve);
	}

	private static void plot(final ResultsTable t) {
		final List<Double> it = new ArrayList<>(), loss = new ArrayList<>(), dice = new ArrayList<>();
		for (int r = 0; r < t.size(); r++) {
			it.add(t.getValue("iteration", r));
			loss.add(t.getValue("loss", r));
			dice.add(t.getValue("validation_dice", r));
		}
		final ij.gui.Plot plot = new ij.gui.Plot("Training curve", "iteration", "loss / validation Dice");
		plot.setColor(java.awt.Color.BLUE);
		plot.addPoints(toArray(it), toArray(loss), ij.gui.Plot.LINE);
		plot.setColor(java.awt.Color.RED);
		plot.addPoints(toArray(it), toArray(dice), ij.gui.Plot.LINE);
		plot.setLegend("loss\tvalidation Dice", ij.gui.Plot.AUTO_POSITION);
		plot.setLimitsToFit(true);
		plot.show();
	}

	private static double[] toArray(final List<Double> l) {
		final double[] a = new double[l.size()];
		for (int i = 0; i < a.length; i++) a[i] = l.get(i);
		return a;
	}
}
