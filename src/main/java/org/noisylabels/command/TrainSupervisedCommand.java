package org.noisylabels.command;

import org.noisylabels.Check;
import org.noisylabels.loss.LossParams;
import org.noisylabels.loss.LossType;
import org.noisylabels.method.Supervised;
import org.noisylabels.train.TrainingConfig;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Trains a U-Net fully supervised with a (robust) loss (PyMIC's fully_sup) and writes a model folder.
 * The data, network and validation keys are {@link TrainCommand}'s.
 */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Train>Supervised (Robust Loss)")
public class TrainSupervisedCommand extends TrainOptimizerCommand {

	@Parameter(label = "Loss", choices = { "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE" },
		description = "CE, Dice, GCE (robust, q), MAE (robust), NRDice (robust, gamma), SLSR (label smoothing of every pixel, epsilon), MSE", persist = false)
	private String loss_type = "CE";

	@Parameter(label = "GCE q", min = "0.01", max = "1", description = "Exponent q of the GCE loss (PyMIC 0.5, paper 0.7)", persist = false)
	private double q = 0.5;

	@Parameter(label = "NRDice gamma", min = "1", max = "2", description = "Exponent gamma of the NRDice loss", persist = false)
	private double gamma = 1.5;

	@Parameter(label = "SLSR epsilon", min = "0", max = "0.49", description = "Label smoothing epsilon of SLSR", persist = false)
	private double epsilon = 0.25;

	@Override
	protected void execute() {
		final TrainingConfig cfg = optimizerConfig();
		final String lt = Check.choice(loss_type, "loss_type", "CE", "Dice", "GCE", "MAE", "NRDice", "SLSR", "MSE");
		final LossParams lp = new LossParams(q, gamma, epsilon).validate();
		train(cfg, new Supervised(LossType.parse(lt), lp));
	}
}
