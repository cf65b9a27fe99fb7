package org.noisylabels.command;

import java.awt.GraphicsEnvironment;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import ij.measure.ResultsTable;

/**
 * Base of every Noisy Labels command: a thin wrapper that turns parameters into a call of one
 * algorithm. A {@link NoisyLabelsException} (bad input) cancels the command with its one-line
 * message (shown in a dialog when there is a UI, printed by the command line otherwise); no output is
 * produced. Subclasses implement {@link #execute()}.
 */
public abstract class NoisyLabelsCommand extends ContextCommand {

	@Parameter
	protected LogService log;

	@Parameter
	protected StatusService status;

	@Parameter(required = false)
	protected UIService ui;

	/** Runs the command's work; throw {@link NoisyLabelsException} for bad input. */
	protected abstract void execute();

	@Override
	public final void run() {
		try {
			execute();
		}
		catch (final NoisyLabelsException e) {
			fail(e.getMessage());
		}
		catch (final Progress.CanceledException e) {
			cancel(e.getMessage() != null && e.getMessage().startsWith("canceled") ? e.getMessage() : "canceled by the user");
		}
		catch (final RuntimeException | OutOfMemoryError e) {
			log.error(e);
			fail("internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage() +
				" - please report it with the log");
		}
		finally {
			if (status != null) status.clearStatus();
		}
	}

	/** Cancels with an error message that the UI shows and the command line prints. */
	protected void fail(final String message) {
		if (log != null) log.error(message);
		cancel(message);
		if (hasUI()) ui.showDialog(message, "Noisy Labels", DialogPrompt.MessageType.ERROR_MESSAGE);
	}

	/** Whether a graphical user interface is showing (not headless, not the command line). */
	protected boolean hasUI() {
		return ui != null && !ui.isHeadless() && !GraphicsEnvironment.isHeadless() && ui.isVisible();
	}

	/** Shows a results table in an ImageJ window when a UI is present (outputs are also returned). */
	protected void show(final ResultsTable table, final String title) {
		if (hasUI() && table != null) table.show(title);
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
}
