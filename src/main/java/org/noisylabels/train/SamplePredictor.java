package org.noisylabels.train;

import java.util.List;
import java.util.Map;

import org.noisylabels.Progress;

/**
 * Class probabilities of training samples (normalised images) with a model. A 2D model predicts each
 * sample alone; a 3D model predicts the whole volume of a sample ({@link Volumes#of}: the consecutive slices
 * of one stack among {@code samples}) in 3D, tiled ({@link Predictor#predictVolume}), and returns the
 * sample's slice. The last predicted volume is kept, so asking for its slices in turn predicts it once.
 */
public final class SamplePredictor {

	private final Predictor predictor;
	private final Map<Sample, Volumes.Volume> index;
	private Volumes.Volume last;
	private float[][][] lastResult;

	public SamplePredictor(final Predictor predictor, final List<Sample> samples) {
		this.predictor = predictor;
		this.index = predictor.info().dimensions == 3 ? Volumes.index(Volumes.of(samples)) : null;
	}

	/** The probabilities [K][w·h] of sample {@code s}. */
	public float[][] predict(final Sample s, final Progress progress) {
		if (index == null) return predictor.predictNormalized(s.image, s.width, s.height, progress);
		Volumes.Volume v = index.get(s);
		if (v == null) { // not among the samples given: a volume of one slice
			v = new Volumes.Volume();
			v.slices.add(s);
		}
		if (v != last) {
			final float[][] im = new float[v.depth()][];
			for (int z = 0; z < im.length; z++) im[z] = v.slices.get(z).image;
			lastResult = null; // free the previous volume first
			lastResult = predictor.predictVolume(im, v.width(), v.height(), progress);
			last = v;
		}
		final int z = v.slices.indexOf(s);
		final float[][] out = new float[lastResult.length][];
		for (int c = 0; c < out.length; c++) out[c] = lastResult[c][z];
		return out;
	}
}
