#!/usr/bin/env bash
# The suite's main job on the bundled images (README: "the two commands").
# Part 1, on the DSB2018 nuclei: simulate every kind of label noise from the expert mask, score each
# noisy label against the clean one, run the classical threshold baselines; print one table.
# Part 2: train U-Nets on the left 3/4 of the image with clean labels and with noisy labels (CE, GCE,
# MAE, NRDice), apply them to the held-out right 1/4 and score them there; print a second table.
# Environment: DEMO_SEED (42), DEMO_NOISY_ITERATIONS (300), DEMO_CLEAN_ITERATIONS (the trainer default), DEMO_SKIP_TRAINING=1 (part 1 only),
# DEMO_OUT (output folder; default a new temporary folder), DEMO_SKIP_IGTT=1 (no part 3).
# Part 3: iGTT (unsupervised) on synthetic filaments and the held-out nuclei, next to Otsu.
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
  "$nl" --quiet --overwrite "Segmentation Metrics" prediction="$pred" ground_truth="$gt" metrics="$out/$name-metrics.csv"
  awk -F, -v n="$name" 'NR==1{for(i=1;i<=NF;i++)c[$i]=i} $1=="mean"{printf "%-28s %7.4f %7.4f %7.4f %8.3f %8.3f\n", n, $c["dice"], $c["iou"], $c["accuracy"], $c["assd"], $c["hd95"]}' \
    "$out/$name-metrics.csv" >> "$out/table.txt"
}

show_table() {  # show_table FIRST_HEADER: prints the rows collected by score under a header line
  printf "%-28s %7s %7s %7s %8s %8s\n" "$1" "dice" "iou" "acc" "assd" "hd95"
  cat "$out/table.txt"
}

: > "$out/table.txt"
echo "noise simulation on $(basename "$img") (seed $seed); files in $out" >&2
"$nl" --quiet --overwrite "Random Sampling (RCL)" label="$gt" p_sample=0.1 seed="$seed" noisy_label="$out/rcl-sampling.tif" ignore_mask="$out/rcl-sampling-ignore.tif"
score "RCL random sampling 0.1" "$out/rcl-sampling.tif"
"$nl" --quiet --overwrite "Random Flipping (RCL)" label="$gt" p_flip=0.45 seed="$seed" noisy_label="$out/rcl-flipping.tif"
score "RCL random flipping 0.45" "$out/rcl-flipping.tif"
"$nl" --quiet --overwrite "Dilation (PCL)" label="$gt" iterations=2 noisy_label="$out/pcl-dilation.tif"
score "PCL dilation x2" "$out/pcl-dilation.tif"
"$nl" --quiet --overwrite "Erosion (PCL)" label="$gt" iterations=2 noisy_label="$out/pcl-erosion.tif"
score "PCL erosion x2" "$out/pcl-erosion.tif"
"$nl" --quiet --overwrite "Skeleton (PCL)" label="$gt" noisy_label="$out/pcl-skeleton.tif"
score "PCL skeleton" "$out/pcl-skeleton.tif"
"$nl" --quiet --overwrite "Random Labels (RL)" label="$gt" p_generate=0.1 seed="$seed" noisy_label="$out/rl.tif"
score "RL random labels 0.1" "$out/rl.tif"
"$nl" --quiet --overwrite "Contour Perturbation" label="$gt" noise_rate=1 r_min=2 r_max=4 seed="$seed" noisy_label="$out/contour.tif" perturbation="$out/contour-perturbation.csv"
score "contour perturbation r2-4" "$out/contour.tif"

echo "threshold baselines on $(basename "$img")" >&2
for m in "Otsu" "Adaptive Gaussian" "Li" "Triangle" "Huang"; do
  f="$out/baseline-$(echo "$m" | tr ' A-Z' '-a-z').tif"
  "$nl" --quiet --overwrite "Threshold Baseline" image="$img" method="$m" sigma=1 mask="$f"
  score "baseline $m" "$f"
done

echo
echo "Part 1. DSB2018 nuclei (img2d.tif): each noisy label, and each classical baseline, scored against the"
echo "expert mask. (Random sampling leaves 90 % of the pixels *ignored*: as a mask it scores low, but"
echo "training never sees the ignored pixels.)"
show_table "labels / method"

