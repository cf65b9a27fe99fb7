package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.cli.CommandLine;
import org.noisylabels.cli.Main;
import org.noisylabels.io.ImageFiles;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;

/**
 * What Fiji's menus, macros and headless runs need from every command (issue #20), checked through
 * SciJava as Fiji runs the commands (a context with the suite's module processors and converters).
 */
public class FijiNativeTest {

	private static final String GT2D = "test-images/gt2d.tif";

	private static Context context;

	@Rule
	public TemporaryFolder tmp = new TemporaryFolder();

	@BeforeClass
	public static void setUp() {
		System.setProperty("java.awt.headless", "true");
		System.setProperty(NoisyLabelsCommand.EXIT_PROPERTY, "false");
		context = new Context();
	}

	@AfterClass
	public static void tearDown() {
		context.dispose();
		System.clearProperty(NoisyLabelsCommand.EXIT_PROPERTY);
	}

	private static List<CommandInfo> commands() {
		final List<CommandInfo> list = CommandLine.suiteCommands(context.service(CommandService.class));
		assertTrue(list.size() >= 15);
		return list;
	}

	private static Module run(final Class<? extends NoisyLabelsCommand> c, final Object... inputs) throws Exception {
		// DynamicCommand modules: CommandService.run answers null for them, ModuleService.run (what Fiji uses) the module
		return context.service(ModuleService.class).run(context.service(CommandService.class).getCommand(c), true, inputs)
			.get();
	}

	private static String cancelReason(final Module m) {
		final NoisyLabelsCommand c = (NoisyLabelsCommand) m.getDelegateObject();
		return c.isCanceled() ? c.getCancelReason() : null;
	}

	/** Item 1: no optional image input can be pre-filled with an open image; each is "none" by default. */
	@Test
	public void everyOptionalImageIsAnImageKeyThatDefaultsToNone() {
		int keys = 0;
		for (final CommandInfo info : commands()) {
			final Module m = context.service(ModuleService.class).createModule(info);
			for (final ModuleItem<?> item : CommandLine.userInputs(m.getInfo())) {
				// the exception: the image inputs of a command that takes folders instead (label_folder,
				// prediction_folder): Fiji fills a single one with the active image, as before
				if (item.getType() == ImagePlus.class) {
					assertTrue(info.getTitle() + ": optional image '" + item.getName() + "' must be an image key",
						item.isRequired() || !((NoisyLabelsCommand) m.getDelegateObject()).folderKeys().isEmpty());
				}
				if (NoisyLabelsCommand.imageKey(m.getDelegateObject().getClass(), item.getName()) != null) {
					keys++;
					assertEquals(info.getTitle() + " " + item.getName(), "none", m.getInput(item.getName()));
				}
			}
		}
		// the six Train commands (Supervised, PINT, Co-Teaching, TriNet, CLSLSR, DAST): image, label,
		// ignore_mask, validation_image, validation_label; DAST also clean_image, clean_label; iGTT: image,
		// ground_truth; Find Label Errors: image, label, ignore_mask; Segmentation Metrics: prediction, ground_truth
		assertEquals(6 * 5 + 2 + 2 + 3 + 2, keys);
	}

	/**
	 * Item 2: with two image inputs, the dialog starts at the active image and at another open image. Fiji's
	 * dialog starts every ImagePlus input of a command with two or more at the first open image (checked by
	 * hand in ImageJ2 with the legacy layer), so such a command must take image keys instead; of its image
	 * keys, one starts at the active image, at most one at another image, the rest at "none".
	 */
	@Test
	public void twoImageInputsStartAtTheActiveImageAndAnother() {
		for (final CommandInfo info : commands()) {
			final Module m = context.service(ModuleService.class).createModule(info);
			int imagePlus = 0, active = 0, other = 0, keys = 0;
			for (final ModuleItem<?> item : CommandLine.userInputs(m.getInfo())) {
				if (item.getType() == ImagePlus.class) imagePlus++;
				final ImageKey k = NoisyLabelsCommand.imageKey(m.getDelegateObject().getClass(), item.getName());
				if (k == null) continue;
				keys++;
				if (ImageKey.ACTIVE.equals(k.value())) active++;
				if (ImageKey.OTHER.equals(k.value())) other++;
			}
			assertTrue(info.getTitle() + ": " + imagePlus + " ImagePlus inputs (Fiji's dialog starts each at the first open image)",
				imagePlus <= 1);
			if (keys == 0) continue;
			assertEquals(info.getTitle() + ": image keys starting at the active image", 1, active);
			assertTrue(info.getTitle() + ": image keys starting at another image", other <= 1);
		}
	}

