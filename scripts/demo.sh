#!/usr/bin/env bash
# The suite's main job on the bundled images (README: "Run the demo").
# On the DSB2018 nuclei: simulate every kind of label noise from the expert mask, score each noisy
# label against the clean one, run the classical threshold baselines on the image, and print one table.
# Everything runs through the command line (scripts/noisy-labels), exactly as a user would.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nl="$here/scripts/noisy-labels"
img="$here/test-images/img2d.tif"
gt="$here/test-images/gt2d.tif"
out="${DEMO_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/noisy-labels-demo.XXXXXX")}"
mkdir -p "$out"
seed="${DEMO_SEED:-42}"

"$nl" --list >/dev/null   # builds the jar on first use

score() {  # score NAME PREDICTION: appends the "mean" row of the metrics to the table
  local name="$1" pred="$2"
  "$nl" --quiet "Segmentation Metrics" prediction="$pred" ground_truth="$gt" metrics="$out/$name-metrics.csv"
  awk -F, -v n="$name" 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $1=="mean"{printf "%-28s %7.4f %7.4f %7.4f %8.3f %8.3f\n", n, $c["dice"], $c["iou"], $c["accuracy"], $c["assd"], $c["hd95"]}' \
    "$out/$name-metrics.csv" >> "$out/table.txt"
}

: > "$out/table.txt"
echo "noise simulation on $(basename "$img") (seed $seed); files in $out" >&2
"$nl" --quiet "Random Sampling (RCL)" label="$gt" p_sample=0.1 seed="$seed" noisy_label="$out/rcl-sampling.tif" ignore_mask="$out/rcl-sampling-ignore.tif"
score "RCL random sampling 0.1" "$out/rcl-sampling.tif"
"$nl" --quiet "Random Flipping (RCL)" label="$gt" p_flip=0.45 seed="$seed" noisy_label="$out/rcl-flipping.tif"
score "RCL random flipping 0.45" "$out/rcl-flipping.tif"
"$nl" --quiet "Dilation (PCL)" label="$gt" iterations=2 noisy_label="$out/pcl-dilation.tif"
score "PCL dilation x2" "$out/pcl-dilation.tif"
"$nl" --quiet "Erosion (PCL)" label="$gt" iterations=2 noisy_label="$out/pcl-erosion.tif"
score "PCL erosion x2" "$out/pcl-erosion.tif"
"$nl" --quiet "Skeleton (PCL)" label="$gt" noisy_label="$out/pcl-skeleton.tif"
score "PCL skeleton" "$out/pcl-skeleton.tif"
"$nl" --quiet "Random Labels (RL)" label="$gt" p_generate=0.1 seed="$seed" noisy_label="$out/rl.tif"
score "RL random labels 0.1" "$out/rl.tif"
"$nl" --quiet "Contour Perturbation" label="$gt" noise_rate=1 r_min=2 r_max=4 seed="$seed" noisy_label="$out/contour.tif" perturbation="$out/contour-perturbation.csv"
score "contour perturbation r2-4" "$out/contour.tif"

echo "threshold baselines on $(basename "$img")" >&2
for m in "Otsu" "Adaptive Gaussian" "Li" "Triangle" "Huang"; do
  f="$out/baseline-$(echo "$m" | tr ' A-Z' '-a-z').tif"
  "$nl" --quiet "Threshold Baseline" image="$img" method="$m" sigma=1 mask="$f"
  score "baseline $m" "$f"
done

echo
echo "DSB2018 nuclei (img2d.tif): each label or segmentation scored against the expert mask (mean over slices)"
printf "%-28s %7s %7s %7s %8s %8s\n" "labels / method" "dice" "iou" "acc" "assd" "hd95"
cat "$out/table.txt"
