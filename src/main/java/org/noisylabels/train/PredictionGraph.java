package org.noisylabels.train;

import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** What a method sees while it builds its prediction: the networks in inference mode on the model input. */
public final class PredictionGraph {

	private final Ops tf;
	private final Operand<TFloat32> input;
	private final List<UNet.Network> networks;
	private final UNet.Network teacher;

	PredictionGraph(final Ops tf, final Operand<TFloat32> input, final List<UNet.Network> networks,
		final UNet.Network teacher)
	{
		this.tf = tf;
		this.input = input;
		this.networks = networks;
		this.teacher = teacher;
	}

	public Ops tf() {
		return tf;
	}

	/** The normalised input image [N,H,W,1]. */
	public Operand<TFloat32> input() {
		return input;
	}

	public int networkCount() {
		return networks.size();
	}

	/** Network {@code i} in inference mode on the input. */
	public UNet.Forward forward(final int i) {
		return networks.get(i).forward(input, false);
	}

	/** The EMA teacher in inference mode, or null when there is none. */
	public UNet.Forward teacherForward() {
		return teacher == null ? null : teacher.forward(input, false);
	}
}
