package org.noisylabels.method;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.train.StepGraph;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Fully supervised training with any loss of algorithms.md §2 (PyMIC's {@code supervise_type =
 * fully_sup}): one network, loss(prob, one-hot label, pixel weights). SLSR smooths the labels of the
 * pixels given by the per-pixel input "flagged" (all pixels when the samples carry none).
 */
@Plugin(type = NoisyLabelMethod.class, name = "supervised")
public class Supervised extends AbstractNoisyLabelMethod {

	/** The per-pixel input SLSR reads (1 = flagged as probably wrong). */
	public static final String FLAGGED = "flagged";

	private LossType lossType = LossType.CE;
	private LossParams lossParams = new LossParams();
	private boolean useFlags;

	public Supervised() {}

	public Supervised(final LossType lossType, final LossParams params) {
		this.lossType = lossType;
		this.lossParams = params == null ? new LossParams() : params;
	}

	/** With SLSR: read the "flagged" per-pixel input (CLSLSR's stage 3) instead of smoothing everywhere. */
	public Supervised withFlags(final boolean flags) {
		this.useFlags = flags;
		return this;
	}

	public LossType lossType() {
		return lossType;
	}

	@Override
	public String methodName() {
		return "supervised";
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> m = super.parameters();
		m.put("loss_type", lossType.userName());
		if (lossType == LossType.GCE) m.put("q", lossParams.q);
		if (lossType == LossType.NRDICE) m.put("gamma", lossParams.gamma);
		if (lossType == LossType.SLSR) {
			m.put("epsilon", lossParams.epsilon);
			m.put("flagged_only", useFlags);
		}
		return m;
	}

	@Override
	public List<String> pixelInputs() {
		final List<String> l = new ArrayList<>();
		if (useFlags && lossType == LossType.SLSR) l.add(FLAGGED);
		return l;
	}

	@Override
	public void validate() {
		lossParams.validate();
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		if (lossType.isBinaryOnly() && g.lossClasses() != 2) throw new NoisyLabelsException("loss_type=" + lossType
			.userName() + " works for binary labels only, but the labels have " + g.lossClasses() + " classes");
		final Operand<TFloat32> flagged = useFlags && lossType == LossType.SLSR ? g.pixelInput(0, FLAGGED) : null;
		return Losses.loss(g.tf(), lossType, lossParams, g.forward(0, 0).probabilities(0), g.target(0), g.weight(0),
			flagged);
	}
}
