package org.noisylabels.command;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.StringToImagePlusConverter;
import org.noisylabels.io.Tables;
import org.scijava.app.StatusService;
import org.scijava.command.DynamicCommand;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;
import org.scijava.module.MutableModuleItem;
import org.scijava.plugin.Parameter;
import org.scijava.ui.UIService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.measure.ResultsTable;

/**
 * Base of every Noisy Labels command: a thin wrapper that turns parameters into a call of one
 * algorithm. A {@link NoisyLabelsException} (bad input) cancels the command with its one-line message
 * (ImageJ2 shows a canceled command's reason once; the command line prints it); no output is produced.
 * Subclasses implement {@link #execute()}.
 * <p>
 * What every command shares, so that it works the same from the menu, a macro, a headless macro, Fiji's
 * {@code --headless --run} and the suite's command line:
 * <ul>
 * <li>optional images are {@link ImageKey} strings: "none" (the default), an open image's title or a file
 * path, resolved by {@link #image(String)};</li>
 * <li>an image input that Fiji could not resolve (an empty 0&times;0 image) is an error naming the key and
 * the missing file or title;</li>
 * <li>{@code output_folder}: when set, every image output is written there as {@code KEY.tif} and every
 * table as {@code KEY.csv};</li>
 * <li>output titles are made unique among the open images;</li>
 * <li>a failed command in a headless ImageJ launcher run ({@code --headless --run}, {@code -macro},
 * {@code -batch}) ends the process with exit status 2 (bad input) or 1 (internal error).</li>
 * </ul>
 */
public abstract class NoisyLabelsCommand extends DynamicCommand {

	/** The value of an image key that gives no image. */
	public static final String NONE = "none";

	private static volatile boolean commandLineProcess;

	/** Called by the command line's {@code main}: this JVM is one command-line call, not Fiji or ImageJ. */
	public static void markCommandLineProcess() {
		commandLineProcess = true;
	}

	/** Whether this JVM is one command-line call ({@code noisy-labels ...}) rather than Fiji or ImageJ. */
	public static boolean isCommandLineProcess() {
		return commandLineProcess;
	}

	/** System property overriding whether a failed headless run exits: true or false. */
	public static final String EXIT_PROPERTY = "noisylabels.exit_on_failure";

	@Parameter
	protected LogService log;

	@Parameter
	protected StatusService status;

	@Parameter(required = false, persist = false)
	protected UIService ui;

	@Parameter(label = "Output folder", style = "directory", required = false, persist = false,
		description = "Optional (headless runs): write every image output as KEY.tif and every table as KEY.csv into this folder (created if needed; existing files are replaced); folder runs (label_folder, Batch Apply Model) write under the inputs' relative paths instead")
	protected File output_folder;

	/** Set by a caller (the command line, the macro bridge) that reports failures itself. */
	private boolean callerReportsErrors;

	/** Runs the command's work; throw {@link NoisyLabelsException} for bad input. */
	protected abstract void execute();

	/**
	 * Runs the command over folders instead of one image when its folder keys are given, and returns whether
	 * it did; then {@link #execute()} is not called and {@code output_folder} is the root of the per-file
	 * outputs (not the KEY.tif folder of single runs). Default: no folder mode.
	 */
	protected boolean executeOnFolders() {
		return false;
	}

	/**
	 * Whether the dialog shows {@code output_folder} and the {@code *_folder} keys (Batch Apply Model);
	 * elsewhere they are keys for macros, headless runs and the command line only.
	 */
	boolean foldersInDialog() {
		return false;
	}

	/** The folder keys of a single-image command's folder mode (macro, headless and command line only). */
	java.util.List<String> folderKeys() {
		return java.util.Collections.emptyList();
	}

	/** The command line and the macro bridge report failures themselves: no log, no exit. */
	public void setCallerReportsErrors(final boolean b) {
		callerReportsErrors = b;
	}

	/** Whether a caller (the command line, the macro bridge) reports failures and handles outputs itself. */
	boolean callerReportsErrors() {
		return callerReportsErrors;
	}

