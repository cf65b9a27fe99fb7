package org.noisylabels.command;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.scijava.Priority;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.run.AbstractCodeRunner;
import org.scijava.run.CodeRunner;

/**
 * Runs a Noisy Labels command for SciJava's {@code RunService}, i.e. for ImageJ2's
 * {@code --headless --run "Title" 'key=value,...'}, and waits until it has finished.
 * <p>
 * SciJava's own command runner cannot wait for our commands: they are {@code DynamicCommand}s, for which
 * {@code CommandService.run} answers null, so ImageJ2 printed a {@code NullPointerException}, did not wait,
 * and disposed its context (and quit) while the command was still running: a headless training ended
 * after a few seconds with exit status 0 and no model. {@code ModuleService.run} returns the module's
 * future for every module, so this runner waits on that one.
 */
@Plugin(type = CodeRunner.class, priority = Priority.HIGH)
public class NoisyLabelsCodeRunner extends AbstractCodeRunner {

	@Parameter
	private CommandService commandService;

	@Parameter
	private ModuleService moduleService;

	@Override
	public boolean supports(final Object code) {
		return command(code) != null;
	}

	@Override
	public void run(final Object code, final Object... args) throws InvocationTargetException {
		finish(moduleService.run(command(code), true, args));
	}

	@Override
	public void run(final Object code, final Map<String, Object> inputMap) throws InvocationTargetException {
		finish(moduleService.run(command(code), true, inputMap));
	}

	/** The suite's command named by {@code code} (class, class name or title), or null. */
	CommandInfo command(final Object code) {
		if (commandService == null) return null;
		CommandInfo info = null;
		if (code instanceof Class) info = commandService.getCommand(((Class<?>) code).getName());
		else if (code instanceof String) {
			info = commandService.getCommand((String) code);
			if (info == null) {
				for (final CommandInfo c : commandService.getCommands()) {
					if (code.equals(c.getTitle()) && isSuiteCommand(c)) return c;
				}
			}
		}
		return info != null && isSuiteCommand(info) ? info : null;
	}

	private static boolean isSuiteCommand(final CommandInfo info) {
		return info.getClassName() != null && info.getClassName().startsWith("org.noisylabels.");
	}

	private static void finish(final Future<Module> future) throws InvocationTargetException {
		try {
			future.get();
		}
		catch (final ExecutionException e) {
			throw new InvocationTargetException(e.getCause() != null ? e.getCause() : e);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new InvocationTargetException(e);
		}
	}
}
