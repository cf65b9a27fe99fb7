package org.noisylabels.loss;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;

/**
 * Hyper-parameters of the losses, with PyMIC's defaults. Plain public fields; call
 * {@link #validate()} after setting them ({@link Losses} and {@link JavaLosses} validate too).
 */
public final class LossParams {

	/** GCE exponent q in (0, 1]; PyMIC's default 0.5 (the GCE paper uses 0.7). Key {@code gce_q}. */
	public double q = 0.5;

	/** NRDice exponent γ in [1, 2]; default 1.5. Key {@code nrdice_gamma}. */
	public double gamma = 1.5;

	/** SLSR smoothing ε in [0, 0.5); default 0.25. Key {@code slsr_epsilon}. */
	public double epsilon = 0.25;

	/** The defaults (q = 0.5, γ = 1.5, ε = 0.25). */
	public LossParams() {}

	public LossParams(final double q, final double gamma, final double epsilon) {
		this.q = q;
		this.gamma = gamma;
		this.epsilon = epsilon;
	}

	public LossParams copy() {
		return new LossParams(q, gamma, epsilon);
	}

	/**
	 * Checks q in (0, 1], γ in [1, 2], ε in [0, 0.5).
	 *
	 * @return this
	 * @throws NoisyLabelsException naming the first bad value
	 */
	public LossParams validate() {
		if (Double.isNaN(q) || q <= 0 || q > 1) {
			throw new NoisyLabelsException("gce_q=" + Check.fmt(q) +
				" is out of range: it must be greater than 0 and at most 1 (0.5 in PyMIC, 0.7 in the GCE paper)");
		}
		Check.range(gamma, 1, 2, "nrdice_gamma");
		if (Double.isNaN(epsilon) || epsilon < 0 || epsilon >= 0.5) {
			throw new NoisyLabelsException("slsr_epsilon=" + Check.fmt(epsilon) +
				" is out of range: it must be at least 0 and less than 0.5 (default 0.25)");
		}
		return this;
	}

	@Override
	public String toString() {
		return "q=" + q + ", gamma=" + gamma + ", epsilon=" + epsilon;
	}
}