	/**
	 * Item 6: ImageJ reads a macro key k from the first "k=" not preceded by a letter (so "gamma=" inside
	 * "lr_gamma="), and its Recorder stops on a "Duplicate keyword" message when a key it records is found
	 * inside an earlier one. The Recorder writes the keys in the order of the inputs: no key may come after a
	 * key that ends with it. Checked with ImageJ's own parser on a line in that order.
	 */
	@Test
	public void aRecordedLineReadsBackEveryKey() {
		for (final CommandInfo info : commands()) {
			final Module m = context.service(ModuleService.class).createModule(info);
			final List<String> keys = new ArrayList<>();
			for (final ModuleItem<?> item : CommandLine.userInputs(m.getInfo())) keys.add(item.getName());
			final StringBuilder line = new StringBuilder();
			for (int i = 0; i < keys.size(); i++) line.append(keys.get(i)).append("=v").append(i).append(' ');
			for (int i = 0; i < keys.size(); i++) {
				assertEquals(info.getTitle() + ": " + keys.get(i) + " in " + line, "v" + i, ij.Macro.getValue(line
					.toString(), keys.get(i), null));
			}
		}
	}

	/**
	 * Item 6 for macros written by hand: ImageJ2's macro preprocessor reads a key k from the first "k=" not
	 * preceded by a letter, so keys in another order than the dialog's were misread (label took
	 * validation_label's value, a left-out gamma took lr_gamma's, seed a part of a bracketed path). Simulated
	 * here as ImageJ2 does it (ImageJ's own parser, then the values converted and resolved), then corrected.
	 */
	@Test
	public void macroKeysAreReadExactlyInAnyOrder() {
		final String options = "validation_label=none label=[my mask.tif] image=img.tif model=[/data/seed=3/model] lr_gamma=0.1 seed=7";
		final Module m = context.service(ModuleService.class).createModule(CommandLine.find(context.service(
			CommandService.class), "Supervised (Robust Loss)"));
		final java.util.Map<String, Object> before = MacroKeysSnapshot.values(m);
		final ConvertService convert = context.service(ConvertService.class);
		for (final ModuleItem<?> item : m.getInfo().inputs()) {
			final String v = ij.Macro.getValue(options, item.getName(), null);
			if (v == null || !convert.supports(v, item.getType())) continue;
			m.setInput(item.getName(), convert.convert(v, item.getType()));
			m.resolveInput(item.getName());
		}
		// what ImageJ2 read
		assertEquals("none", m.getInput("label"));
		assertEquals(0.1, (Double) m.getInput("gamma"), 0.0);
		MacroDefaultsPreprocessor.exactKeys(m, options, before, convert);
		assertEquals("my mask.tif", m.getInput("label"));
		assertEquals("none", m.getInput("validation_label"));
		assertEquals("img.tif", m.getInput("image"));
		assertEquals(new File("/data/seed=3/model"), m.getInput("model"));
		assertEquals(7L, m.getInput("seed"));
		assertEquals(0.1, (Double) m.getInput("lr_gamma"), 0.0);
		assertEquals("the default again", 1.5, (Double) m.getInput("gamma"), 0.0);
		assertFalse(m.isInputResolved("gamma"));
		assertTrue(m.isInputResolved("label"));
	}

	@Test
	public void macroOptionsParse() {
		final java.util.Map<String, String> o = MacroDefaultsPreprocessor.parseOptions(
			" a=1 path=[/x y/[z]] q='s t' flag Mixed=M a=2 empty= last=x");
		assertEquals("1", o.get("a"));
		assertEquals("/x y/[z]", o.get("path"));
		assertEquals("s t", o.get("q"));
		assertEquals("M", o.get("mixed"));
		assertEquals("", o.get("empty"));
		assertEquals("x", o.get("last"));
		assertFalse(o.containsKey("flag"));
	}

