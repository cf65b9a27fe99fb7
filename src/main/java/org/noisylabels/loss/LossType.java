package org.noisylabels.loss;

import java.util.Locale;

import org.noisylabels.NoisyLabelsException;

/**
 * The segmentation losses of the suite (algorithms.md §2).
 * <p>
 * {@link #DMI} and {@link #SOFT_IOU} are binary losses: they use the foreground channel only and
 * need exactly two classes. The others work for any number of classes C ≥ 2.
 */
public enum LossType {
	/** Cross-entropy with clamped probabilities. */
	CE("CE"),
	/** Soft Dice loss, background class included. */
	DICE("Dice"),
	/** Generalized cross-entropy (Zhang and Sabuncu, NeurIPS 2018). */
	GCE("GCE"),
	/** Mean absolute error (Ghosh et al., AAAI 2017). */
	MAE("MAE"),
	/** Noise-robust Dice (Wang et al., TMI 2020). */
	NRDICE("NRDice"),
	/** Spatial label smoothing regularisation on flagged pixels (CLSLSR, MICCAI 2020). */
	SLSR("SLSR"),
	/** Mean squared error against (soft) labels. */
	MSE("MSE"),
	/** Determinant-based mutual information (iGTT, binary). */
	DMI("DMI"),
	/** Soft IoU loss (iGTT, binary). */
	SOFT_IOU("SoftIoU");

	private final String userName;

	LossType(final String userName) {
		this.userName = userName;
	}

	/** The name users type ("CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE", "DMI", "SoftIoU"). */
	public String userName() {
		return userName;
	}

	/** True for the losses that need exactly two classes (DMI, soft IoU). */
	public boolean isBinaryOnly() {
		return this == DMI || this == SOFT_IOU;
	}

	/**
	 * True for the losses that are a weighted mean of a per-pixel loss (CE, GCE, MAE, SLSR, MSE); see
	 * {@link Losses#pixelLoss}.
	 */
	public boolean isPixelwise() {
		return this == CE || this == GCE || this == MAE || this == SLSR || this == MSE;
	}

	/** All user names, in declaration order (for {@code choices}). */
	public static String[] userNames() {
		final LossType[] v = values();
		final String[] names = new String[v.length];
		for (int i = 0; i < v.length; i++)
			names[i] = v[i].userName;
		return names;
	}

	/**
	 * Parses a user name, case-insensitive, ignoring spaces, '-' and '_' ("soft IoU", "soft_iou",
	 * "NRDice", "nr-dice", "ce", also the enum constant names).
	 *
	 * @throws NoisyLabelsException listing the valid names if {@code name} is none of them
	 */
	public static LossType parse(final String name) {
		if (name != null) {
			final String key = normalise(name);
			for (final LossType t : values()) {
				if (normalise(t.userName).equals(key) || normalise(t.name()).equals(key)) return t;
			}
		}
		throw new NoisyLabelsException("loss=" + name + " is not a known loss: use one of " + String.join(
			", ", userNames()));
	}

	private static String normalise(final String s) {
		return s.trim().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "").replace("-", "");
	}

	@Override
	public String toString() {
		return userName;
	}
}
