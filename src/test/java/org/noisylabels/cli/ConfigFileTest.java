package org.noisylabels.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
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
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.command.TrainMenuService;
import org.noisylabels.io.ImageFiles;
import org.noisylabels.method.NoisyLabelMethodService;
import org.scijava.Context;

/**
 * PyMIC configuration files: PyMIC's value typing, every example config in scripts/examples/ checked
 * and mapped, more than 20 kinds of bad config each refused in one line with nothing written, unknown
 * keys warned about, and a config run equal to the same run from command-line keys.
 */
public class ConfigFileTest {

	@ClassRule
	public static final TemporaryFolder tmp = new TemporaryFolder();

	private static Context context;
	private static String img, gt, nucleiTrain, nucleiGt;

	@BeforeClass
	public static void setUp() {
		context = new Context(TrainMenuService.class);
		img = new File("test-images/img2d.tif").getAbsolutePath();
		gt = new File("test-images/gt2d.tif").getAbsolutePath();
		nucleiTrain = new File("test-images/nuclei-train.tif").getAbsolutePath();
		nucleiGt = new File("test-images/nuclei-train-gt.tif").getAbsolutePath();
	}

	@AfterClass
	public static void tearDown() {
		context.dispose();
	}

	private static ConfigRun plan(final File f, final String stage) {
		return ConfigRun.plan(ConfigFile.read(f), stage, context.service(NoisyLabelMethodService.class));
	}

	@Test
	public void valuesAreTypedAsPyMICTypesThem() {
		assertEquals(3L, ConfigFile.value("3"));
		assertEquals(-2L, ConfigFile.value(" -2 "));
		assertEquals(0.001, (Double) ConfigFile.value("1e-3"), 0);
		assertEquals(0.5, (Double) ConfigFile.value("0.5"), 0);
		assertEquals(Boolean.TRUE, ConfigFile.value("True"));
		assertEquals(Boolean.FALSE, ConfigFile.value("False"));
		assertNull(ConfigFile.value("None"));
		assertEquals(Arrays.asList(16L, 32L, 64L), ConfigFile.value("[16, 32, 64]"));
		assertEquals(Arrays.asList(0L, 0.3, 0.5), ConfigFile.value("[0,  0.3, 0.5]"));
		assertEquals(Arrays.asList("RandomCrop", "RandomFlip"), ConfigFile.value("[RandomCrop, RandomFlip]"));
		assertEquals("CrossEntropyLoss", ConfigFile.value("CrossEntropyLoss"));
		assertEquals("model/unet_ce", ConfigFile.value("model/unet_ce"));
	}

	/** Every example config plans without error or warning; Co-Teaching's maps as written. */
	@Test
	public void everyExampleConfigIsValidAndMapped() throws IOException {
		final List<Path> cfgs;
		try (Stream<Path> s = Files.walk(Paths.get("scripts/examples"))) {
			cfgs = s.filter(p -> p.toString().endsWith(".cfg")).sorted().collect(Collectors.toList());
		}
		assertTrue(cfgs.toString(), cfgs.size() >= 7);
		for (final Path p : cfgs) {
			final ConfigRun run = plan(p.toFile(), "train");
			assertEquals(p + ": " + run.warnings, 0, run.warnings.size());
			assertEquals(1, run.calls.size());
		}
		final ConfigRun cot = plan(new File("scripts/examples/unet_cot.cfg"), "train");
		final ConfigRun.Call c = cot.calls.get(0);
		assertEquals("Co-Teaching", c.title);
		assertEquals("16", c.keys.get("base_channels"));
		assertEquals("3", c.keys.get("depth"));
		assertEquals("400", c.keys.get("iterations"));
		assertEquals("50", c.keys.get("validation_interval"));
		assertEquals("0.8", c.keys.get("co_teaching_select_ratio"));
		assertEquals("best", c.keys.get("keep_model"));
		assertEquals("128", c.keys.get("patch_size"));
		assertEquals(new File("scripts/examples/model/unet_cot").getAbsolutePath(), c.keys.get("model"));
		assertEquals(new File(".").getAbsoluteFile().toPath().normalize().toString(), c.keys.get("root_dir"));
		final ConfigRun.Call ce = plan(new File("scripts/examples/unet_gce.cfg"), "train").calls.get(0);
		assertEquals("Supervised (Robust Loss)", ce.title);
		assertEquals("GCE", ce.keys.get("loss_type"));
		assertEquals("0.5", ce.keys.get("q"));
	}