	/** Item 2: where an image key's dialog starts, given the open images (the active one first). */
	@Test
	public void imageKeyDialogDefaults() {
		final List<String> three = Arrays.asList("B", "A", "C");
		assertEquals("B", NoisyLabelsCommand.dialogDefault(ImageKey.ACTIVE, three));
		assertEquals("A", NoisyLabelsCommand.dialogDefault(ImageKey.OTHER, three));
		assertNull(NoisyLabelsCommand.dialogDefault(ImageKey.NONE, three));
		assertEquals("B", NoisyLabelsCommand.dialogDefault(ImageKey.OTHER, Arrays.asList("B")));
		assertNull(NoisyLabelsCommand.dialogDefault(ImageKey.ACTIVE, new ArrayList<>()));
		assertNull(NoisyLabelsCommand.dialogDefault(ImageKey.OTHER, new ArrayList<>()));
	}

	/**
	 * Item 2, as ImageJ2 prepares the dialog: with images A, B, C open (batch mode, no display) and B active,
	 * Segmentation Metrics starts at prediction=B and ground_truth=A, a Train command at image=B, label=A,
	 * ignore_mask=none; every image key offers none and the open images, the active one first.
	 */
	@Test
	public void theInitializerChoosesTheActiveImageAndAnother() {
		final boolean before = Interpreter.batchMode;
		Interpreter.batchMode = true;
		final List<ImagePlus> open = new ArrayList<>();
		try {
			for (final String t : new String[] { "A", "B", "C" }) {
				final ImagePlus imp = ij.IJ.createImage(t, "8-bit black", 8, 8, 1);
				Interpreter.addBatchModeImage(imp);
				open.add(imp);
			}
			WindowManager.setTempCurrentImage(open.get(1));
			assertEquals(Arrays.asList("B", "A", "C"), NoisyLabelsCommand.openTitles());
			final NoisyLabelsCommand seg = initialized(SegmentationMetricsCommand.class);
			assertEquals("B", seg.getInput("prediction"));
			assertEquals("A", seg.getInput("ground_truth"));
			assertEquals(Arrays.asList("none", "B", "A", "C"), seg.getInfo().getMutableInput("prediction", String.class)
				.getChoices());
			final NoisyLabelsCommand train = initialized(CommandLine.find(context.service(CommandService.class),
				"Supervised (Robust Loss)"));
			assertEquals("B", train.getInput("image"));
			assertEquals("A", train.getInput("label"));
			assertEquals("none", train.getInput("ignore_mask"));
			assertEquals("none", train.getInput("validation_label"));
			// a value a macro gave (a resolved input) is kept
			final NoisyLabelsCommand given = (NoisyLabelsCommand) context.service(ModuleService.class).createModule(context
				.service(CommandService.class).getCommand(SegmentationMetricsCommand.class));
			given.setInput("ground_truth", "C");
			given.resolveInput("ground_truth");
			given.initialize();
			assertEquals("C", given.getInput("ground_truth"));
			assertEquals("B", given.getInput("prediction"));
		}
		finally {
			for (final ImagePlus imp : open) Interpreter.removeBatchModeImage(imp);
			WindowManager.setTempCurrentImage(null);
			Interpreter.batchMode = before;
		}
	}

	private static NoisyLabelsCommand initialized(final Class<? extends NoisyLabelsCommand> c) {
		return initialized(context.service(CommandService.class).getCommand(c));
	}

	private static NoisyLabelsCommand initialized(final CommandInfo info) {
		final NoisyLabelsCommand m = (NoisyLabelsCommand) context.service(ModuleService.class).createModule(info);
		m.initialize();
		return m;
	}

	/** Items 5 and 7: no parameter is remembered between runs. */
	@Test
	public void noInputIsPersisted() {
		for (final CommandInfo info : commands()) {
			// the module's inputs: a method's entry adds the method's own keys to the command's
			final Module m = context.service(ModuleService.class).createModule(info);
			for (final ModuleItem<?> item : CommandLine.userInputs(m.getInfo())) {
				assertFalse(info.getTitle() + ": " + item.getName() + " is persisted", item.isPersisted());
			}
		}
	}

