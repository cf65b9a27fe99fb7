package org.noisylabels.command;

import java.awt.GraphicsEnvironment;

import org.scijava.event.EventHandler;
import org.scijava.module.event.ModuleCanceledEvent;
import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

import ij.IJ;
import ij.plugin.frame.Recorder;

/**
 * A Noisy Labels command that failed or whose dialog was canceled is not recorded. ImageJ's menu starts
 * recording a command before it runs and writes it when it returns, so with the Recorder open a failed
 * command left {@code run("Title");} in the Recorder: a line without options, which replays as a dialog.
 * Found by hand in ImageJ2 with the legacy layer.
 */
@Plugin(type = Service.class)
public class RecorderService extends AbstractService implements SciJavaService {

	@EventHandler
	private void onEvent(final ModuleCanceledEvent e) {
		if (!(e.getModule().getDelegateObject() instanceof NoisyLabelsCommand)) return;
		forgetCommand();
	}

	/** Drops the command the Recorder is recording (outside macros, with a display and the Recorder on). */
	static void forgetCommand() {
		if (GraphicsEnvironment.isHeadless() || IJ.isMacro()) return;
		try {
			if (Recorder.record) Recorder.setCommand(null);
		}
		catch (final LinkageError e) {
			// no ImageJ 1.x Recorder on the class path: nothing is recorded
		}
	}
}
