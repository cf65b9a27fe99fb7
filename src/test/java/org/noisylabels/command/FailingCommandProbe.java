package org.noisylabels.command;

import org.scijava.Context;
import org.scijava.command.CommandService;

/** Test main: runs Skeleton (PCL) on an intensity image (bad input) the way Fiji's --run does. */
public final class FailingCommandProbe {

	private FailingCommandProbe() {}

	public static void main(final String[] args) throws Exception {
		final Context context = new Context(CommandService.class, org.scijava.app.StatusService.class, org.scijava.log.LogService.class);
		final ij.ImagePlus img = org.noisylabels.io.ImageFiles.open(new java.io.File("test-images/img2d.tif"), "label");
		context.service(org.scijava.module.ModuleService.class).run(context.service(CommandService.class).getCommand(
			SkeletonCommand.class), true, "label", img).get();
		System.out.println("still running after the failure");
		context.dispose();
		System.exit(0);
	}
}
