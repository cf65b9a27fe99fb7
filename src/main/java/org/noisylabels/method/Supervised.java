package org.noisylabels.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.train.StepGraph;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Fully supervised training with any loss of algorithms.md §2 (PyMIC's {@code supervise_type =
 * fully_sup}): one network, loss(prob, one-hot label, pixel weights). SLSR smooths the labels of the
 * pixels given by the per-pixel input "flagged" (all pixels when the samples carry none).
 */
@Plugin(type = NoisyLabelMethod.class, name = "supervised", label = "Supervised (Robust Loss)")
public class Supervised extends AbstractNoisyLabelMethod {

	/** The per-pixel input SLSR reads (1 = flagged as probably wrong). */
	public static final String FLAGGED = "flagged";

	@Parameter(label = "Loss", choices = { "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE" },
		description = "CE, Dice, GCE (robust), MAE (robust), NRDice (noise-robust Dice), SLSR (label smoothing), MSE")
	public String loss_type = "CE";

	@Parameter(label = "GCE q", min = "0.01", max = "1", description = "Exponent q of the GCE loss (PyMIC 0.5, paper 0.7)")
	public double q = 0.5;

	@Parameter(label = "NRDice gamma", min = "1", max = "2", description = "Exponent gamma of the NRDice loss")
	public double gamma = 1.5;

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", description = "Label smoothing epsilon of SLSR")
	public double epsilon = 0.25;

	private boolean useFlags;

	public Supervised() {}

	public Supervised(final LossType lossType, final LossParams params) {
		final LossParams p = params == null ? new LossParams() : params;
		this.loss_type = lossType.userName();
		this.q = p.q;
		this.gamma = p.gamma;
		this.epsilon = p.epsilon;
	}

	private LossParams lossParams() {
		return new LossParams(q, gamma, epsilon);
	}

	/** With SLSR: read the "flagged" per-pixel input (CLSLSR's stage 3) instead of smoothing everywhere. */
	public Supervised withFlags(final boolean flags) {
		this.useFlags = flags;
		return this;
	}

	public LossType lossType() {
		return LossType.parse(loss_type);
	}

	@Override
	public String methodName() {
		return "supervised";
	}

	@Override
	public Map<String, Object> parameters() {
		// the loss and the keys it reads
		final LossType lossType = lossType();
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("loss_type", lossType.userName());
		if (lossType == LossType.GCE) m.put("q", q);
		if (lossType == LossType.NRDICE) m.put("gamma", gamma);
		if (lossType == LossType.SLSR) {
			m.put("epsilon", epsilon);
			m.put("flagged_only", useFlags);
		}
		return m;
	}

	@Override
	public List<String> pixelInputs() {
		final List<String> l = new ArrayList<>();
		if (useFlags && lossType() == LossType.SLSR) l.add(FLAGGED);
		return l;
	}

	@Override
	public void validate() {
		super.validate();
		lossType();
		lossParams().validate();
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		final LossType lossType = lossType();
		if (lossType.isBinaryOnly() && g.lossClasses() != 2) throw new NoisyLabelsException("loss_type=" + lossType
			.userName() + " works for binary labels only, but the labels have " + g.lossClasses() + " classes");
		final Operand<TFloat32> flagged = useFlags && lossType == LossType.SLSR ? g.pixelInput(0, FLAGGED) : null;
		return Losses.loss(g.tf(), lossType, lossParams(), g.forward(0, 0).probabilities(0), g.target(0), g.weight(0),
			flagged);
	}
}