	@Override
	public final void run() {
		try {
			checkImageInputs();
			if (!executeOnFolders()) {
				execute();
				uniqueTitles();
				writeOutputFolder();
			}
			tablesHandled();
		}
		catch (final NoisyLabelsException e) {
			failed(e.getMessage(), 2);
		}
		catch (final Progress.CanceledException e) {
			cancel(e.getMessage() != null && e.getMessage().startsWith("canceled") ? e.getMessage() : "canceled by the user");
		}
		catch (final RuntimeException | OutOfMemoryError e) {
			if (log != null && (!callerReportsErrors || System.getenv("NOISY_LABELS_DEBUG") != null)) log.error(e);
			failed("internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage() +
				" - please report it with the log", 1);
		}
		finally {
			if (status != null) status.clearStatus();
		}
	}

	private void failed(final String message, final int exitCode) {
		if (callerReportsErrors || !exitOnFailure()) {
			fail(message);
			return;
		}
		// a headless launcher run ends here: the message once, as "error: ...", not also logged
		cancel(message);
		System.err.println("error: " + message);
		System.err.flush();
		System.exit(exitCode);
	}

	/**
	 * Cancels with an error message. ImageJ2 shows a canceled command's reason itself and the command line
	 * prints it, so the message is only logged when neither will report it.
	 */
	protected void fail(final String message) {
		cancel(message);
		if (!callerReportsErrors && !hasUI() && log != null) log.error(message);
	}

	/**
	 * Whether a failed command ends the process: only in a headless run started by the ImageJ launcher
	 * ({@code --headless} with {@code --run}, {@code -macro} or {@code -batch}), never in a GUI, in the
	 * suite's command line or when ImageJ is used as a library (PyImageJ); the system property
	 * {@value #EXIT_PROPERTY} ({@code true}/{@code false}) overrides.
	 */
	public static boolean exitOnFailure() {
		final String p = System.getProperty(EXIT_PROPERTY);
		if (p != null) return Boolean.parseBoolean(p.trim());
		if (!GraphicsEnvironment.isHeadless()) return false;
		final List<String> args = new ArrayList<>();
		ProcessHandle.current().info().arguments().ifPresent(a -> args.addAll(java.util.Arrays.asList(a)));
		final String javaCommand = System.getProperty("sun.java.command");
		if (javaCommand != null) args.addAll(java.util.Arrays.asList(javaCommand.split("\\s+")));
		return isHeadlessLauncherRun(args);
	}

	/** Whether these process arguments are a headless ImageJ launcher run of a command or macro. */
	static boolean isHeadlessLauncherRun(final List<String> args) {
		return args.contains("--headless") && (args.contains("--run") || args.contains("-macro") || args.contains(
			"-batch") || args.contains("--jython") || args.contains("--ij2"));
	}

	/** Whether a graphical user interface is showing (not headless, not the command line). */
	protected boolean hasUI() {
		return ui != null && !ui.isHeadless() && !GraphicsEnvironment.isHeadless() && ui.isVisible();
	}

	/** Shows a results table in an ImageJ window when a UI is present (outputs are also returned). */
	protected void show(final ResultsTable table, final String title) {
		if (hasUI() && table != null) table.show(title);
	}

	// -- image keys --

	/** The {@link ImageKey} annotation of input {@code name} of a command class, or null. */
	public static ImageKey imageKey(final Class<?> commandClass, final String name) {
		for (Class<?> c = commandClass; c != null && c != Object.class; c = c.getSuperclass()) {
			try {
				final Field f = c.getDeclaredField(name);
				return f.getType() == String.class ? f.getAnnotation(ImageKey.class) : null;
			}
			catch (final NoSuchFieldException e) {
				// look in the superclass
			}
		}
		return null;
	}

	/**
	 * Resolves the image key {@code key} (the name of a {@link ImageKey} field): null for "none" or empty,
	 * else the open image of that title, else the image file of that path; an error naming the key
	 * otherwise.
	 */
	protected ImagePlus image(final String key) {
		final Object v = getInput(key);
		return resolveImage(key, v == null ? null : v.toString());
	}

	/** Resolves an image key's value: see {@link #image(String)}. */
	public static ImagePlus resolveImage(final String key, final String value) {
		if (value == null || value.trim().isEmpty() || value.trim().equalsIgnoreCase(NONE)) return null;
		final String v = value.trim();
		final ImagePlus open = WindowManager.getImage(v);
		if (open != null) return open;
		final File f = new File(v);
		if (f.exists() || looksLikePath(v)) return ImageFiles.open(f, key);
		throw new NoisyLabelsException(key + ": no open image titled \"" + v + "\" (and no file of that name): give " +
			key + "=none, the title of an open image or a file path");
	}

