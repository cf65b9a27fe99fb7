package org.noisylabels.command;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.synth.SyntheticMicroscopy;
import org.noisylabels.synth.SyntheticVolume;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/** Synthetic fluorescence images (filaments, blobs or tubes) with their exact ground truth. */
@Plugin(type = Command.class, headless = true, menuPath = "Plugins>Noisy Labels>Synthetic Microscopy",
	description = "Synthetic fluorescence microscopy with exact ground truth: objects, PSF blur, haze, uneven background, Poisson and camera noise")
public class SyntheticMicroscopyCommand extends NoisyLabelsCommand {

	@Parameter(label = "Kind", choices = { "filaments", "blobs", "tubes", "er" },
		description = "filaments = ER-like network of tubules 2-4 px wide; blobs = nuclei-like ellipses (radius 8-20 px); tubes = mitochondria-like curved tubes 4-7 px wide, 15-40 px long; er = dense ER-like reticulum (Voronoi tubules with three-way junctions, sheets, a nucleus hole; count = cells, 100 on 256x256 gives about 21 % foreground); with dimensions=3: blobs (ellipsoids) or tubes (3D curves)", persist = false)
	private String kind = "filaments";

	@Parameter(label = "Size (pixels)", min = "32", max = "8192", description = "Width and height of each image", persist = false)
	private int size = 256;

	@Parameter(label = "Objects", min = "1", max = "100000",
		description = "Number of objects (filaments: network segments); blobs and tubes that do not fit are left out", persist = false)
	private int count = 30;

	@Parameter(label = "Slices", min = "1", max = "100000", description = "Number of independent images in the stack (dimensions=3: the depth of the volume)", persist = false)
	private int slices = 1;

	@Parameter(label = "PSF sigma (pixels)", min = "0", max = "50", stepSize = "0.1",
		description = "Gaussian point spread function, sigma in pixels", persist = false)
	private double blur = 1.5;

	@Parameter(label = "Peak photons", min = "1", max = "1000000",
		description = "Expected photon count of the brightest pixel (lower = noisier)", persist = false)
	private double photons = 100;

	@Parameter(label = "Dimensions", min = "2", max = "3",
		description = "2 = independent 2D images; 3 = one volume of size x size x slices with 3D objects (kinds blobs and tubes), an anisotropic PSF and a calibration", persist = false)
	private int dimensions = 2;

	@Parameter(label = "Z spacing (3D)", min = "0.1", max = "20", stepSize = "0.1",
		description = "dimensions=3 only: voxel depth / pixel width (pixel width 0.2 um, so 2.5 = 0.5 um slices); the PSF is 2.5 times longer in z than in x/y", persist = false)
	private double z_spacing = SyntheticVolume.DEFAULT_Z_SPACING;

	@Parameter(label = "Seed", description = "Random seed: the same seed gives the same images", persist = false)
	private long seed = 42;

	@Parameter(type = ItemIO.OUTPUT, label = "Image")
	private ImagePlus image;

	@Parameter(type = ItemIO.OUTPUT, label = "Ground truth")
	private ImagePlus ground_truth;

	@Override
	protected void execute() {
		Check.range(dimensions, 2, 3, "dimensions");
		if (dimensions == 2 && z_spacing != SyntheticVolume.DEFAULT_Z_SPACING) throw new NoisyLabelsException("z_spacing is for dimensions=3 (in 2D the slices are independent images): give dimensions=3 or leave z_spacing out");
		final SyntheticMicroscopy.Result r = dimensions == 3 ? SyntheticVolume.generate(kind, size, count, slices, blur,
			photons, z_spacing, seed, progress()) : SyntheticMicroscopy.generate(kind, size, count, slices, blur, photons,
			seed, progress());
		image = r.image;
		ground_truth = r.groundTruth;
	}
}