	// -- bad configs --

	private static final String GOOD = String.join("\n", "[dataset]", "supervise_type = noisy_label",
		"train_csv = train.csv", "train_batch_size = 2", "RandomCrop_output_size = [64, 64]", "", "[network]",
		"net_type = UNet2D", "class_num = 2", "in_chns = 1", "feature_chns = [4, 8]", "dropout = [0.4, 0.5]", "",
		"[training]", "loss_type = CrossEntropyLoss", "optimizer = Adam", "learning_rate = 1e-3",
		"ckpt_save_dir = out/model", "iter_max = 3", "iter_valid = 3", "", "[noisy_label_learning]",
		"method_name = CoTeaching", "co_teaching_select_ratio = 0.8", "rampup_start = 0", "rampup_end = 2", "",
		"[testing]", "ckpt_mode = 0", "output_dir = out/result", "");

	private static int counter;

	/** A fresh folder with train.csv (img2d/gt2d) and a config made from GOOD by {@code edits}. */
	private static File config(final String text) throws IOException {
		final File dir = tmp.newFolder("cfg" + counter++);
		Files.write(dir.toPath().resolve("train.csv"), ("image,label\n" + img + "," + gt + "\n").getBytes(
			StandardCharsets.UTF_8));
		final File f = new File(dir, "run.cfg");
		Files.write(f.toPath(), text.getBytes(StandardCharsets.UTF_8));
		return f;
	}

	private static String replace(final String key, final String line) {
		final List<String> out = new ArrayList<>();
		boolean done = false;
		for (final String l : GOOD.split("\n", -1)) {
			if (!done && l.startsWith(key + " =")) {
				if (line != null) out.add(line);
				done = true;
			}
			else out.add(l);
		}
		assertTrue("no line " + key, done);
		return String.join("\n", out);
	}

	private static void assertRefused(final File cfg, final String fragment) {
		final Object[] r = Cli.cli("--quiet", "train", cfg.getPath());
		final String err = ((String) r[2]).trim();
		assertEquals(err, 2, r[0]);
		assertTrue("expected '" + fragment + "' in: " + err, err.contains(fragment));
		assertEquals("one line: " + err, 1, err.split("\n").length);
		assertTrue(err, err.startsWith("error: "));
		assertFalse("nothing written", new File(cfg.getParentFile(), "out").exists());
	}