	private static boolean looksLikePath(final String v) {
		final String l = v.toLowerCase(Locale.ROOT);
		return v.contains("/") || v.contains("\\") || l.endsWith(".tif") || l.endsWith(".tiff") || l.endsWith(".png");
	}

	/**
	 * Called by ImageJ2 before the dialog: the choices of every image key are "none" and the open images
	 * (the active one first), and, unless a macro gave it, an image key starts at the active image or at
	 * another open image as its {@link ImageKey} says (see {@link #dialogDefault}). A command with two image
	 * inputs uses image keys for both: Fiji's dialog starts every {@code ImagePlus} input of a command with
	 * several at the first open image, whatever the command sets (its choices are wrappers of the open
	 * images, which an image set here never equals).
	 */
	@Override
	public void initialize() {
		try {
			super.initialize();
		}
		catch (final org.scijava.module.MethodCallException e) {
			throw new IllegalStateException(e);
		}
		final List<String> titles = openTitles();
		for (final ModuleItem<?> item : getInfo().inputs()) {
			final String name = item.getName();
			final ImageKey k = imageKey(getClass(), name);
			if (k == null) continue;
			final MutableModuleItem<String> m = getInfo().getMutableInput(name, String.class);
			final List<String> choices = new ArrayList<>();
			choices.add(NONE);
			choices.addAll(titles);
			m.setChoices(choices);
			if (isInputResolved(name)) continue;
			final String d = dialogDefault(k.value(), titles);
			if (d != null) setInput(name, d);
		}
	}

	/**
	 * Where an image key's dialog starts, given the open images' titles (the active one first): the active
	 * image for {@link ImageKey#ACTIVE}; for {@link ImageKey#OTHER} an open image other than the active one,
	 * or the active one when it is the only one; null (keep "none") for {@link ImageKey#NONE} or when no
	 * image is open.
	 */
	static String dialogDefault(final String kind, final List<String> titles) {
		if (titles.isEmpty()) return null;
		if (ImageKey.ACTIVE.equals(kind)) return titles.get(0);
		if (ImageKey.OTHER.equals(kind)) return titles.size() > 1 ? titles.get(1) : titles.get(0);
		return null;
	}

	/** Titles of the open images, the active one first. */
	static List<String> openTitles() {
		final List<String> titles = new ArrayList<>();
		final int[] ids = WindowManager.getIDList();
		if (ids == null) return titles;
		final ImagePlus current = WindowManager.getCurrentImage();
		if (current != null) titles.add(current.getTitle());
		for (final int id : ids) {
			final ImagePlus imp = WindowManager.getImage(id);
			if (imp != null && !titles.contains(imp.getTitle())) titles.add(imp.getTitle());
		}
		return titles;
	}

	// -- checks and outputs --

	/**
	 * An image input that Fiji could not resolve arrives as an empty (0&times;0) image: say which key and
	 * that the file or the open image does not exist.
	 */
	private void checkImageInputs() {
		for (final ModuleItem<?> item : getInfo().inputs()) {
			if (item.getType() != ImagePlus.class) continue;
			final Object v = getInput(item.getName());
			if (v == null) continue;
			final ImagePlus imp = (ImagePlus) v;
			if (imp.getWidth() > 0 && imp.getHeight() > 0 && imp.getStackSize() > 0 && imp.getProcessor() != null) continue;
			final Object source = imp.getProperty(StringToImagePlusConverter.SOURCE);
			final String key = item.getName();
			if (source != null) {
				final String s = source.toString();
				if (new File(s).exists() || looksLikePath(s)) {
					ImageFiles.open(new File(s), key); // throws the reason (not found, folder, unreadable)
					throw new NoisyLabelsException(key + ": cannot read " + s + " as an image");
				}
				throw new NoisyLabelsException(key + ": no open image titled \"" + s +
					"\" (and no file of that name): give the title of an open image or a file path");
			}
			throw new NoisyLabelsException(key + ": the image is empty (0x0): the file does not exist or the title is not an open image" +
				(imp.getTitle() == null || imp.getTitle().isEmpty() || imp.getTitle().equals("null") ? "" : " (\"" + imp
					.getTitle() + "\")") +
				"; give the title of an open image or an existing file path");
		}
	}

