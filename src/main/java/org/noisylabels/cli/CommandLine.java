package org.noisylabels.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.command.NoisyLabelsCommand;
import org.noisylabels.command.TrainMenuService;
import org.noisylabels.io.AtomicFiles;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.io.Tables;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.app.event.StatusEvent;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.InitPreprocessor;
import org.scijava.module.process.ModulePreprocessor;
import org.scijava.module.process.ServicePreprocessor;
import org.scijava.module.process.ValidityPreprocessor;
import org.scijava.service.Service;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/**
 * The suite's command line: {@code --list}, {@code --help "Title"} and {@code "Title" key=value ...}.
 * Every command runs headless in a SciJava {@link Context} with the same snake_case keys a Fiji macro
 * uses. Image inputs are file paths; every output is written to the path given by the key named after
 * it (images as TIFF/PNG, tables as CSV; a table without a path is printed to standard output). Outputs
 * are written only when the command succeeded, all at once.
 * <p>
 * Exit codes: 0 success, 2 bad input or usage (one line on standard error), 1 internal error, 130
 * canceled.
 */
public final class CommandLine {

	/** Where the suite's commands live in the menus. */
	public static final String MENU_ROOT = "Plugins>Noisy Labels>";

	private final PrintStream out;
	private final PrintStream err;
	private boolean quiet;
	private boolean overwrite;
	/** Set by {@link #main}: every call runs in its own process (nothing is kept between calls). */
	private static volatile boolean ownProcess;

	public CommandLine(final PrintStream out, final PrintStream err) {
		this.out = out;
		this.err = err;
	}

	/** Keeps java.util.prefs quiet (a strong reference: loggers are held weakly). */
	private static final java.util.logging.Logger PREFS_LOG = java.util.logging.Logger.getLogger("java.util.prefs");

	public static void main(final String[] args) {
		System.setProperty("java.awt.headless", "true");
		ownProcess = true;
		NoisyLabelsCommand.markCommandLineProcess();
		// data (tables, values) go to standard output, everything else to standard error: whatever a library
		// prints on System.out (SciJava's log prints INFO there) is sent to standard error
		final PrintStream data = System.out;
		System.setOut(System.err);
		// "Couldn't flush user prefs" from a read-only home: the command line keeps no preferences anyway
		PREFS_LOG.setLevel(java.util.logging.Level.OFF);
		final CommandLine cl = new CommandLine(data, System.err);
		cl.handleSignals();
		final int code = cl.run(args);
		org.noisylabels.train.ModelCache.release(); // frees the model and its files before the process ends
		data.flush();
		System.exit(code);
	}

	/** The running command's module (null before and after), for Ctrl-C. */
	private volatile Module running;
	private volatile boolean signalled;