[ "${DEMO_SKIP_TRAINING:-0}" = 1 ] && exit 0

# Part 2: learning from clean and noisy labels, scored on held-out data. The trainer's own validation
# tiles come from nuclei-train (with the labels it is given: noisy labels are all a user would have);
# scores are computed on nuclei-test, which no model ever sees, against the expert mask.
train="$here/test-images/nuclei-train.tif"; train_gt="$here/test-images/nuclei-train-gt.tif"
test="$here/test-images/nuclei-test.tif"; gt="$here/test-images/nuclei-test-gt.tif"
: > "$out/table.txt"
for m in "Otsu" "Adaptive Gaussian"; do
  f="$out/test-baseline-$(echo "$m" | tr ' A-Z' '-a-z').tif"
  "$nl" --quiet --overwrite "Threshold Baseline" image="$test" method="$m" sigma=1 mask="$f"
  score "baseline $m" "$f"
done
fit() {  # fit NAME LABEL LOSS [key=value ...]: train, apply to the test image, score
  local name="$1" label="$2" loss="$3"; shift 3
  local t0=$SECONDS
  "$nl" --quiet --overwrite "Supervised (Robust Loss)" image="$train" label="$label" loss_type="$loss" seed="$seed" \
    model="$out/model-$name" curve="$out/curve-$name.csv" validation="$out/validation-$name.csv" "$@"
  "$nl" --quiet --overwrite "Apply Model" model="$out/model-$name" image="$test" probability="$out/prob-$name.tif" mask="$out/pred-$name.tif"
  score "$name" "$out/pred-$name.tif"
  echo "  $name: trained and applied in $((SECONDS - t0)) s" >&2
}
echo "supervised training, CE on the clean labels, default settings (a few minutes on 2 cores)..." >&2
fit "CE, clean labels" "$train_gt" CE ${DEMO_CLEAN_ITERATIONS:+iterations=$DEMO_CLEAN_ITERATIONS}
echo "noise-robust losses on noisy labels (${DEMO_NOISY_ITERATIONS:=300} iterations each)..." >&2
"$nl" --quiet --overwrite "Random Flipping (RCL)" label="$train_gt" p_flip=0.45 seed="$seed" noisy_label="$out/train-flipped.tif"
"$nl" --quiet --overwrite "Dilation (PCL)" label="$train_gt" iterations=2 noisy_label="$out/train-dilated.tif"
for noise in flipped dilated; do
  for loss in CE GCE MAE NRDice; do
    fit "$loss, $noise labels" "$out/train-$noise.tif" "$loss" iterations="$DEMO_NOISY_ITERATIONS"
  done
done
echo
echo "Part 2. Held-out nuclei (nuclei-test.tif, never trained on) scored against the expert mask."
echo "Models trained on nuclei-train.tif with clean labels, or with labels flipped at p = 0.45 (RCL)"
echo "or dilated twice (PCL), with each loss (seed $seed; noisy runs $DEMO_NOISY_ITERATIONS iterations)."
show_table "method"

# Part 3: iGTT, unsupervised: no label at all; scored against the ground truth next to Otsu.
[ "${DEMO_SKIP_IGTT:-0}" = 1 ] && exit 0
: > "$out/table.txt"
for d in "synth-filaments" "nuclei-test"; do
  im="$here/test-images/$d.tif"; gt="$here/test-images/$d-gt.tif"
  "$nl" --quiet --overwrite "Threshold Baseline" image="$im" method=Otsu sigma=1 mask="$out/igtt-otsu-$d.tif"
  score "$d: Otsu" "$out/igtt-otsu-$d.tif"
  echo "iGTT on $d (default parameters)..." >&2
  t0=$SECONDS
  "$nl" --quiet --overwrite "iGTT Unsupervised Segmentation" image="$im" seed="$seed" mask="$out/igtt-$d.tif" probability="$out/igtt-prob-$d.tif" pseudo_labels="$out/igtt-pseudo-$d.tif"
  score "$d: iGTT" "$out/igtt-$d.tif"
  echo "  iGTT on $d: $((SECONDS - t0)) s" >&2
done
echo
echo "Part 3. iGTT, unsupervised (no label), against Otsu: synthetic ER-like filaments (8 images 256x256)"
echo "and the held-out nuclei strip, scored against their ground truth (mean over slices)."
show_table "data: method"
