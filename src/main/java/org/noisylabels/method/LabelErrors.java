package org.noisylabels.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.train.Sample;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ByteProcessor;

/**
 * Find Label Errors and CLSLSR's stage 2: predicts every training sample, runs {@link ConfidentLearning}
 * over all their counted pixels, and builds what users look at: the flagged-pixel maps (one 0/255 slice per
 * sample), flagged pixels per image and class, and the noise matrix with the calibrated joint.
 */
public final class LabelErrors {

	/** Class probabilities of one sample (normalised image), as {@link org.noisylabels.train.Predictor}. */
	public interface Prediction {

		float[][] predict(Sample sample, Progress progress);
	}

	/** The outputs. */
	public static final class Outputs {

		public final ConfidentLearning.Result result;
		/** 8-bit, 255 = flagged, one slice per sample (padded with 0 to the largest sample). */
		public final ImagePlus flagged;
		/** Per sample: pixels counted, flagged, their fraction, flagged per given class; then an "all" row. */
		public final ResultsTable perImage;
		/** Per given class: pixels, threshold, flagged, P(given | true k), calibrated joint counts. */
		public final ResultsTable noiseMatrix;

		Outputs(final ConfidentLearning.Result result, final ImagePlus flagged, final ResultsTable perImage,
			final ResultsTable noiseMatrix)
		{
			this.result = result;
			this.flagged = flagged;
			this.perImage = perImage;
			this.noiseMatrix = noiseMatrix;
		}
	}

	private LabelErrors() {}

	/**
	 * Predicts every sample and finds its probably wrong labels.
	 *
	 * @param samples the labelled images (their labels are the given, possibly noisy ones)
	 * @param weights their pixel weights to use (null entries: every pixel counts); null = the samples' own
	 * @param classes the model's classes
	 */
	public static Outputs find(final List<Sample> samples, final List<float[]> weights, final int classes,
		final Prediction prediction, final String title, final Progress progress)
	{
		if (samples.isEmpty()) throw new NoisyLabelsException("no labelled image to check");
		final List<ConfidentLearning.Image> images = new ArrayList<>();
		for (int i = 0; i < samples.size(); i++) {
			if (progress.isCanceled()) throw new Progress.CanceledException("canceled by the user");
			final Sample s = samples.get(i);
			final int index = i;
			final Progress sub = new Progress() {

				@Override
				public void update(final String message, final double fraction) {
					progress.update("Predicting image " + (index + 1) + "/" + samples.size(), (index + Math.max(0, fraction)) /
						samples.size());
				}

				@Override
				public boolean isCanceled() {
					return progress.isCanceled();
				}
			};
			final float[][] p = prediction.predict(s, sub);
			images.add(new ConfidentLearning.Image(s.name, p, s.labels(), weights == null ? s.weights() : weights.get(i)));
		}
		progress.update("Confident learning over " + samples.size() + " image" + (samples.size() == 1 ? "" : "s"), -1);
		final ConfidentLearning.Result r = ConfidentLearning.find(images, classes);
		return new Outputs(r, stack(samples, r, title), perImage(samples, images, r), noiseMatrix(r));
	}

	/** Sets each sample's {@value Supervised#FLAGGED} input to its flags (1 = flagged) for SLSR. */
	public static void setFlags(final List<Sample> samples, final ConfidentLearning.Result r) {
		for (int i = 0; i < samples.size(); i++) {
			final boolean[] f = r.flagged.get(i);
			final float[] v = new float[f.length];
			for (int j = 0; j < f.length; j++) v[j] = f[j] ? 1f : 0f;
			samples.get(i).setExtra(Supervised.FLAGGED, v);
		}
	}

	private static ImagePlus stack(final List<Sample> samples, final ConfidentLearning.Result r, final String title) {
		int w = 0, h = 0;
		for (final Sample s : samples) {
			w = Math.max(w, s.width);
			h = Math.max(h, s.height);
		}
		final ImageStack st = new ImageStack(w, h);
		for (int i = 0; i < samples.size(); i++) {
			final Sample s = samples.get(i);
			final boolean[] f = r.flagged.get(i);
			final byte[] px = new byte[w * h];
			for (int y = 0; y < s.height; y++)
				for (int x = 0; x < s.width; x++)
					if (f[y * s.width + x]) px[y * w + x] = (byte) 255;
			st.addSlice(s.name, new ByteProcessor(w, h, px));
		}
		return new ImagePlus(title, st);
	}

	private static ResultsTable perImage(final List<Sample> samples, final List<ConfidentLearning.Image> images,
		final ConfidentLearning.Result r)
	{
		final ResultsTable t = new ResultsTable();
		final long[] allClass = new long[r.classes];
		long allCounted = 0, allFlagged = 0;
		for (int i = 0; i < samples.size(); i++) {
			final ConfidentLearning.Image im = images.get(i);
			long counted = 0;
			for (int j = 0; j < im.labels.length; j++)
				if (im.counted(j)) counted++;
			long flagged = 0;
			for (final long v : r.flaggedPerImage[i]) flagged += v;
			row(t, samples.get(i).name, counted, flagged, r.flaggedPerImage[i]);
			allCounted += counted;
			allFlagged += flagged;
			for (int k = 0; k < r.classes; k++) allClass[k] += r.flaggedPerImage[i][k];
		}
		row(t, "all", allCounted, allFlagged, allClass);
		return t;
	}

	private static void row(final ResultsTable t, final String name, final long counted, final long flagged,
		final long[] perClass)
	{
		t.incrementCounter();
		t.addLabel(name);
		t.addValue("pixels", counted);
		t.addValue("flagged", flagged);
		t.addValue("flagged_fraction", counted == 0 ? Double.NaN : (double) flagged / counted);
		for (int k = 0; k < perClass.length; k++) t.addValue("flagged_class_" + k, perClass[k]);
	}

	private static ResultsTable noiseMatrix(final ConfidentLearning.Result r) {
		final ResultsTable t = new ResultsTable();
		final long[] flaggedPerClass = new long[r.classes];
		for (final long[] perImage : r.flaggedPerImage)
			for (int k = 0; k < r.classes; k++) flaggedPerClass[k] += perImage[k];
		for (int s = 0; s < r.classes; s++) {
			t.incrementCounter();
			t.addLabel(String.format(Locale.ROOT, "given %d", s));
			t.addValue("given_class", s);
			t.addValue("pixels", r.labelCounts[s]);
			t.addValue("threshold", r.thresholds[s]);
			t.addValue("flagged", flaggedPerClass[s]);
			for (int y = 0; y < r.classes; y++) t.addValue("p_given_if_true_" + y, r.noiseMatrix[s][y]);
			for (int y = 0; y < r.classes; y++) t.addValue("joint_true_" + y, r.calibratedJoint[s][y]);
		}
		return t;
	}
}