	@Test
	public void badConfigsAreRefusedInOneLineAndNothingIsWritten() throws IOException {
		int kinds = 0;
		final File missing = new File(tmp.getRoot(), "none.cfg");
		final Object[] r = Cli.cli("--quiet", "train", missing.getPath());
		assertEquals(2, r[0]);
		assertTrue((String) r[2], ((String) r[2]).contains("does not exist"));
		kinds++;
		assertRefused(config("just some text\nwithout sections\n"), "");
		kinds++;
		assertRefused(config(GOOD.replace("[training]", "[trainingx]")), "section [training] is missing");
		kinds++;
		assertRefused(config(replace("train_csv", null)), "train_csv is missing");
		kinds++;
		assertRefused(config(replace("train_csv", "train_csv = nowhere.csv")), "does not exist");
		kinds++;
		// a CSV naming a missing file
		File f = config(GOOD);
		Files.write(f.toPath().resolveSibling("train.csv"), ("image,label\n/no/such/image.tif," + gt + "\n").getBytes(
			StandardCharsets.UTF_8));
		assertRefused(f, "which does not exist");
		kinds++;
		// a CSV without a label column
		f = config(GOOD);
		Files.write(f.toPath().resolveSibling("train.csv"), ("image\n" + img + "\n").getBytes(StandardCharsets.UTF_8));
		assertRefused(f, "has no column 'label'");
		kinds++;
		// a CSV with a column the suite does not read
		f = config(GOOD);
		Files.write(f.toPath().resolveSibling("train.csv"), ("image,label,pixel_weight\n" + img + "," + gt + "," + gt +
			"\n").getBytes(StandardCharsets.UTF_8));
		assertRefused(f, "pixel_weight");
		kinds++;
		// image and label of different sizes
		f = config(GOOD);
		Files.write(f.toPath().resolveSibling("train.csv"), ("image,label\n" + img + "," + nucleiGt + "\n").getBytes(
			StandardCharsets.UTF_8));
		assertRefused(f, "size");
		kinds++;
		assertRefused(config(replace("method_name", "method_name = NoSuchMethod")), "unknown method 'NoSuchMethod'");
		kinds++;
		assertRefused(config(replace("method_name", "method_name = iGTT")), "learns without labels");
		kinds++;
		assertRefused(config(replace("method_name", null)), "method_name is missing");
		kinds++;
		assertRefused(config(GOOD.substring(0, GOOD.indexOf("[noisy_label_learning]")) + "[testing]\nckpt_mode = 0\n"),
			"needs a [noisy_label_learning] section");
		kinds++;
		assertRefused(config(replace("iter_max", "iter_max = abc")), "[training] iter_max = abc: must be a whole number");
		kinds++;
		assertRefused(config(replace("co_teaching_select_ratio", "co_teaching_select_ratio = -0.2")),
			"co_teaching_select_ratio");
		kinds++;
		assertRefused(config(replace("learning_rate", "learning_rate = 50")), "[training] learning_rate = 50");
		kinds++;
		assertRefused(config(replace("loss_type", "loss_type = FocalLoss")), "[training] loss_type = FocalLoss");
		kinds++;
		assertRefused(config(replace("net_type", "net_type = UNet3D")), "[network] net_type = UNet3D");
		kinds++;
		assertRefused(config(replace("in_chns", "in_chns = 3")), "[network] in_chns = 3");
		kinds++;
		assertRefused(config(replace("feature_chns", "feature_chns = [4, 6]")), "doubles the channels");
		kinds++;
		assertRefused(config(replace("dropout", "dropout = [0.1, 0.5]")), "[network] dropout");
		kinds++;
		assertRefused(config(replace("RandomCrop_output_size", "RandomCrop_output_size = [64, 32]")), "square crop");
		kinds++;
		assertRefused(config(replace("optimizer", "optimizer = Adam\nlr_scheduler = CosineLR")), "lr_scheduler = CosineLR");
		kinds++;
		assertRefused(config(replace("optimizer", "optimizer = Adam\nlr_scheduler = MultiStepLR")), "lr_milestones");
		kinds++;
		assertRefused(config(GOOD + "\n[network]\nclass_num = 2\n"), "section [network] is given twice");
		kinds++;
		assertRefused(config(replace("iter_max", "iter_max = 3\niter_max = 4")), "iter_max is given twice");
		kinds++;
		assertRefused(config(replace("ckpt_save_dir", null)), "ckpt_save_dir is missing");
		kinds++;
		assertRefused(config(replace("supervise_type", "supervise_type = semi_sup")), "[dataset] supervise_type = semi_sup");
		kinds++;
		assertRefused(config(replace("train_batch_size", "train_batch_size = 2\ntrain_transform = [RandomRotate]")), "RandomRotate");
		kinds++;
		assertRefused(config(replace("class_num", "class_num = 1")), "[network] class_num = 1");
		kinds++;
		assertRefused(config(replace("ckpt_mode", "ckpt_mode = 2")), "[testing] ckpt_mode = 2");
		kinds++;
		assertRefused(config(replace("train_batch_size", "train_batch_size = 0")), "train_batch_size = 0");
		kinds++;
		assertTrue(kinds >= 20);
	}

