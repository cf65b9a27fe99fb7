import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

import org.noisylabels.cli.CommandLine;

import ij.IJ;
import ij.ImagePlus;
import ij.plugin.filter.GaussianBlur;
import ij.process.AutoThresholder;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * The README demo: "Train > Supervised (Robust Loss)" with CE and DEFAULT settings on the bundled nuclei
 * (test-images/img2d.tif + gt2d.tif); the trainer holds out 20 % of the 128×128 tiles (seeded) and never
 * trains on their labels. Prints the model's Dice on the held-out tiles next to Gaussian blur + Otsu (and
 * the best fixed threshold, an oracle) on the same tiles, and the time it took.
 * Usage: bench/run.sh DemoSupervised [loss_type=CE] [extra key=value ...]
 */
public class DemoSupervised {

	public static void main(final String[] args) throws Exception {
		run(args);
		System.exit(0); // ImageJ may leave non-daemon threads behind
	}

	static void run(final String[] args) throws Exception {
		if (args.length == 2 && args[0].equals("--baseline-only")) {
			baselines(Files.readAllLines(new File(args[1]).toPath()));
			return;
		}
		final File dir = Files.createTempDirectory("demo").toFile();
		final File model = new File(dir, "model"), val = new File(dir, "validation.csv"), curve = new File(dir, "curve.csv");
		final String[] base = { "Supervised (Robust Loss)", "image=test-images/img2d.tif", "label=test-images/gt2d.tif",
			"model=" + model, "validation=" + val, "curve=" + curve };
		final String[] cli = new String[base.length + args.length];
		System.arraycopy(base, 0, cli, 0, base.length);
		System.arraycopy(args, 0, cli, base.length, args.length);
		final long t0 = System.nanoTime();
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int code = new CommandLine(System.out, new PrintStream(err, true)).run(cli);
		final double secs = (System.nanoTime() - t0) / 1e9;
		if (code != 0) {
			System.out.println(err.toString(StandardCharsets.UTF_8));
			System.exit(code);
		}
		for (final String line : err.toString(StandardCharsets.UTF_8).split("\n"))
			if (line.startsWith("[INFO]")) System.out.println("# " + line);
		final List<String> rows = Files.readAllLines(val.toPath());
		System.out.println(String.format(Locale.ROOT, "training_time_s %.0f  (%s)", secs, String.join(" ", args)));
		baselines(rows);
		System.out.println("curve:");
		for (final String l : Files.readAllLines(curve.toPath())) System.out.println("  " + l);
		org.noisylabels.io.AtomicFiles.deleteRecursively(dir.toPath());
	}

	/** Prints the model's Dice from a validation table next to the threshold baselines on the same tiles. */
	static void baselines(final List<String> rows) {
		final ImagePlus img = IJ.openImage("test-images/img2d.tif"), gt = IJ.openImage("test-images/gt2d.tif");
		System.out.println("held-out tiles (128x128): Dice of the model | Gaussian(sigma 2)+Otsu | best fixed threshold (oracle)");
		final int w = img.getWidth();
		final FloatProcessor blurred = img.getProcessor().convertToFloatProcessor();
		new GaussianBlur().blurGaussian(blurred, 2);
		final int otsu = otsu(blurred);
		long[] sumModel = new long[3], sumOtsu = new long[3];
		double bestT = 0, bestD = -1;
		for (int t = 0; t < 256; t++) {
			final long[] cc = new long[3];
			final int th = t;
			forTiles(rows, w, (x, y) -> count(cc, blurred.getf(x, y) > th, gt.getProcessor().get(x, y) != 0));
			final double d = dice(cc);
			if (d > bestD) {
				bestD = d;
				bestT = t;
			}
		}
		final long[] o = new long[3];
		forTiles(rows, w, (x, y) -> count(o, blurred.getf(x, y) > otsu, gt.getProcessor().get(x, y) != 0));
		for (final String r : rows.subList(1, rows.size())) {
			final String[] f = csv(r);
			System.out.println(String.format(Locale.ROOT, "  %-18s model %.4f", f[0], Double.parseDouble(f[1])));
		}
		final String all = csv(rows.get(rows.size() - 1))[1];
		System.out.println(String.format(Locale.ROOT, "dice_model_heldout %.4f", Double.parseDouble(all)));
		System.out.println(String.format(Locale.ROOT, "dice_gauss_otsu_heldout %.4f  (Otsu threshold %d on the whole blurred image)",
			dice(o), otsu));
		System.out.println(String.format(Locale.ROOT, "dice_best_threshold_heldout %.4f  (threshold %.0f chosen on the held-out tiles themselves)",
			bestD, bestT));
		final long[] whole = new long[3];
		for (int y = 0; y < img.getHeight(); y++)
			for (int x = 0; x < w; x++) count(whole, blurred.getf(x, y) > otsu, gt.getProcessor().get(x, y) != 0);
		System.out.println(String.format(Locale.ROOT, "dice_gauss_otsu_whole_image %.4f", dice(whole)));
	}

	interface Pixel {

		void at(int x, int y);
	}

	/** Runs over the pixels of the held-out tiles named "img2d@x,y" in the validation table. */
	static void forTiles(final List<String> rows, final int w, final Pixel p) {
		for (final String r : rows.subList(1, rows.size())) {
			final String name = csv(r)[0];
			final int at = name.indexOf('@');
			if (at < 0) continue;
			final String[] xy = name.substring(at + 1).split(",");
			final int x0 = Integer.parseInt(xy[0]), y0 = Integer.parseInt(xy[1]);
			for (int y = y0; y < y0 + 128; y++)
				for (int x = x0; x < x0 + 128; x++) p.at(x, y);
		}
	}

	/** Splits one CSV line, honouring double quotes. */
	static String[] csv(final String line) {
		final List<String> out = new java.util.ArrayList<>();
		final StringBuilder sb = new StringBuilder();
		boolean q = false;
		for (int i = 0; i < line.length(); i++) {
			final char c = line.charAt(i);
			if (c == '"') {
				if (q && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					sb.append('"');
					i++;
				}
				else q = !q;
			}
			else if (c == ',' && !q) {
				out.add(sb.toString());
				sb.setLength(0);
			}
			else sb.append(c);
		}
		out.add(sb.toString());
		return out.toArray(new String[0]);
	}

	static void count(final long[] c, final boolean s, final boolean g) {
		if (s && g) c[0]++;
		if (s) c[1]++;
		if (g) c[2]++;
	}

	static double dice(final long[] c) {
		return (2.0 * c[0] + 1e-5) / (c[1] + c[2] + 1e-5);
	}

	static int otsu(final ImageProcessor fp) {
		final int[] hist = new int[256];
		for (int i = 0; i < fp.getPixelCount(); i++) hist[Math.max(0, Math.min(255, Math.round(fp.getf(i))))]++;
		return new AutoThresholder().getThreshold(AutoThresholder.Method.Otsu, hist);
	}
}
