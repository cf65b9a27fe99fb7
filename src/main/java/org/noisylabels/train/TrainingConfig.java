package org.noisylabels.train;

import java.nio.file.Path;

import org.noisylabels.Check;

/** Settings of one training run (the trainer's part; a method has its own parameters). */
public final class TrainingConfig {

	public UNet.Config network = new UNet.Config();
	/** Use one sigmoid output instead of 2 softmax outputs for binary data. */
	public boolean sigmoid = false;
	public Optimizer.Config optimizer = new Optimizer.Config();
	public double learningRate = 1e-3;
	public Schedule.Type schedule = Schedule.Type.CONSTANT;
	public double lrGamma = 0.5;
	public int lrStep = 1000;
	public int[] lrMilestones = new int[0];
	public int lrPatience = 5;
	/** Training iterations (steps); when {@link #epochs} > 0 it wins. */
	public int iterations = 1000;
	public int epochs = 0;
	/** Steps per epoch (the method's afterEpoch runs after each); 0 = as many as cover the training images once. */
	public int stepsPerEpoch = 0;
	public int batchSize = 4;
	public int patchSize = 128;
	public boolean flip = true;
	public boolean rotate = true;
	/** Fraction held out for validation when no validation data is given (0 = none). */
	public double validationFraction = 0.2;
	/** Validate every this many iterations (0 = auto: iterations / 20). */
	public int validationInterval = 0;
	/** Stop after this many validations without improvement (0 = never). */
	public int earlyStopping = 0;
	/** Tile size of validation and prediction. */
	public int tileSize = 512;
	public long seed = 42;
	/** Where the model folder (or .zip) is written; null = nowhere. */
	public Path model;
	/**
	 * TensorFlow threads per operation and between operations (0 = TensorFlow's default: all cores). One
	 * thread makes a run repeatable (tests); not a user key.
	 */
	public int threads = 0;
	/** Which weights the model keeps (key keep_model). */
	public KeepModel keepModel = KeepModel.AUTO;
	/** A model folder (or .zip) of an earlier run of the same settings to continue from; null = start afresh. */
	public Path resume;
	/** 2 = 2D networks on slices (default), 3 = 3D networks on volumes (key dimensions). */
	public int dimensions = 2;
	/**
	 * 3D: voxel depth / pixel width of the training stack (from its calibration; 0 = unknown = isotropic), for
	 * the z pooling rule {@link UNet.Config#anisotropicZPooling}.
	 */
	public double zAnisotropy = 0;

	/**
	 * Which weights the written model keeps: those of the validation with the best Dice, or those of the last
	 * step. AUTO: best when validation labels were given (validation_label: typically clean labels), last when
	 * the validation labels are a held-out part of the (possibly noisy) training labels or there is no
	 * validation, because a best Dice against noisy labels rewards agreeing with the noise.
	 */
	public enum KeepModel {
		AUTO, BEST, LAST;

		public static KeepModel parse(final String s) {
			if (s != null) for (final KeepModel k : values())
				if (k.name().equalsIgnoreCase(s.trim())) return k;
			throw new org.noisylabels.NoisyLabelsException("keep_model=" + s + " is not known: use auto, best or last");
		}

		/** Resolves AUTO: best with explicitly given validation data, else last. */
		public boolean keepsBest(final boolean validationGiven) {
			return this == BEST || this == AUTO && validationGiven;
		}
	}

	public void validate() {
		network.validate();
		optimizer.validate();
		Check.range(learningRate, 1e-9, 10, "learning_rate");
		Check.range(iterations, 1, 10_000_000, "iterations");
		Check.range(epochs, 0, 100_000, "epochs");
		Check.range(stepsPerEpoch, 0, 1_000_000, "steps_per_epoch");
		Check.range(batchSize, 1, 1024, "batch_size");
		Check.range(patchSize, 8, 4096, "patch_size");
		Check.range(validationFraction, 0, 0.9, "validation_fraction");
		Check.range(validationInterval, 0, 10_000_000, "validation_interval");
		Check.range(earlyStopping, 0, 1_000_000, "early_stopping");
		Check.range(tileSize, 16, 8192, "tile_size");
		Check.range(dimensions, 2, 3, "dimensions");
	}

	public Schedule schedule() {
		return new Schedule(schedule, learningRate, lrGamma, lrStep, lrMilestones, lrPatience, learningRate * 1e-3);
	}
}
