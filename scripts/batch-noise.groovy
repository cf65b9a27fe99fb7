#@ File (label = "Folder of label images (.tif/.png)", style = "directory") folder
#@ File (label = "Output folder", style = "directory") output
#@ String (label = "Noise", choices = {"Random Flipping (RCL)", "Random Sampling (RCL)", "Dilation (PCL)", "Erosion (PCL)", "Skeleton (PCL)", "Random Labels (RL)", "Contour Perturbation"}) noise
#@ String (label = "Other keys (macro syntax)", value = "seed=42") keys
#@ LogService log

// Applies one Noisy Labels noise generator to every label image of a folder; writes its outputs into
// OUTPUT/<image name>/ (noisy_label.tif, and ignore_mask.tif / perturbation.csv where the generator has them).
// Headless:
//   ./ImageJ-linux64 --headless --console --run scripts/batch-noise.groovy \
//     'folder="/data/labels",output="/data/noisy",noise="Random Flipping (RCL)",keys="p_flip=0.45 seed=1"'
// Exits with status 1 when any image failed.

import org.noisylabels.cli.Macro

def failed = 0
def files = folder.listFiles().findAll { it.isFile() && it.name.toLowerCase() ==~ /.*\.(tif|tiff|png)$/ }.sort { it.name }
if (files.isEmpty()) { log.error("no .tif/.png file in " + folder); failed++ }
for (f in files) {
	def name = f.name.replaceAll(/\.[^.]+$/, "")
	def dir = new File(output, name)
	// the macro bridge: file paths in, outputs written by the command itself into output_folder
	def r = Macro.run(noise, "label=[" + f.absolutePath + "] output_folder=[" + dir.absolutePath + "] " + keys)
	if (r.startsWith("error") || r.startsWith("canceled")) { log.error(f.name + ": " + r); failed++ }
	else log.info(f.name + " -> " + dir)
}
if (failed > 0 && java.awt.GraphicsEnvironment.isHeadless()) System.exit(1)
