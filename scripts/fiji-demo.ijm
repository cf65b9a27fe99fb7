// Noisy Labels in Fiji: simulate label noise, train a U-Net on the noisy labels, apply it, score it.
// Menu use: open this file in Fiji's script editor and Run (set `dir` to the repository's test-images folder).
// Headless:  ./ImageJ-linux64 --headless --console -macro scripts/fiji-demo.ijm "/path/to/test-images"
// Every run(...) gives all keys it needs; left-out keys take their defaults (never a dialog, never a
// remembered value). Images are referred to by their window titles.
dir = getArgument();
if (dir == "") dir = getDirectory("Choose the test-images folder");
if (!endsWith(dir, "/")) dir = dir + "/";
out = getDirectory("temp") + "noisy-labels-demo/";
File.makeDirectory(out);
setBatchMode(true);

open(dir + "img2d.tif");
open(dir + "gt2d.tif");

// 1. simulate noise: flip 30 % of each class's pixels (the output becomes the current image)
run("Random Flipping (RCL)", "label=gt2d.tif p_flip=0.3 seed=1");
noisy = getTitle();
saveAs("Tiff", out + "noisy.tif");
noisy = getTitle();

// 2. train on the noisy labels with a robust loss (a short run; raise iterations for real use)
model = out + "model-" + d2s(getTime(), 0);   // d2s: "" + getTime() would give 4 digits (1.7962E12)
run("Supervised (Robust Loss)", "image=img2d.tif label=" + noisy + " loss_type=GCE iterations=60 patch_size=64 base_channels=8 depth=2 model=[" + model + "]");

// 3. apply the model to the image; output_folder writes probability.tif and mask.tif
run("Apply Model", "model=[" + model + "] image=img2d.tif output_folder=[" + out + "]");
open(out + "mask.tif");
mask = getTitle();

// 4. score the mask against the clean ground truth; the metrics come back as a results table
run("Segmentation Metrics", "prediction=" + mask + " ground_truth=gt2d.tif output_folder=[" + out + "]");
print("Noisy Labels demo: outputs and metrics.csv in " + out);
