package org.noisylabels.command;

import java.util.Collections;

import org.noisylabels.Check;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;
import org.noisylabels.train.Normalization;
import org.noisylabels.train.Optimizer;
import org.noisylabels.train.Schedule;
import org.noisylabels.train.Trainer;
import org.noisylabels.train.TrainingConfig;
import org.noisylabels.train.TrainingData;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Trains a U-Net fully supervised with a (robust) loss (PyMIC's fully_sup) and writes a model folder.
 * The data, network and validation keys are {@link TrainCommand}'s.
 */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Train>Supervised (Robust Loss)")
public class TrainSupervisedCommand extends TrainCommand {

	@Parameter(label = "Loss", choices = { "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE" },
		description = "CE, Dice, GCE (robust, q), MAE (robust), NRDice (robust, gamma), SLSR (label smoothing of every pixel, epsilon), MSE")
	private String loss_type = "CE";

	@Parameter(label = "GCE q", min = "0.01", max = "1", description = "Exponent q of the GCE loss (PyMIC 0.5, paper 0.7)")
	private double q = 0.5;

	@Parameter(label = "NRDice gamma", min = "1", max = "2", description = "Exponent gamma of the NRDice loss")
	private double gamma = 1.5;

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", description = "Label smoothing epsilon of SLSR")
	private double epsilon = 0.25;

	@Parameter(label = "Iterations", min = "1", max = "10000000", description = "Training steps (batches)")
	private int iterations = 1000;

	@Parameter(label = "Epochs", min = "0", max = "100000",
		description = "Train for this many epochs instead (an epoch = as many patches as cover the image once); 0 = use iterations")
	private int epochs = 0;

	@Parameter(label = "Learning rate", min = "0.0000001", max = "10", stepSize = "0.0001", description = "Initial learning rate")
	private double learning_rate = 0.001;

	@Parameter(label = "Optimizer", choices = { "Adam", "SGD" }, description = "Adam or SGD with momentum")
	private String optimizer = "Adam";

	@Parameter(label = "Momentum", min = "0", max = "0.9999", description = "SGD momentum")
	private double momentum = 0.9;

	@Parameter(label = "Weight decay", min = "0", max = "1", stepSize = "0.00001", description = "L2 weight decay")
	private double weight_decay = 1e-5;

	@Parameter(label = "LR schedule", choices = { "constant", "step", "multistep", "plateau" },
		description = "constant; step: x lr_gamma every lr_step iterations; multistep: x lr_gamma at lr_milestones; plateau: x lr_gamma when the validation Dice stalls")
	private String schedule = "constant";

	@Parameter(label = "LR gamma", min = "0.000001", max = "1", description = "Learning-rate factor of the step/multistep/plateau schedules")
	private double lr_gamma = 0.5;

	@Parameter(label = "LR step", min = "1", max = "10000000", description = "Iterations between learning-rate drops (step schedule)")
	private int lr_step = 1000;

	@Parameter(label = "LR milestones", required = false, description = "Iterations of the drops (multistep schedule), e.g. 500,800")
	private String lr_milestones = "";

	@Override
	protected void execute() {
		final TrainingConfig cfg = config();
		final String lt = Check.choice(loss_type, "loss_type", "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE");
		final String opt = Check.choice(optimizer, "optimizer", "Adam", "SGD");
		final String sch = Check.choice(schedule, "schedule", "constant", "step", "multistep", "plateau");
		final LossParams lp = new LossParams(q, gamma, epsilon).validate();
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

		final Normalization n = normalizationObject();
		final TrainingData data = trainingData(n);
		final TrainingData val = validationData(n, data);
		final Supervised method = new Supervised(LossType.parse(lt), lp);
		try (Trainer.Outcome out = new Trainer(cfg, method).train(Collections.singletonList(data), val, progress(),
			trainingLog()))
		{
			curve = out.curve;
			validation = out.validation;
		}
		showResults();
	}
}