	/** Item 5: a macro call leaves only required images that it did not give for Fiji to fill. */
	@Test
	public void aMacroCallResolvesEveryKeyItLeftOut() {
		for (final CommandInfo info : commands()) {
			final Module m = context.service(ModuleService.class).createModule(info);
			MacroDefaultsPreprocessor.resolveDefaults(m);
			for (final ModuleItem<?> item : m.getInfo().inputs()) {
				final boolean requiredImage = item.getType() == ImagePlus.class && item.isRequired();
				assertEquals(info.getTitle() + ": " + item.getName(), !requiredImage, m.isInputResolved(item.getName()));
			}
		}
		// the keys the issue names
		final Module seg = context.service(ModuleService.class).createModule(context.service(CommandService.class)
			.getCommand(SegmentationMetricsCommand.class));
		MacroDefaultsPreprocessor.resolveDefaults(seg);
		assertTrue(seg.isInputResolved("multi_class"));
		assertEquals(false, seg.getInput("multi_class"));
	}

	/** A menu run: output_folder is neither in the dialog nor asked for by a file chooser. */
	@Test
	public void outputFolderIsNeverAskedFor() throws Exception {
		final Module m = run(SkeletonCommand.class, "label", ImageFiles.open(new File(GT2D), "label"));
		assertNull(cancelReason(m));
		assertNotNull(m.getOutput("noisy_label"));
	}

