package org.noisylabels.ij1;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.awt.GraphicsEnvironment;
import java.io.File;

import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.noisylabels.noise.Morphology;
import org.noisylabels.noise.RandomFlipping;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;

/** The ImageJ 1.x plugin, run as a macro would run it, in a headless JVM (options read without a dialog). */
public class NoisePluginTest {

	private static final String GT2D = new File("test-images/gt2d.tif").getAbsolutePath();
	private static final String GT3D = new File("test-images/gt3d.tif").getAbsolutePath();

	@Before
	public void headless() {
		Assume.assumeTrue("needs a headless JVM", GraphicsEnvironment.isHeadless());
	}

	/**
	 * Runs the plugin like ImageJ's macro interpreter does: in a thread named "Run$_..." (ImageJ hands macro
	 * options only to such threads) with the options and the current image set for that thread.
	 */
	private static ImagePlus runPlugin(final String arg, final ImagePlus current, final String options) {
		final ImagePlus[] result = new ImagePlus[1];
		final Throwable[] error = new Throwable[1];
		final Thread t = new Thread(() -> {
			try {
				WindowManager.setTempCurrentImage(current);
				Macro.setOptions(options);
				new NoisePlugin().run(arg);
				result[0] = WindowManager.getCurrentImage();
			}
			catch (final Throwable e) {
				error[0] = e;
			}
			finally {
				Macro.setOptions(null);
				WindowManager.setTempCurrentImage(null);
			}
		}, "Run$_noise-plugin-test");
		t.start();
		try {
			t.join();
		}
		catch (final InterruptedException e) {
			throw new AssertionError(e);
		}
		if (error[0] != null) throw new AssertionError(error[0]);
		return result[0];
	}

	/** Issue #20 item 12: Skeleton has nothing to ask, so no dialog (which blocked macros forever). */
	@Test
	public void onlyGeneratorsWithParametersShowADialog() {
		assertTrue(!NoisePlugin.needsDialog(Generator.find("skeleton")));
		assertTrue(NoisePlugin.needsDialog(Generator.find("flipping")));
	}

	@Test
	public void flippingOnTheCurrentImage() {
		final ImagePlus gt = IJ.openImage(GT2D);
		final ImagePlus result = runPlugin("flipping", gt, "p_flip=0.3 seed=2");
		assertEquals("gt2d-flipped", result.getTitle());
		MacrosTest.assertSame(RandomFlipping.apply(IJ.openImage(GT2D), 0.3, 2), result);
	}

	@Test
	public void checkboxKeyAloneMeansTrueAndMissingMeansFalse() {
		final ImagePlus gt = IJ.openImage(GT3D);
		MacrosTest.assertSame(Morphology.erode(IJ.openImage(GT3D), 2, true), runPlugin("erosion", gt,
			"iterations=2 three_d"));
		MacrosTest.assertSame(Morphology.erode(IJ.openImage(GT3D), 2, false), runPlugin("erosion", gt,
			"iterations=2"));
	}

	@Test
	public void samplingLeavesTheNoisyLabelCurrent() {
		final ImagePlus gt = IJ.openImage(GT2D);
		final ImagePlus result = runPlugin("sampling", gt, "p_sample=0.2 seed=4");
		assertEquals("gt2d-sampled", result.getTitle());
		MacrosTest.assertSame(org.noisylabels.noise.RandomSampling.apply(IJ.openImage(GT2D), 0.2, 4).noisyLabel,
			result);
	}

	@Test
	public void badOptionsLeaveTheCurrentImage() {
		final ImagePlus gt = IJ.openImage(GT2D);
		assertSame(gt, runPlugin("flipping", gt, "p_flip=2 seed=1"));
		assertSame(gt, runPlugin("dilation", gt, "iterations=0"));
		// and a good run afterwards still works
		assertTrue(runPlugin("skeleton", gt, "").getTitle().endsWith("-skeleton"));
	}
}
