package org.noisylabels.command;

import org.noisylabels.noise.ContourPerturbation;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;
import ij.measure.ResultsTable;

/** Contour perturbation (PINT / PyMIC JSRT): dilate, erode or distort a fraction of the slices. */
@Plugin(type = Command.class, headless = true,
	menuPath = "Plugins>Noisy Labels>Noise>Contour Perturbation",
	description = "Perturbs round(noise_rate*N) random slices: dilate or erode r times (cross element, p=.35 each) or distort the edge with discs of radius r; r uniform in [r_min, r_max]. dimensions=3: the stack is one volume, dilated or eroded once with an r x r x r cube (or ball) with probability noise_rate")
public class ContourPerturbationCommand extends NoiseCommand {

	@Parameter(label = "Label", required = false, description = "Clean binary mask; the slices of a stack are perturbed independently (dimensions=3: as one volume)", persist = false)
	private ImagePlus label;

	@Parameter(label = "Noise rate", description = "Fraction of the slices that is perturbed (dimensions=3: probability that the volume is perturbed; with per_object, the fraction of the objects)", min = "0",
		max = "1", stepSize = "0.05", persist = false)
	private double noise_rate = 0.5;

	@Parameter(label = "Smallest radius", description = "Smallest r (2D: iterations or disc radius; 3D: cube side or ball diameter, in voxels)", min = "1",
		max = "1000", persist = false)
	private int r_min = 5;

	@Parameter(label = "Largest radius", description = "Largest r (2D: iterations or disc radius; 3D: cube side or ball diameter, in voxels)", min = "1",
		max = "1000", persist = false)
	private int r_max = 18;

	@Parameter(label = "Dimensions", min = "2", max = "3",
		description = "2 = slice by slice (round(noise_rate*N) slices: dilate/erode with the cross or distort); 3 = the stack is one volume (PINT's 3D setting): with probability noise_rate dilated or eroded (0.5 each) once with an r x r x r cube, in voxels", persist = false)
	private int dimensions = 2;

	@Parameter(label = "Ball (3D)", description = "dimensions=3 only: a ball of diameter r (radius (r-1)/2 voxels) instead of the r x r x r cube", persist = false)
	private boolean ball = false;

	@Parameter(label = "Per object (3D)", description = "dimensions=3 only: the units are the objects (6-connected components): round(noise_rate*N) of the N objects are dilated or eroded, each with its own r; false = the whole volume is the unit", persist = false)
	private boolean per_object = false;

	@Parameter(label = "Seed", description = "Random seed: the same seed gives the same result", persist = false)
	private long seed = 42;

	@Parameter(type = ItemIO.OUTPUT, label = "Noisy label")
	private ImagePlus noisy_label;

	@Parameter(type = ItemIO.OUTPUT, label = "Perturbation")
	private ResultsTable perturbation;

	@Override
	protected void execute() {
		final ContourPerturbation.Result r = ContourPerturbation.apply(label, noise_rate, r_min, r_max, seed,
			dimensions, ball, per_object, progress());
		noisy_label = r.noisyLabel;
		perturbation = r.table;
		show(perturbation, "Perturbation");
	}
}