	/** Item 7: the command line writes no Java preferences (a real process with its own preferences root). */
	@Test
	public void theCommandLineWritesNoPreferences() throws Exception {
		final File prefs = tmp.newFolder("prefs"), out = new File(tmp.getRoot(), "d.tif");
		final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Djava.awt.headless=true", "-Djava.util.prefs.userRoot=" + prefs, "-cp", System.getProperty(
				"java.class.path"), Main.class.getName(), "--quiet", "Dilation (PCL)", "label=" + GT2D, "iterations=2",
			"noisy_label=" + out));
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		final String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(log, 0, p.waitFor());
		assertTrue(out.exists());
		final List<Path> written;
		try (Stream<Path> s = Files.walk(prefs.toPath())) {
			written = s.filter(Files::isRegularFile).collect(Collectors.toList());
		}
		final List<Path> ours = written.stream().filter(f -> f.toString().toLowerCase().contains("noisylabels")).collect(
			Collectors.toList());
		assertTrue("preferences written: " + ours, ours.isEmpty());
	}

	/** Item 10: a missing file or title is an error naming the key and the value, not a 0x0 image. */
	@Test
	public void anUnresolvedImageSaysWhichKeyAndWhichFileOrTitle() throws Exception {
		final ConvertService convert = context.service(ConvertService.class);
		final ImagePlus missing = convert.convert("/no/such/folder/gt.tif", ImagePlus.class);
		assertNotNull(missing);
		String r = cancelReason(run(DilationCommand.class, "label", missing));
		assertEquals("label: file not found: /no/such/folder/gt.tif (check the path)", r);
		final ImagePlus title = convert.convert("gt-not-open", ImagePlus.class);
		r = cancelReason(run(SkeletonCommand.class, "label", title));
		assertTrue(r, r.startsWith("label: no open image titled \"gt-not-open\""));
		// Fiji's own last-resort conversion: an empty image without any hint
		r = cancelReason(run(ThresholdBaselineCommand.class, "image", new ImagePlus()));
		assertTrue(r, r.startsWith("image: the image is empty (0x0): the file does not exist"));
		// an existing file converts to the image
		final ImagePlus ok = convert.convert(new File(GT2D).getAbsolutePath(), ImagePlus.class);
		assertEquals(ImageFiles.open(new File(GT2D), "x").getWidth(), ok.getWidth());
	}

	@Test
	public void imageKeysTakeNoneAPathOrAnOpenTitle() throws Exception {
		assertNull(NoisyLabelsCommand.resolveImage("k", "none"));
		assertNull(NoisyLabelsCommand.resolveImage("k", " "));
		assertEquals(ImageFiles.open(new File(GT2D), "x").getWidth(), NoisyLabelsCommand.resolveImage("k", GT2D)
			.getWidth());
		try {
			NoisyLabelsCommand.resolveImage("ignore_mask", "/no/mask.tif");
			fail();
		}
		catch (final NoisyLabelsException e) {
			assertEquals("ignore_mask: file not found: /no/mask.tif (check the path)", e.getMessage());
		}
		try {
			NoisyLabelsCommand.resolveImage("ground_truth", "mask");
			fail();
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().startsWith("ground_truth: no open image titled \"mask\""));
		}
	}

	/** Item 9: output_folder writes every image as KEY.tif and every table as KEY.csv. */
	@Test
	public void outputFolderWritesImagesAndTables() throws Exception {
		final File dir = new File(tmp.getRoot(), "out/sub");
		final Module m = run(ContourPerturbationCommand.class, "label", ImageFiles.open(new File("test-images/gt3d.tif"),
			"label"), "r_min", 1, "r_max", 2, "output_folder", dir);
		assertNull(cancelReason(m));
		final ImagePlus written = ImageFiles.open(new File(dir, "noisy_label.tif"), "x");
		final ImagePlus returned = (ImagePlus) m.getOutput("noisy_label");
		assertEquals(returned.getStackSize(), written.getStackSize());
		for (int z = 1; z <= returned.getStackSize(); z++) {
			assertTrue(Arrays.equals((byte[]) returned.getStack().getPixels(z), (byte[]) written.getStack().getPixels(z)));
		}
		final List<String> csv = Files.readAllLines(new File(dir, "perturbation.csv").toPath());
		assertEquals(((ResultsTable) m.getOutput("perturbation")).size() + 1, csv.size());
		// a failed run writes nothing
		final File none = new File(tmp.getRoot(), "none");
		final Module bad = run(SkeletonCommand.class, "label", ImageFiles.open(new File("test-images/img2d.tif"), "l"),
			"output_folder", none);
		assertNotNull(cancelReason(bad));
		assertFalse(new File(none, "noisy_label.tif").exists());
	}

	/** Item 9: the same key on the command line. */
	@Test
	public void outputFolderWorksOnTheCommandLine() throws Exception {
		final File dir = tmp.newFolder("cli");
		final Object[] r = org.noisylabels.cli.Cli.cli("Random Sampling (RCL)", "label=" + GT2D, "output_folder=" + dir);
		assertEquals(r[2].toString(), 0, r[0]);
		assertTrue(new File(dir, "noisy_label.tif").exists());
		assertTrue(new File(dir, "ignore_mask.tif").exists());
	}

	/** Item 11: a failed run in a headless ImageJ launcher run ends the process with status 2. */
	@Test
	public void aFailedHeadlessLauncherRunExitsNonZero() throws Exception {
		assertTrue(NoisyLabelsCommand.isHeadlessLauncherRun(Arrays.asList("ImageJ-linux64", "--headless", "--run",
			"Skeleton (PCL)", "label=x")));
		assertTrue(NoisyLabelsCommand.isHeadlessLauncherRun(Arrays.asList("--headless", "--console", "-macro", "a.ijm")));
		assertFalse(NoisyLabelsCommand.isHeadlessLauncherRun(Arrays.asList("--run", "Skeleton (PCL)")));
		assertFalse(NoisyLabelsCommand.isHeadlessLauncherRun(Arrays.asList("python", "script.py")));
		for (final String mode : new String[] { "true", "false" }) {
			final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin",
				"java").toString(), "-Djava.awt.headless=true", "-D" + NoisyLabelsCommand.EXIT_PROPERTY + "=" + mode, "-cp",
				System.getProperty("java.class.path"), FailingCommandProbe.class.getName()));
			final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
			final String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (mode.equals("true")) {
				assertEquals(log, 2, p.waitFor());
				assertTrue(log, log.contains("error: label is not a binary mask"));
				// reported once: the "error:" line only, not also logged
				assertEquals(log, 1, log.split("label is not a binary mask", -1).length - 1);
				assertFalse(log, log.contains("still running"));
			}
			else {
				assertEquals(log, 0, p.waitFor());
				assertTrue(log, log.contains("still running"));
			}
		}
	}

	/** The command line and the bridge never exit the JVM, whatever the property says. */
	@Test
	public void theCommandLineReportsInsteadOfExiting() {
		System.setProperty(NoisyLabelsCommand.EXIT_PROPERTY, "true");
		try {
			final Object[] r = org.noisylabels.cli.Cli.cli("Skeleton (PCL)", "label=test-images/img2d.tif");
			assertEquals(2, r[0]);
		}
		finally {
			System.setProperty(NoisyLabelsCommand.EXIT_PROPERTY, "false");
		}
	}

	/** The commands are DynamicCommands: the image choices are filled in when the dialog opens. */
	@Test
	public void commandModulesAreDynamic() {
		final Module m = context.service(ModuleService.class).createModule(CommandLine.find(context.service(
			CommandService.class), "Supervised (Robust Loss)"));
		assertFalse(m instanceof CommandModule);
		assertTrue(m instanceof NoisyLabelsCommand);
	}
}