	/** A second run must not give a second window of the same title. */
	private void uniqueTitles() {
		for (final ModuleItem<?> item : getInfo().outputs()) {
			final Object v = getOutput(item.getName());
			if (!(v instanceof ImagePlus)) continue;
			final ImagePlus imp = (ImagePlus) v;
			final String t = imp.getTitle();
			if (t == null || t.isEmpty()) continue;
			final ImagePlus same = WindowManager.getImage(t);
			if (same != null && same != imp) imp.setTitle(WindowManager.makeUniqueName(t));
		}
	}

	/** Writes every image output as KEY.tif and every table as KEY.csv into output_folder, all or nothing. */
	/**
	 * Marks the table outputs as handled: the command shows them itself (when a UI shows) and writes them
	 * (output_folder); SciJava has no display for an ImageJ 1.x table, so its display postprocessor would
	 * otherwise warn "Ignoring unsupported output" for each, which pops up Fiji's console window. The values
	 * stay readable.
	 */
	private void tablesHandled() {
		for (final ModuleItem<?> item : getInfo().outputs()) {
			if (getOutput(item.getName()) instanceof ResultsTable) resolveOutput(item.getName());
		}
	}

	private void writeOutputFolder() {
		if (output_folder == null || output_folder.getPath().trim().isEmpty()) return;
		final Path dir = output_folder.toPath();
		if (Files.exists(dir) && !Files.isDirectory(dir)) throw new NoisyLabelsException("output_folder: " + dir +
			" is a file, a folder is expected");
		try {
			Files.createDirectories(dir);
		}
		catch (final java.io.IOException e) {
			throw new NoisyLabelsException("output_folder: cannot create " + dir + " (" + e.getMessage() + ")");
		}
		try (AtomicFiles batch = new AtomicFiles()) {
			for (final ModuleItem<?> item : getInfo().outputs()) {
				final Object v = getOutput(item.getName());
				if (v instanceof ImagePlus) batch.stage(dir.resolve(item.getName() + ".tif"), tmp -> ImageFiles.write(
					(ImagePlus) v, tmp));
				else if (v instanceof ResultsTable) batch.stage(dir.resolve(item.getName() + ".csv"), tmp -> Tables.write(
					(ResultsTable) v, tmp));
			}
			batch.commit();
		}
		if (log != null) log.info("outputs written to " + dir);
	}

	/**
	 * The log of a training run: lines starting with "WARNING: " go to the log as warnings (standard error
	 * even with --quiet; Fiji's log window), the rest as information.
	 */
	protected java.util.function.Consumer<String> trainingLog() {
		if (log == null) return s -> {};
		final java.util.function.Consumer<String> info = log::info;
		return s -> {
			if (s.startsWith("WARNING: ")) TrainingWarning.warn(log, s.substring("WARNING: ".length()));
			else info.accept(s);
		};
	}

	/** A {@link Progress} reporting to the status bar and honouring this command's cancel. */
	protected Progress progress() {
		return new Progress() {

			@Override
			public void update(final String message, final double fraction) {
				if (status == null) return;
				if (fraction >= 0) status.showStatus((int) Math.round(fraction * 1000), 1000, message);
				else status.showStatus(message);
			}

			@Override
			public boolean isCanceled() {
				return NoisyLabelsCommand.this.isCanceled() || ij.IJ.escapePressed();
			}
		};
	}
	// -- keys declared on another class (see MethodParameters): a method's keys, iGTT's keys --

	private org.scijava.command.DynamicCommandInfo declaredInfo;
	private boolean ordered;

	/**
	 * The class whose {@code @Parameter} fields (read by {@link org.noisylabels.method.MethodParameters})
	 * are further keys of this command, added after the command's own fields: in its dialog, macro calls,
	 * the Recorder, the command line and {@code --help}. Null (the default) = none.
	 */
	protected Class<?> declaredKeys() {
		return null;
	}

