package org.noisylabels.ij1;

import java.awt.GraphicsEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.plugin.PlugIn;

/**
 * The noise generators as ImageJ 1.x plugins (menu Plugins &gt; Noisy Labels &gt; ImageJ1, labels ending in
 * " [IJ1]"), registered in plugins.config with the generator's id as argument, e.g.
 * {@code NoisePlugin("flipping")}. They work on the current image and show the results. The dialog's field
 * labels are the snake_case keys, so the macro recorder writes, e.g.,
 * {@code run("Random Flipping (RCL) [IJ1]", "p_flip=0.45 seed=42");}. In a headless JVM (no dialog possible)
 * the macro options are read directly (missing keys take their defaults).
 */
public class NoisePlugin implements PlugIn {

	@Override
	public void run(final String arg) {
		final Generator g;
		try {
			g = Generator.find(arg);
		}
		catch (final NoisyLabelsException e) {
			error("Noisy Labels", e.getMessage());
			return;
		}
		final ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) {
			error(g.title, "There is no image open: open a label image first.");
			return;
		}
		try {
			// no dialog can be shown headless: read the macro options (none = the defaults)
			// a macro never waits on a dialog that has nothing to ask (Skeleton has no parameter)
			final Map<String, Object> values = GraphicsEnvironment.isHeadless() || !needsDialog(g) ? fromOptions(g, Macro
				.getOptions()) : fromDialog(g);
			if (values == null) return; // canceled
			final Map<String, Object> outputs = g.run(imp, values, progress());
			// shown in reverse order, so that noisy_label ends up as the current image
			final java.util.List<Object> shown = new java.util.ArrayList<>(outputs.values());
			java.util.Collections.reverse(shown);
			for (final Object o : shown) {
				if (o instanceof ImagePlus) display((ImagePlus) o);
				else if (o instanceof ResultsTable && !GraphicsEnvironment.isHeadless()) ((ResultsTable) o).show(
					"Perturbation");
			}
		}
		catch (final NoisyLabelsException e) {
			error(g.title, e.getMessage());
		}
		catch (final Progress.CanceledException e) {
			IJ.showStatus(g.title + ": canceled");
		}
		finally {
			IJ.showProgress(1.0);
		}
	}

	/** Whether the generator has anything to ask: a dialog without fields is never shown. */
	static boolean needsDialog(final Generator g) {
		return !g.params.isEmpty();
	}

	/**
	 * Reports an error: in a macro (batch or not) as a line in the Log window and an aborted macro, never as a
	 * dialog that would block a batch run; otherwise as ImageJ's error dialog.
	 */
	static void error(final String title, final String message) {
		if (IJ.isMacro() || GraphicsEnvironment.isHeadless()) {
			IJ.log(title + ": error: " + message);
			if (IJ.isMacro()) Macro.abort();
		}
		else IJ.error(title, message);
	}

	/** Parameter values from macro options (headless only: ImageJ's dialog reads them otherwise). */
	static Map<String, Object> fromOptions(final Generator g, final String options) {
		final Map<String, Object> values = new LinkedHashMap<>();
		for (final Map.Entry<String, String> e : Options.parse(options).entrySet()) {
			final Generator.Param p = g.param(e.getKey());
			if (p == null) throw new NoisyLabelsException("unknown key '" + e.getKey() + "' for \"" + g.title +
				Generator.IJ1_SUFFIX + "\"");
			values.put(p.key, p.parse(e.getValue()));
		}
		// ImageJ records an unticked checkbox by leaving its key out
		for (final Generator.Param p : g.params)
			if (p.type == Generator.Type.BOOLEAN && !values.containsKey(p.key)) values.put(p.key, Boolean.FALSE);
		return values;
	}

	/** Parameter values from a dialog whose labels are the keys; null when canceled. */
	private static Map<String, Object> fromDialog(final Generator g) {
		final GenericDialog gd = new GenericDialog(g.title);
		gd.addMessage(g.description);
		for (final Generator.Param p : g.params) {
			switch (p.type) {
				case PROBABILITY:
					gd.addNumericField(p.key, (Double) p.defaultValue, 2, 6, p.help);
					break;
				case INT:
					gd.addNumericField(p.key, (Integer) p.defaultValue, 0, 6, p.help);
					break;
				case SEED:
					gd.addStringField(p.key, String.valueOf(p.defaultValue), 12);
					break;
				default:
					gd.addCheckbox(p.key, (Boolean) p.defaultValue);
			}
		}
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final Map<String, Object> values = new LinkedHashMap<>();
		for (final Generator.Param p : g.params) {
			switch (p.type) {
				case PROBABILITY: {
					final double v = gd.getNextNumber();
					if (Double.isNaN(v)) throw new NoisyLabelsException(p.key + " is not a number");
					values.put(p.key, v);
					break;
				}
				case INT: {
					final double v = gd.getNextNumber();
					if (Double.isNaN(v) || v != Math.rint(v)) throw new NoisyLabelsException(p.key + "=" + v +
						" is not a whole number");
					values.put(p.key, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
					break;
				}
				case SEED:
					values.put(p.key, p.parse(gd.getNextString()));
					break;
				default:
					values.put(p.key, gd.getNextBoolean());
			}
		}
		return values;
	}

	/** Shows an image, or makes it the current (batch-mode) image where no window can be shown. */
	private static void display(final ImagePlus imp) {
		if (GraphicsEnvironment.isHeadless()) {
			if (Interpreter.isBatchMode()) Interpreter.addBatchModeImage(imp);
			WindowManager.setTempCurrentImage(imp);
		}
		else imp.show();
	}

	private static Progress progress() {
		return new Progress() {

			@Override
			public void update(final String message, final double fraction) {
				IJ.showStatus(message);
				if (fraction >= 0) IJ.showProgress(fraction);
			}

			@Override
			public boolean isCanceled() {
				return IJ.escapePressed();
			}
		};
	}
}
