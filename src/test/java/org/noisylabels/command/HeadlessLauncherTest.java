package org.noisylabels.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.File;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.noisylabels.io.ImageFiles;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.run.RunService;

import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;

/**
 * What ImageJ2's headless launcher runs need, found by hand in ImageJ2 with the legacy layer (issue #20):
 * {@code --headless --run} goes through SciJava's {@code RunService}, and a {@code --headless -macro} run is a
 * batch-mode macro in which no display postprocessor opens a command's outputs.
 */
public class HeadlessLauncherTest {

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

	/**
	 * {@code --headless --run "Title" 'key=value'} calls RunService.run with the title and the values as
	 * strings. SciJava's command runner gets a null future for our DynamicCommands and threw a
	 * NullPointerException without waiting (ImageJ2 then disposed its context under the running command);
	 * the suite's runner must run it to the end before returning.
	 */
	@Test
	public void runServiceRunsACommandByTitleToTheEnd() throws Exception {
		final File out = new File(tmp.getRoot(), "out");
		context.service(RunService.class).run("Dilation (PCL)", "label", new File("test-images/gt2d.tif")
			.getAbsolutePath(), "iterations", "2", "output_folder", out.getAbsolutePath());
		// written when run(...) returns: the runner waited
		final File written = new File(out, "noisy_label.tif");
		assertTrue("not written when RunService.run returned: " + written, written.isFile());
		final ImagePlus gt = ImageFiles.open(new File("test-images/gt2d.tif"), "label");
		final ImagePlus dilated = ImageFiles.open(written, "noisy_label");
		assertEquals(gt.getWidth(), dilated.getWidth());
		assertTrue("dilation must add foreground", foreground(dilated) > foreground(gt));
	}

	@Test
	public void theRunnerTakesOnlySuiteCommands() {
		final NoisyLabelsCodeRunner runner = new NoisyLabelsCodeRunner();
		context.inject(runner);
		assertNotNull(runner.command("Dilation (PCL)"));
		assertNotNull(runner.command(DilationCommand.class));
		assertNotNull(runner.command(DilationCommand.class.getName()));
		assertEquals(null, runner.command("Not A Command Title"));
		assertEquals(null, runner.command("org.scijava.plugins.commands.debug.SystemInformation"));
	}

	/**
	 * In a batch-mode macro without a display (ImageJ2's --headless -macro), a command's image outputs must
	 * become open (batch-mode) images and the first one the current image, as the README promises for
	 * {@code run(...)} followed by {@code getTitle()}/{@code saveAs(...)}.
	 */
	@Test
	public void batchModeMacroOutputsBecomeOpenImages() throws Exception {
		final boolean before = Interpreter.batchMode;
		Interpreter.batchMode = true;
		ImagePlus out = null;
		// as after a macro's open(...): an open batch-mode image, current on this (the macro's) thread
		final ImagePlus gt = ImageFiles.open(new File("test-images/gt2d.tif"), "label");
		Interpreter.addBatchModeImage(gt);
		WindowManager.setTempCurrentImage(gt);
		try {
			final Module m = context.service(ModuleService.class).run(context.service(CommandService.class).getCommand(
				DilationCommand.class), true, "label", new File("test-images/gt2d.tif").getAbsolutePath(), "iterations", 1)
				.get();
			out = (ImagePlus) m.getOutput("noisy_label");
			assertNotNull(out);
			assertSame("the output is not an open image", out, WindowManager.getImage(out.getID()));
			// current on the thread that ran the command (the macro's), not only on the module's own thread
			assertSame("the output is not the current image", out, WindowManager.getCurrentImage());
		}
		finally {
			if (out != null) Interpreter.removeBatchModeImage(out);
			Interpreter.removeBatchModeImage(gt);
			WindowManager.setTempCurrentImage(null);
			Interpreter.batchMode = before;
		}
	}

	/**
	 * Table outputs are shown and written by the command itself; left unresolved, SciJava's display
	 * postprocessor warned "Ignoring unsupported output: Metrics [ij.measure.ResultsTable]" on every run,
	 * which in Fiji pops up the console window.
	 */
	@Test
	public void tableOutputsAreHandledAndStillReadable() throws Exception {
		final String gt = new File("test-images/gt2d.tif").getAbsolutePath();
		final Module m = context.service(ModuleService.class).run(context.service(CommandService.class).getCommand(
			SegmentationMetricsCommand.class), true, "prediction", gt, "ground_truth", gt).get();
		assertTrue(m.isOutputResolved("metrics"));
		final ij.measure.ResultsTable t = (ij.measure.ResultsTable) m.getOutput("metrics");
		assertNotNull(t);
		assertEquals(1.0, t.getValue("dice", 0), 0.0); // the same image twice: exact by definition
	}

	private static long foreground(final ImagePlus imp) {
		long n = 0;
		final byte[] px = (byte[]) imp.getProcessor().convertToByte(false).getPixels();
		for (final byte b : px) if (b != 0) n++;
		return n;
	}
}
