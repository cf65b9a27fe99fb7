package org.noisylabels.command;

import java.util.Collections;

import org.noisylabels.Check;
import org.noisylabels.method.NoisyLabelMethod;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Schedule;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.plugin.Parameter;

/**
 * The Train commands whose method runs one optimiser over the whole run (Supervised, Co-Teaching,
 * TriNet): iterations or epochs, the optimiser and the learning-rate schedule, declared once here with
 * the same keys in every such command. A subclass adds its method's keys and calls
 * {@link #train(TrainingConfig, NoisyLabelMethod)} with {@link #optimizerConfig()}.
 */
public abstract class TrainOptimizerCommand extends TrainCommand {

	@Parameter(label = "Iterations", min = "1", max = "10000000", description = "Training steps (batches)", persist = false)
	protected int iterations = 1000;

	@Parameter(label = "Epochs", min = "0", max = "100000",
		description = "Train for this many epochs instead (an epoch = as many patches as cover the image once); 0 = use iterations", persist = false)
	protected int epochs = 0;

	@Parameter(label = "Learning rate", min = "0.0000001", max = "10", stepSize = "0.0001", description = "Initial learning rate", persist = false)
	protected double learning_rate = 0.001;

	@Parameter(label = "Optimizer", choices = { "Adam", "SGD" }, description = "Adam or SGD with momentum", persist = false)
	protected String optimizer = "Adam";

	@Parameter(label = "Momentum", min = "0", max = "0.9999", description = "SGD momentum", persist = false)
	protected double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.00001", description = "L2 weight decay", persist = false)
	protected double weight_decay = 1e-5;

	@Parameter(label = "LR schedule", choices = { "constant", "step", "multistep", "plateau" },
		description = "constant; step: x lr_gamma every lr_step iterations; multistep: x lr_gamma at lr_milestones; plateau: x lr_gamma when the validation Dice stalls", persist = false)
	protected String schedule = "constant";

	@Parameter(label = "LR gamma", min = "0.000001", max = "1", description = "Learning-rate factor of the step/multistep/plateau schedules", persist = false)
	protected double lr_gamma = 0.5;

	@Parameter(label = "LR step", min = "1", max = "10000000", description = "Iterations between learning-rate drops (step schedule)", persist = false)
	protected int lr_step = 1000;

	@Parameter(label = "LR milestones", required = false, description = "Iterations of the drops (multistep schedule), e.g. 500,800", persist = false)
	protected String lr_milestones = "";

	/** {@link #config()} with the iterations, optimiser and schedule of this command, validated. */
	protected TrainingConfig optimizerConfig() {
		final TrainingConfig cfg = config();
		final String opt = Check.choice(optimizer, "optimizer", "Adam", "SGD");
		final String sch = Check.choice(schedule, "schedule", "constant", "step", "multistep", "plateau");
		cfg.optimizer.type = Optimizer.Type.parse(opt);
		cfg.optimizer.momentum = momentum;
		cfg.optimizer.weightDecay = weight_decay;
		cfg.learningRate = learning_rate;
		cfg.schedule = Schedule.Type.parse(sch);
		cfg.lrGamma = lr_gamma;
		cfg.lrStep = lr_step;
		cfg.lrMilestones = Schedule.parseMilestones(lr_milestones);
		cfg.iterations = iterations;
		cfg.epochs = epochs;
		cfg.validate();
		return cfg;
	}

	/** Trains {@code method} on this command's data and fills the curve and validation outputs. */
	protected void train(final TrainingConfig cfg, final NoisyLabelMethod method) {
		method.validate();
		final Normalization n = normalizationObject();
		final TrainingData data = trainingData(n);
		final TrainingData val = validationData(n, data);
		try (Trainer.Outcome out = Trainer.run(cfg, method, Collections.singletonList(data), val, progress(),
			trainingLog()))
		{
			curve = out.curve;
			validation = out.validation;
		}
		showResults();
	}
}