	@Test
	public void anExistingModelFolderIsRefusedAndTestNeedsATrainedModel() throws IOException {
		final File f = config(GOOD);
		final File model = new File(f.getParentFile(), "out/model");
		assertTrue(model.mkdirs());
		Object[] r = Cli.cli("--quiet", "train", f.getPath());
		assertEquals(r[2].toString(), 2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("already exists"));
		final File g = config(GOOD);
		Files.write(g.toPath().resolveSibling("test.csv"), ("image,label\n" + img + "," + gt + "\n").getBytes(
			StandardCharsets.UTF_8));
		Files.write(g.toPath(), GOOD.replace("train_csv = train.csv", "train_csv = train.csv\ntest_csv = test.csv")
			.getBytes(StandardCharsets.UTF_8));
		r = Cli.cli("--quiet", "test", g.getPath());
		assertEquals(r[2].toString(), 2, r[0]);
		assertTrue(r[2].toString(), r[2].toString().contains("run train with this configuration first"));
		assertFalse(new File(g.getParentFile(), "out").exists());
	}

	@Test
	public void unknownKeysAndSectionsAreWarnedAboutByName() throws IOException {
		final File f = config(GOOD.replace("iter_max = 3", "iter_max = 3\nmystery_key = 5") + "\n[extras]\nx = 1\n");
		final ConfigRun run = plan(f, "train");
		final String w = String.join("\n", run.warnings);
		assertTrue(w, w.contains("[training] mystery_key is not used"));
		assertTrue(w, w.contains("section [extras] is not read"));
	}

	/** A config run gives the model of the same run from command-line keys (same seed, one thread). */
	@Test
	public void aConfigRunEqualsTheSameRunFromCommandLineKeys() throws IOException {
		final File f = config(GOOD.replace("train_csv = train.csv", "train_csv = pairs.csv"));
		Files.write(f.toPath().resolveSibling("pairs.csv"), ("image,label\n" + nucleiTrain + "," + nucleiGt + "\n")
			.getBytes(StandardCharsets.UTF_8));
		final Object[] a = Cli.cli("--quiet", "train", f.getPath());
		assertEquals(a[2].toString(), 0, a[0]);
		final File cliModel = new File(tmp.getRoot(), "cli-model");
		final Object[] b = Cli.cli("--quiet", "Co-Teaching", "image=" + nucleiTrain, "label=" + nucleiGt, "batch_size=2",
			"patch_size=64", "base_channels=4", "depth=1", "optimizer=Adam", "learning_rate=0.001", "iterations=3",
			"validation_interval=3", "keep_model=last", "co_teaching_select_ratio=0.8", "rampup_start=0", "rampup_end=2",
			"model=" + cliModel);
		assertEquals(b[2].toString(), 0, b[0]);
		final File pa = new File(tmp.getRoot(), "pa.tif"), pb = new File(tmp.getRoot(), "pb.tif");
		assertEquals(0, Cli.cli("--quiet", "Apply Model", "model=" + new File(f.getParentFile(), "out/model"), "image=" + img,
			"probability=" + pa)[0]);
		assertEquals(0, Cli.cli("--quiet", "Apply Model", "model=" + cliModel, "image=" + img, "probability=" + pb)[0]);
		final float[] x = (float[]) ImageFiles.open(pa, "a").getProcessor().getPixels();
		final float[] y = (float[]) ImageFiles.open(pb, "b").getProcessor().getPixels();
		assertEquals(x.length, y.length);
		double max = 0;
		for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
		// same seed, same data, one TensorFlow thread: only oneDNN's kernel choice can differ between runs
		assertTrue("max difference " + max, max < 1e-3);
		final String ja = new String(Files.readAllBytes(new File(f.getParentFile(), "out/model/model.json").toPath()),
			StandardCharsets.UTF_8);
		assertTrue(ja, ja.contains("\"co_teaching\""));
	}
}
