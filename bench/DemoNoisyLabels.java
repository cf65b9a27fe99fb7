import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.noisylabels.cli.CommandLine;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * Robust losses against noisy labels on the bundled nuclei: the left 3/4 of test-images/img2d.tif is
 * trained on with clean, randomly flipped (p = 0.45, RCL) or dilated (3×3, PCL) labels; the right 1/4 with
 * its CLEAN labels is the validation set. Prints the validation Dice of CE, GCE, MAE and NRDice side by
 * side. The noise is made here (seeded) exactly as algorithms.md §1 defines it.
 * Usage: bench/run.sh DemoNoisyLabels [iterations=300] [dilations=1] [seed=42]
 */
public class DemoNoisyLabels {

	public static void main(final String[] args) throws Exception {
		run(args);
		System.exit(0); // ImageJ may leave non-daemon threads behind
	}

	static void run(final String[] args) throws Exception {
		final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
		final int dilations = args.length > 1 ? Integer.parseInt(args[1]) : 1;
		final long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
		final File dir = Files.createTempDirectory("demo-noisy").toFile();
		final ImagePlus img = IJ.openImage("test-images/img2d.tif"), gt = IJ.openImage("test-images/gt2d.tif");
		final int w = img.getWidth(), h = img.getHeight(), split = w * 3 / 4;
		final File trainImg = save(crop(img.getProcessor(), 0, split, h), dir, "train-image.tif");
		final ByteProcessor clean = (ByteProcessor) crop(gt.getProcessor(), 0, split, h);
		final File valImg = save(crop(img.getProcessor(), split, w - split, h), dir, "val-image.tif");
		final File valLab = save(crop(gt.getProcessor(), split, w - split, h), dir, "val-label.tif");
		final String[] noises = { "clean", "flip 0.45", "dilation x" + dilations };
		final ByteProcessor[] labels = { clean, flip(clean, 0.45, seed), dilate(clean, dilations) };
		final String[] losses = { "CE", "GCE", "MAE", "NRDice" };
		System.out.println(String.format(Locale.ROOT, "# train: left %d x %d px with the labels below; validation: right %d x %d px, clean labels; %d iterations, seed %d, other settings default",
			split, h, w - split, h, iterations, seed));
		for (int n = 0; n < noises.length; n++)
			System.out.println(String.format(Locale.ROOT, "# %-12s label Dice vs clean %.4f", noises[n], dice(labels[n], clean)));
		System.out.println(String.format(Locale.ROOT, "%-14s %8s %8s %8s %8s", "labels", losses[0], losses[1], losses[2],
			losses[3]));
		for (int n = 0; n < noises.length; n++) {
			final File lab = save(labels[n], dir, "train-label-" + n + ".tif");
			final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s", noises[n]));
			for (final String loss : losses) {
				final File model = new File(dir, "model-" + n + "-" + loss), val = new File(dir, "val-" + n + "-" + loss + ".csv");
				final ByteArrayOutputStream err = new ByteArrayOutputStream();
				final long t0 = System.nanoTime();
				final int code = new CommandLine(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true)).run(
					new String[] { "Supervised (Robust Loss)", "image=" + trainImg, "label=" + lab, "validation_image=" + valImg,
						"validation_label=" + valLab, "loss_type=" + loss, "iterations=" + iterations, "seed=" + seed, "model=" +
							model, "validation=" + val });
				if (code != 0) throw new IllegalStateException(err.toString(StandardCharsets.UTF_8));
				final List<String> rows = Files.readAllLines(val.toPath());
				final String[] last = rows.get(rows.size() - 1).split(",");
				row.append(String.format(Locale.ROOT, " %8.4f", Double.parseDouble(last[1])));
				System.err.println(String.format(Locale.ROOT, "%s %s: %.0f s", noises[n], loss, (System.nanoTime() - t0) / 1e9));
			}
			System.out.println(row);
		}
		org.noisylabels.io.AtomicFiles.deleteRecursively(dir.toPath());
	}

	static ImageProcessor crop(final ImageProcessor ip, final int x, final int w, final int h) {
		ip.setRoi(x, 0, w, h);
		final ImageProcessor c = ip.crop();
		ip.resetRoi();
		return c;
	}

	static File save(final ImageProcessor ip, final File dir, final String name) {
		final File f = new File(dir, name);
		IJ.saveAsTiff(new ImagePlus(name, ip), f.getPath());
		return f;
	}

	/** Flips exactly round(p·n) foreground pixels to background and round(p·n) background pixels to foreground. */
	static ByteProcessor flip(final ByteProcessor in, final double p, final long seed) {
		final byte[] src = (byte[]) in.getPixels(), out = src.clone();
		final List<Integer> fg = new ArrayList<>(), bg = new ArrayList<>();
		for (int i = 0; i < src.length; i++) (src[i] != 0 ? fg : bg).add(i);
		final Random r = new Random(seed);
		Collections.shuffle(fg, r);
		Collections.shuffle(bg, r);
		for (int k = 0; k < Math.round(p * fg.size()); k++) out[fg.get(k)] = 0;
		for (int k = 0; k < Math.round(p * bg.size()); k++) out[bg.get(k)] = (byte) 255;
		return new ByteProcessor(in.getWidth(), in.getHeight(), out);
	}

	/** Binary dilation with a 3×3 square, repeated. */
	static ByteProcessor dilate(final ByteProcessor in, final int times) {
		final int w = in.getWidth(), h = in.getHeight();
		byte[] cur = ((byte[]) in.getPixels()).clone();
		for (int t = 0; t < times; t++) {
			final byte[] next = new byte[w * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					boolean on = false;
					for (int dy = -1; dy <= 1 && !on; dy++)
						for (int dx = -1; dx <= 1 && !on; dx++) {
							final int xx = x + dx, yy = y + dy;
							on = xx >= 0 && yy >= 0 && xx < w && yy < h && cur[yy * w + xx] != 0;
						}
					if (on) next[y * w + x] = (byte) 255;
				}
			cur = next;
		}
		return new ByteProcessor(w, h, cur);
	}

	static double dice(final ByteProcessor a, final ByteProcessor b) {
		final byte[] x = (byte[]) a.getPixels(), y = (byte[]) b.getPixels();
		long i = 0, sa = 0, sb = 0;
		for (int k = 0; k < x.length; k++) {
			if (x[k] != 0 && y[k] != 0) i++;
			if (x[k] != 0) sa++;
			if (y[k] != 0) sb++;
		}
		return (2.0 * i + 1e-5) / (sa + sb + 1e-5);
	}
}