	/** The menu entry the declared keys are added to: the command class's own by default. */
	protected org.scijava.command.CommandInfo baseInfo() {
		return new org.scijava.command.CommandInfo(getClass());
	}

	/** Inputs shown after the declared keys (the model to write, the output folder). */
	private static final String[] LAST_INPUTS = { "model", "output_folder" };

	@Override
	public org.scijava.command.DynamicCommandInfo getInfo() {
		final Class<?> c = declaredKeys();
		if (c == null) {
			final org.scijava.command.DynamicCommandInfo info = super.getInfo();
			if (!ordered) {
				ordered = true;
				keysBeforeLongerOnes(info);
			}
			return info;
		}
		if (declaredInfo == null) {
			final org.scijava.command.DynamicCommandInfo info = new org.scijava.command.DynamicCommandInfo(baseInfo(),
				getClass());
			for (final org.noisylabels.method.MethodParameters.Key k : org.noisylabels.method.MethodParameters.keys(c)) {
				info.addInput(item(info, k));
			}
			for (final String name : LAST_INPUTS) {
				final ModuleItem<?> last = info.getInput(name);
				if (last == null) continue;
				info.removeInput(last);
				info.addInput(last);
			}
			keysBeforeLongerOnes(info);
			declaredInfo = info;
			for (final org.noisylabels.method.MethodParameters.Key k : org.noisylabels.method.MethodParameters.keys(c)) {
				setInput(k.name, k.defaultValue instanceof Enum ? ((Enum<?>) k.defaultValue).name() : k.defaultValue);
			}
		}
		return declaredInfo;
	}

	/**
	 * Moves a key before every key ending in it ({@code gamma}, Supervised's NRDice exponent, before
	 * {@code lr_gamma}); the order is otherwise kept. ImageJ reads a macro key {@code k} from the first
	 * {@code k=} not preceded by a letter, so {@code gamma=} is found inside {@code lr_gamma=}: in the order of
	 * the dialog, which the Recorder keeps, a key must come first, or the Recorder stops on a "Duplicate
	 * keyword" message and its line replays the wrong value.
	 */
	private static void keysBeforeLongerOnes(final org.scijava.command.DynamicCommandInfo info) {
		final List<ModuleItem<?>> items = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) items.add(item);
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
		for (final ModuleItem<?> item : items) info.removeInput(item);
		for (final ModuleItem<?> item : items) info.addInput(item);
	}

	/** Whether ImageJ's macro option parser finds {@code key=} inside {@code longer=}. */
	static boolean endsWithKey(final String longer, final String key) {
		return longer.length() > key.length() && longer.endsWith(key) && !Character.isLetter(longer.charAt(longer
			.length() - key.length() - 1));
	}


	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static org.scijava.module.DefaultMutableModuleItem<?> item(final org.scijava.command.DynamicCommandInfo info,
		final org.noisylabels.method.MethodParameters.Key k)
	{
		// an enum key is a text key with its constants as choices
		final Class<?> type = k.type.isEnum() ? String.class : k.type;
		final org.scijava.module.DefaultMutableModuleItem item = new org.scijava.module.DefaultMutableModuleItem<>(info,
			k.name, type);
		item.setLabel(k.label);
		item.setDescription(k.description);
		item.setPersisted(false);
		item.setRequired(true);
		item.setDefaultValue(k.defaultValue instanceof Enum ? ((Enum<?>) k.defaultValue).name() : k.defaultValue);
		if (k.isNumber()) {
			if (k.min != null) item.setMinimumValue(org.noisylabels.method.MethodParameters.convert(k.type, k.name, k.min));
			if (k.max != null) item.setMaximumValue(org.noisylabels.method.MethodParameters.convert(k.type, k.name, k.max));
		}
		if (!k.choices.isEmpty()) item.setChoices(k.choices);
		return item;
	}

	/**
	 * Sets every declared key of {@code target} (an instance of {@link #declaredKeys()}, or a method whose
	 * keys live on its keys object) to this command's input of the same name; returns {@code target}.
	 */
	protected <T> T applyDeclaredKeys(final T target) {
		for (final org.noisylabels.method.MethodParameters.Key k : org.noisylabels.method.MethodParameters.keys(
			declaredKeys())) org.noisylabels.method.MethodParameters.set(target, k.name, getInput(k.name));
		return target;
	}
}