	/**
	 * Ctrl-C (SIGINT) and SIGTERM cancel the running command as Fiji's cancel does: a training run stops after
	 * its current step and writes the best model so far (atomically), then the command line says where and
	 * exits 130. A second signal stops at once (nothing more is written).
	 */
	private void handleSignals() {
		for (final String name : new String[] { "INT", "TERM" }) {
			try {
				sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> interrupted(sig.getName()));
			}
			catch (final IllegalArgumentException e) {
				// the signal is reserved here (e.g. java -Xrs): keep the JVM's own handling
			}
		}
	}

	private void interrupted(final String signal) {
		final Module m = running;
		if (signalled || m == null) {
			err.println(signalled ? "canceled: stopped at once (second SIG" + signal + ")" : "canceled");
			err.flush();
			Runtime.getRuntime().halt(130);
		}
		signalled = true;
		if (m instanceof Cancelable) {
			err.println("SIG" + signal + ": canceling; a training run stops after its current step and writes the best model so far (send it again to stop at once)");
			err.flush();
			((Cancelable) m).cancel("canceled by the user");
		}
	}

	/** Runs one command line in a new SciJava context and returns the exit code. */
	public int run(final String[] argv) {
		return run(argv, null);
	}

	/**
	 * Runs one command line and returns the exit code, in {@code existing} (Fiji's context, when the macro
	 * bridge runs inside Fiji; it is neither changed nor disposed) or, when null, in a new context.
	 */
	public int run(final String[] argv, final Context existing) {
		final List<String> args = new ArrayList<>(java.util.Arrays.asList(argv));
		quiet = args.remove("--quiet") | args.remove("-q");
		overwrite = args.remove("--overwrite");
		if (args.isEmpty() || args.get(0).equals("--help") && args.size() == 1 || args.get(0).equals("-h")) {
			usage();
			return args.isEmpty() ? 2 : 0;
		}
		final Context context = existing != null ? existing : new Context(CommandService.class, ModuleService.class,
			StatusService.class, LogService.class, EventService.class, TrainMenuService.class);
		if (existing == null) {
			if (quiet) context.service(LogService.class).setLevel(LogLevel.WARN);
		}
		try {
			final CommandService commands = context.service(CommandService.class);
			if (args.get(0).equals("--list")) {
				for (final CommandInfo info : suiteCommands(commands)) describe(context, info);
				return 0;
			}
			if (args.get(0).equals("--help")) {
				describe(context, find(commands, args.get(1)));
				return 0;
			}
			if ((args.get(0).equals("train") || args.get(0).equals("test")) && args.size() >= 2 && args.get(1)
				.matches("(?i).*\\.(cfg|ini|conf|txt)$"))
			{
				if (args.size() > 2) throw new NoisyLabelsException(args.get(0) + " CONFIG.cfg takes no key=value: write the keys into the configuration file");
				return runConfig(context, args.get(0), new File(args.get(1)));
			}
			if (args.get(0).startsWith("-")) {
				throw new NoisyLabelsException("unknown option " + args.get(0) + ": use --list, --help \"Title\" or \"Title\" key=value ...");
			}
			return execute(context, find(commands, args.get(0)), args.subList(1, args.size()));
		}
		catch (final NoisyLabelsException e) {
			err.println("error: " + e.getMessage());
			return 2;
		}
		catch (final RuntimeException e) {
			err.println("internal error: " + e);
			if (System.getenv("NOISY_LABELS_DEBUG") != null) e.printStackTrace(err);
			return 1;
		}
		finally {
			if (existing == null) context.dispose();
		}
	}

	/**
	 * Runs a PyMIC configuration file: checks all of it first ({@link ConfigRun}; warnings for unknown
	 * keys), then runs its calls.
	 */
	private int runConfig(final Context context, final String stage, final File file) {
		final ConfigFile cfg = ConfigFile.read(file);
		final ConfigRun plan = ConfigRun.plan(cfg, stage, context.service(
			org.noisylabels.method.NoisyLabelMethodService.class));
		final CommandService commands = context.service(CommandService.class);
		// keys the target command does not have (e.g. PINT has no learning_rate) are dropped with a warning
		for (final ConfigRun.Call call : plan.calls) {
			final CommandInfo info = find(commands, call.title);
			final Module module = context.service(ModuleService.class).createModule(info);
			final List<ModuleItem<?>> inputs = userInputs(module.getInfo());
			for (final ModuleItem<?> o : module.getInfo().outputs()) inputs.add(o);
			for (final String key : new ArrayList<>(call.keys.keySet())) {
				if (findInput(inputs, key) == null) {
					plan.warnings.add(file.getName() + ": " + key + " has no meaning for \"" + call.title + "\" (ignored)");
					call.keys.remove(key);
				}
			}
		}
		for (final String w : plan.warnings) err.println("warning: " + w);
		if (stage.equals("test")) {
			// every output is checked before the first is written
			for (final ConfigRun.Call call : plan.calls) refuseExisting(Paths.get(call.keys.get("mask")), "mask");
		}
		// PyMIC creates ckpt_save_dir and output_dir; so does the suite, once everything is checked, and it
		// removes the folders it created (when still empty) if the run fails
		final List<File> created = new ArrayList<>();
		boolean ok = false;
		try {
			for (final ConfigRun.Call call : plan.calls) {
				final String target = call.title.equals("Apply Model") ? call.keys.get("mask") : call.keys.get("model");
				if (target != null) mkdirs(new File(target).getAbsoluteFile().getParentFile(), created);
				if (!quiet) err.println("config: " + call);
				final int code = execute(context, find(commands, call.title), call.argv().subList(1, call.argv().size()));
				if (code != 0) return code;
			}
			ok = true;
			return 0;
		}
		finally {
			if (!ok) for (int i = created.size() - 1; i >= 0; i--) {
				final String[] left = created.get(i).list();
				if (left != null && left.length == 0) created.get(i).delete();
			}
		}
	}

	private static void mkdirs(final File dir, final List<File> created) {
		if (dir == null || dir.isDirectory()) return;
		mkdirs(dir.getParentFile(), created);
		if (!dir.mkdir() && !dir.isDirectory()) throw new NoisyLabelsException("cannot create " + dir +
			": check the permissions of its parent folder");
		created.add(dir);
	}

	private void usage() {
		out.println("Noisy Labels command line");
		out.println("  noisy-labels --list                      every command with its keys, defaults and ranges");
		out.println("  noisy-labels --help \"Title\"              one command");
		out.println("  noisy-labels \"Title\" key=value ...       run a command (images are file paths;");
		out.println("                                           outputs go to the path given by their key)");
		out.println("  noisy-labels train CONFIG.cfg           train as a PyMIC configuration file says");
		out.println("  noisy-labels test CONFIG.cfg            segment its test_csv images into its output_dir");
		out.println("  options: --quiet (no progress and no informational log on standard error)");
		out.println("           --overwrite (replace existing output files and model folders; without it they are refused)");
	}

	/**
	 * Whether this process is the command line itself ({@code noisy-labels ...}), where every call is its
	 * own process, rather than the command line run inside Fiji or ImageJ (the macro bridge).
	 */
	public static boolean isOwnProcess() {
		return ownProcess;
	}

	/** The suite's commands, sorted by menu path. */
	public static List<CommandInfo> suiteCommands(final CommandService commands) {
		final List<CommandInfo> list = new ArrayList<>();
		for (final CommandInfo info : commands.getCommands()) {
			if (info.getMenuPath() != null && info.getMenuPath().getMenuString(true).startsWith(MENU_ROOT.replace(">", " > ").trim()) ||
				info.getClassName().startsWith("org.noisylabels."))
			{
				if (info.getMenuPath() != null && !info.getMenuPath().isEmpty()) list.add(info);
			}
		}
		list.sort(Comparator.comparing(i -> i.getMenuPath().getMenuString(true)));
		return list;
	}

	/** Finds a command by title (its menu leaf), full menu path or class name, ignoring case. */
	public static CommandInfo find(final CommandService commands, final String name) {
		final String n = name.trim();
		for (final CommandInfo info : suiteCommands(commands)) {
			if (info.getTitle().equalsIgnoreCase(n) || info.getMenuPath().getMenuString(true).replace(" > ", ">")
				.equalsIgnoreCase(n.replace(" > ", ">")) || info.getClassName().equalsIgnoreCase(n) || simpleName(info)
					.equalsIgnoreCase(n))
			{
				return info;
			}
		}
		final StringBuilder near = new StringBuilder();
		for (final CommandInfo info : suiteCommands(commands)) {
			final String t = info.getTitle().toLowerCase(Locale.ROOT);
			for (final String word : n.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
				if (word.length() > 2 && t.contains(word)) {
					near.append(near.length() == 0 ? "" : ", ").append('"').append(info.getTitle()).append('"');
					break;
				}
			}
		}
		throw new NoisyLabelsException("unknown command \"" + n + "\": " + (near.length() > 0 ? "did you mean " + near +
			"? " : "") + "run --list to see every command");
	}

	private static String simpleName(final CommandInfo info) {
		final String c = info.getClassName();
		return c.substring(c.lastIndexOf('.') + 1);
	}

	/** The user-facing inputs of a command (no services, no context). */
	public static List<ModuleItem<?>> userInputs(final ModuleInfo info) {
		final List<ModuleItem<?>> list = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) {
			if (Service.class.isAssignableFrom(item.getType()) || Context.class.isAssignableFrom(item.getType())) continue;
			list.add(item);
		}
		return list;
	}

	private void describe(final Context context, final CommandInfo info) {
		final Module module = context.service(ModuleService.class).createModule(info);
		out.println(info.getTitle());
		out.println("  menu: " + info.getMenuPath().getMenuString(true));
		if (info.getDescription() != null && !info.getDescription().isEmpty()) out.println("  " + info.getDescription());
		for (final ModuleItem<?> item : userInputs(module.getInfo())) {
			final StringBuilder sb = new StringBuilder("  ");
			final boolean imageKey = NoisyLabelsCommand.imageKey(module.getDelegateObject().getClass(), item
				.getName()) != null;
			sb.append(String.format(Locale.ROOT, "%-20s %-8s", item.getName(), imageKey ? "image" : typeName(item
				.getType())));
			final Object def = module.getInput(item.getName());
			if (def != null) sb.append(" default ").append(def instanceof Double || def instanceof Float ? Check.fmt(
				((Number) def).doubleValue()) : def);
			else if (item.isRequired()) sb.append(" required");
			else sb.append(" optional");
			if (item.getChoices() != null && !item.getChoices().isEmpty()) sb.append("  one of ").append(String.join("|",
				toStrings(item.getChoices())));
			if (item.getMinimumValue() != null || item.getMaximumValue() != null) sb.append("  range [").append(
				item.getMinimumValue() == null ? "" : item.getMinimumValue()).append(", ").append(item
					.getMaximumValue() == null ? "" : item.getMaximumValue()).append("]");
			if (item.getDescription() != null && !item.getDescription().isEmpty()) sb.append("  - ").append(item
				.getDescription());
			out.println(sb);
		}
		for (final ModuleItem<?> item : module.getInfo().outputs()) {
			out.println(String.format(Locale.ROOT, "  -> %-17s %-8s", item.getName(), typeName(item.getType())) + (item
				.getLabel() != null && !item.getLabel().isEmpty() ? "  " + item.getLabel() : ""));
		}
		out.println();
	}

	private static List<String> toStrings(final List<?> l) {
		final List<String> s = new ArrayList<>();
		for (final Object o : l) s.add(String.valueOf(o));
		return s;
	}

	private static String typeName(final Class<?> type) {
		if (ImagePlus.class.isAssignableFrom(type)) return "image";
		if (ResultsTable.class.isAssignableFrom(type)) return "table";
		if (File.class.isAssignableFrom(type)) return "path";
		if (type == String.class) return "text";
		if (type == boolean.class || type == Boolean.class) return "boolean";
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "integer";
		if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "number";
		return type.getSimpleName();
	}

	private int execute(final Context context, final CommandInfo info, final List<String> args) {
		final ModuleService modules = context.service(ModuleService.class);
		final Module module = modules.createModule(info);
		final Class<?> commandClass = module.getDelegateObject().getClass();
		if (module.getDelegateObject() instanceof NoisyLabelsCommand) {
			((NoisyLabelsCommand) module.getDelegateObject()).setCallerReportsErrors(true);
		}
		final Map<String, String> given = new LinkedHashMap<>();
		for (final String a : args) {
			final int eq = a.indexOf('=');
			if (eq <= 0) throw new NoisyLabelsException("argument '" + a + "' is not key=value (see --help \"" + info
				.getTitle() + "\")");
			final String key = a.substring(0, eq).trim();
			if (given.containsKey(key)) throw new NoisyLabelsException("key '" + key + "' is given twice");
			given.put(key, a.substring(eq + 1));
		}
		final List<ModuleItem<?>> inputs = userInputs(module.getInfo());
		final Map<String, ModuleItem<?>> outputs = new LinkedHashMap<>();
		for (final ModuleItem<?> o : module.getInfo().outputs()) outputs.put(o.getName(), o);
		// unknown keys first, so that nothing is read before the whole line is known to be valid
		for (final String key : given.keySet()) {
			if (findInput(inputs, key) == null && !outputs.containsKey(key)) {
				final List<String> valid = new ArrayList<>();
				for (final ModuleItem<?> i : inputs) valid.add(i.getName());
				valid.addAll(outputs.keySet());
				throw new NoisyLabelsException("unknown key '" + key + "' for \"" + info.getTitle() + "\": valid keys are " +
					String.join(", ", valid));
			}
		}
		// output paths are checked before any work
		final Map<String, Path> outputPaths = new LinkedHashMap<>();
		for (final Map.Entry<String, ModuleItem<?>> o : outputs.entrySet()) {
			final String value = given.get(o.getKey());
			if (value == null || findInput(inputs, o.getKey()) != null) continue;
			final Path p = Paths.get(value);
			final Class<?> type = o.getValue().getType();
			if (ImagePlus.class.isAssignableFrom(type)) ImageFiles.checkImagePath(p, o.getKey());
			else if (ResultsTable.class.isAssignableFrom(type)) Tables.checkCsvPath(p, o.getKey());
			else AtomicFiles.checkWritable(p, o.getKey());
			refuseExisting(p, o.getKey());
			outputPaths.put(o.getKey(), p);
		}
		// so are the paths of written folders and files given as inputs (a model to save)
		for (final ModuleItem<?> item : inputs) {
			final String value = given.get(item.getName());
			if (value == null || !File.class.isAssignableFrom(item.getType()) || item.getWidgetStyle() == null || !item
				.getWidgetStyle().contains("save")) continue;
			refuseExisting(Paths.get(value.trim()), item.getName());
		}
		for (final ModuleItem<?> item : inputs) {
			final String name = item.getName();
			final String value = given.get(name);
			if (value == null) {
				if (item.isRequired() && module.getInput(name) == null) {
					throw new NoisyLabelsException("missing key '" + name + "' for \"" + info.getTitle() + "\": give " + name +
						"=" + (ImagePlus.class.isAssignableFrom(item.getType()) ? "PATH" : "VALUE"));
				}
			}
			else {
				module.setInput(name, NoisyLabelsCommand.imageKey(commandClass, name) != null ? value.trim() : convert(item,
					value));
			}
			module.resolveInput(name);
		}
		final StatusPrinter printer = new StatusPrinter(err, quiet);
		final List<org.scijava.event.EventSubscriber<?>> subscribers = context.service(EventService.class).subscribe(
			printer);
		final Module done;
		try {
			running = module;
			done = modules.run(module, preprocessors(context), null, (Map<String, Object>) null).get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new NoisyLabelsException("interrupted");
		}
		catch (final ExecutionException e) {
			final Throwable cause = e.getCause() == null ? e : e.getCause();
			if (cause instanceof NoisyLabelsException) throw (NoisyLabelsException) cause;
			throw new RuntimeException(cause);
		}
		finally {
			running = null;
			printer.finish();
			context.service(EventService.class).unsubscribe(subscribers);
		}
		if (done instanceof Cancelable && ((Cancelable) done).isCanceled()) {
			final String reason = ((Cancelable) done).getCancelReason();
			if (reason == null || reason.isEmpty() || reason.startsWith("canceled")) {
				err.println(reason != null && reason.startsWith("canceled:") ? reason : "canceled" + (reason == null || reason
					.isEmpty() ? "" : ": " + reason));
				return 130;
			}
			err.println("error: " + reason);
			return reason.startsWith("internal error") ? 1 : 2;
		}
		writeOutputs(info, done, outputs, outputPaths, given.keySet());
		return 0;
	}

	/** Refuses an existing output file or folder unless --overwrite was given. */
	private void refuseExisting(final Path p, final String key) {
		if (overwrite || !java.nio.file.Files.exists(p)) return;
		throw new NoisyLabelsException(key + ": " + p + " already exists: give another path, or add --overwrite to replace it (macro bridge: the word overwrite)");
	}

	/**
	 * The module preprocessors of a command-line run: services, initializers and the validity check only.
	 * Not the preferences (the command line neither reads nor writes remembered values), not the input
	 * dialog, and not Fiji's macro, image and display processors when the macro bridge runs in Fiji's
	 * context.
	 */
	private static List<ModulePreprocessor> preprocessors(final Context context) {
		final List<ModulePreprocessor> list = new ArrayList<>();
		for (final ModulePreprocessor p : new ModulePreprocessor[] { new ServicePreprocessor(), new ValidityPreprocessor(),
			new InitPreprocessor() })
		{
			context.inject(p);
			list.add(p);
		}
		return list;
	}

	private static ModuleItem<?> findInput(final List<ModuleItem<?>> inputs, final String key) {
		for (final ModuleItem<?> i : inputs)
			if (i.getName().equals(key)) return i;
		return null;
	}

	private void writeOutputs(final CommandInfo info, final Module done, final Map<String, ModuleItem<?>> outputs,
		final Map<String, Path> paths, final java.util.Set<String> given)
	{
		final List<String> unsaved = new ArrayList<>();
		try (AtomicFiles batch = new AtomicFiles()) {
			for (final Map.Entry<String, ModuleItem<?>> o : outputs.entrySet()) {
				final String name = o.getKey();
				final Object value = done.getOutput(name);
				final Path path = paths.get(name);
				if (path == null) continue;
				if (value == null) throw new NoisyLabelsException("\"" + info.getTitle() + "\" produced no '" + name +
					"' for these inputs");
				if (value instanceof ImagePlus) batch.stage(path, tmp -> ImageFiles.write((ImagePlus) value, tmp));
				else if (value instanceof ResultsTable) batch.stage(path, tmp -> Tables.write((ResultsTable) value, tmp));
				else if (value instanceof File) batch.stage(path, tmp -> java.nio.file.Files.copy(((File) value).toPath(),
					tmp));
				else batch.stage(path, tmp -> java.nio.file.Files.write(tmp, String.valueOf(value).getBytes(
					StandardCharsets.UTF_8)));
			}
			batch.commit();
		}
		// outputs without a path: tables and values go to standard output, images are mentioned
		for (final Map.Entry<String, ModuleItem<?>> o : outputs.entrySet()) {
			final String name = o.getKey();
			if (paths.containsKey(name)) continue;
			final Object value = done.getOutput(name);
			if (value == null) continue;
			if (value instanceof ResultsTable) {
				try {
					final Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
					Tables.writeCsv((ResultsTable) value, w);
					w.flush();
				}
				catch (final IOException e) {
					throw new NoisyLabelsException("cannot print table '" + name + "': " + e.getMessage());
				}
			}
			else if (value instanceof ImagePlus) unsaved.add(name);
			else if (!(value instanceof File)) out.println(name + "=" + value);
		}
		if (!unsaved.isEmpty() && !quiet) {
			err.println("note: not saved: " + String.join(", ", unsaved) + " (add " + unsaved.get(0) +
				"=PATH.tif to save)");
		}
	}

	/** Converts a command-line value to the item's type, validating choices and ranges. */
	static Object convert(final ModuleItem<?> item, final String raw) {
		final String key = item.getName();
		final Class<?> type = item.getType();
		final String value = raw.trim();
		if (ImagePlus.class.isAssignableFrom(type)) return ImageFiles.open(new File(value), key);
		if (File.class.isAssignableFrom(type)) return new File(value);
		if (type == String.class) {
			if (item.getChoices() != null && !item.getChoices().isEmpty()) {
				return Check.choice(value, key, toStrings(item.getChoices()).toArray(new String[0]));
			}
			return raw;
		}
		if (type == boolean.class || type == Boolean.class) {
			if (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes")) return true;
			if (value.equalsIgnoreCase("false") || value.equals("0") || value.equalsIgnoreCase("no")) return false;
			throw new NoisyLabelsException(key + "=" + raw + " is not a boolean: use true or false");
		}
		final Number n;
		try {
			if (type == int.class || type == Integer.class) n = Integer.parseInt(value);
			else if (type == long.class || type == Long.class) n = Long.parseLong(value);
			else if (type == double.class || type == Double.class) n = Double.parseDouble(value);
			else if (type == float.class || type == Float.class) n = Float.parseFloat(value);
			else throw new NoisyLabelsException("key '" + key + "' of type " + type.getSimpleName() +
				" cannot be given on the command line");
		}
		catch (final NumberFormatException e) {
			throw new NoisyLabelsException(key + "=" + raw + " is not " + (type == int.class || type == long.class ||
				type == Integer.class || type == Long.class ? "a whole number" : "a number"));
		}
		if (Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
			throw new NoisyLabelsException(key + "=" + raw + " is not a finite number");
		}
		final Object min = item.getMinimumValue(), max = item.getMaximumValue();
		final double lo = min == null ? Double.NEGATIVE_INFINITY : ((Number) min).doubleValue();
		final double hi = max == null ? Double.POSITIVE_INFINITY : ((Number) max).doubleValue();
		if (n.doubleValue() < lo || n.doubleValue() > hi) {
			throw new NoisyLabelsException(key + "=" + raw + " is out of range: it must be " + (min == null ? "at most " +
				Check.fmt(hi) : max == null ? "at least " + Check.fmt(lo) : "between " + Check.fmt(lo) + " and " + Check
					.fmt(hi)));
		}
		return n;
	}

	/**
	 * Prints status messages to standard error for long runs: nothing in the first 2 seconds, then at most
	 * one line every 2 seconds.
	 */
	public static final class StatusPrinter {

		private final PrintStream err;
		private final boolean quiet;
		private long last;
		private String lastMessage;

		StatusPrinter(final PrintStream err, final boolean quiet) {
			this.err = err;
			this.quiet = quiet;
			// short runs print nothing: a failing command's error stays the only line
			this.last = System.currentTimeMillis();
		}

		@EventHandler
		public void onStatus(final StatusEvent e) {
			if (quiet || e.getStatusMessage() == null || e.getStatusMessage().isEmpty()) return;
			final long now = System.currentTimeMillis();
			if (now - last < 2000 || e.getStatusMessage().equals(lastMessage)) return;
			last = now;
			lastMessage = e.getStatusMessage();
			final int max = e.getProgressMaximum();
			err.println(max > 0 ? String.format(Locale.ROOT, "[%3d%%] %s", 100L * e.getProgressValue() / max, e
				.getStatusMessage()) : "... " + e.getStatusMessage());
		}

		void finish() {
			err.flush();
		}
	}
}
