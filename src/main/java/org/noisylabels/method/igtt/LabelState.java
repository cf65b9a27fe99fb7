package org.noisylabels.method.igtt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ij.ImageStack;
import ij.process.ByteProcessor;

/**
 * The current training label of every image (all black at the start) and, optionally, the history:
 * for every epoch the label computed at its end (the one the next epoch trains on) and the chosen
 * candidate it came from. Images may have different sizes.
 */
public final class LabelState {

	private final int[] widths, heights;
	private final byte[][] labels, candidates;
	private final boolean keepHistory;
	private final List<byte[][]> labelHistory = new ArrayList<>();
	private final List<byte[][]> candidateHistory = new ArrayList<>();
	private final List<Integer> epochs = new ArrayList<>();

	/** {@code images} images of one size (the slices of a stack). */
	public LabelState(final int width, final int height, final int images, final boolean keepHistory) {
		this(filled(images, width), filled(images, height), keepHistory);
	}

	/** One entry per image in {@code widths}/{@code heights}. */
	public LabelState(final int[] widths, final int[] heights, final boolean keepHistory) {
		if (widths.length != heights.length || widths.length == 0) {
			throw new IllegalArgumentException("need as many widths as heights, and at least one image");
		}
		this.widths = widths.clone();
		this.heights = heights.clone();
		this.keepHistory = keepHistory;
		labels = new byte[widths.length][];
		candidates = new byte[widths.length][];
		for (int i = 0; i < widths.length; i++) {
			labels[i] = new byte[widths[i] * heights[i]];
			candidates[i] = new byte[widths[i] * heights[i]];
		}
	}

	public int size() {
		return labels.length;
	}

	public int width(final int image) {
		return widths[image];
	}

	public int height(final int image) {
		return heights[image];
	}

	/** The current label (0/255) of an image; the live array, do not modify it. */
	public byte[] label(final int image) {
		return labels[image];
	}

	/** The candidate the current label was made from (all black before the first refresh). */
	public byte[] candidate(final int image) {
		return candidates[image];
	}

	/** The current label as 0/1 floats, the training target. */
	public float[] target(final int image) {
		final byte[] l = labels[image];
		final float[] out = new float[l.length];
		for (int i = 0; i < l.length; i++)
			if (l[i] != 0) out[i] = 1;
		return out;
	}

	/** Sets an image's label (copied, normalised to 0/255) and the candidate it came from (may be null). */
	public void set(final int image, final byte[] label, final byte[] candidate) {
		Pixels.requireSameLength(labels[image].length, label.length);
		labels[image] = Pixels.binary(label);
		candidates[image] = candidate == null ? new byte[label.length] : Pixels.binary(candidate);
	}

	/** Records the current labels and candidates as those computed at the end of {@code epoch}. */
	public void endEpoch(final int epoch) {
		if (!keepHistory) return;
		labelHistory.add(copyAll(labels));
		candidateHistory.add(copyAll(candidates));
		epochs.add(epoch);
	}

	/** Number of recorded epochs. */
	public int recordedEpochs() {
		return epochs.size();
	}

	/** The epoch number of a recorded entry. */
	public int recordedEpoch(final int entry) {
		return epochs.get(entry);
	}

	/** A recorded label (or candidate) of one image. */
	public byte[] history(final int entry, final int image, final boolean candidate) {
		return (candidate ? candidateHistory : labelHistory).get(entry)[image];
	}

	/**
	 * One image's history as a stack, one slice per recorded epoch ("epoch e"), of the labels
	 * (candidate = false) or of the chosen candidates.
	 */
	public ImageStack historyStack(final int image, final boolean candidate) {
		final ImageStack st = new ImageStack(widths[image], heights[image]);
		for (int e = 0; e < epochs.size(); e++)
			st.addSlice("epoch " + epochs.get(e), new ByteProcessor(widths[image], heights[image], history(e,
				image, candidate).clone()));
		return st;
	}

	/**
	 * All images' history (all of one size), epoch-major: slice (e·N + i + 1) is image i after epoch
	 * e, labelled "epoch e, image i+1"; as a hyperstack it has N slices and one frame per epoch.
	 */
	public ImageStack historyStack(final boolean candidate) {
		for (int i = 1; i < widths.length; i++) {
			if (widths[i] != widths[0] || heights[i] != heights[0]) {
				throw new IllegalStateException("images of different sizes: use historyStack(image, candidate)");
			}
		}
		final ImageStack st = new ImageStack(widths[0], heights[0]);
		for (int e = 0; e < epochs.size(); e++)
			for (int i = 0; i < labels.length; i++)
				st.addSlice("epoch " + epochs.get(e) + ", image " + (i + 1), new ByteProcessor(widths[0],
					heights[0], history(e, i, candidate).clone()));
		return st;
	}

	private static int[] filled(final int n, final int v) {
		final int[] a = new int[n];
		Arrays.fill(a, v);
		return a;
	}

	private static byte[][] copyAll(final byte[][] a) {
		final byte[][] out = new byte[a.length][];
		for (int i = 0; i < a.length; i++)
			out[i] = a[i].clone();
		return out;
	}
}
