#!/usr/bin/env bash
# Noisy-label methods side by side: CE, GCE, Co-Teaching, TriNet, DAST and CLSLSR trained on noisy labels,
# scored on held-out images with clean labels (Dice, ASSD), everything through the command line as a user would.
#   bench/nll_compare.sh                      # 2 data sets x 4 noises x 3 seeds x 4 methods (CE GCE CoTeaching TriNet)
#   METHODS="DAST CLSLSR" OUT=bench/results/nll_compare_dast_clslsr.txt bench/nll_compare.sh
#   SEEDS="1" DATASETS=nuclei NOISES=flip ITERATIONS=100 bench/nll_compare.sh    # a smoke run
#   METHODS=CLSLSR ITERATIONS=400 OUT=bench/results/nll_compare-clslsr.txt bench/nll_compare.sh   # CLSLSR
#   (CLSLSR trains twice: ITERATIONS for its CE baseline and again for its SLSR network)
# Data: the bundled DSB2018 nuclei (train/test tiles) and synthetic mitochondria-like tubes (8 training,
# 4 held-out images of 256x256 made by "Synthetic Microscopy"). Noises (on the training labels only):
# random flipping 0.45, dilation x2, erosion x2, contour perturbation (noise_rate 0.5, r 2-6 px).
# DAST also gets a small set with CLEAN labels: the 128x128 top-left crop of the first training slice with its
# expert (clean) labels, the same crop for every noise and seed (its noisy labels stay in the noisy set).
# DAST runs with the same network keys as the others (batch norm on); DASTnobn is DAST with batch_norm=false
# (bench/results/dast_check.txt: with batch norm and this tiny clean set DAST can collapse). Both: ramp as
# Co-Teaching/TriNet, dast_clean_batch_size=4. CLSLSR: slsr_epsilon 0.25, stage1_iterations = iterations
# (the default), so it trains twice as many steps as CE.
# Output: one line per run and a summary (mean +- sd over seeds) in bench/results/nll_compare.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
nl="$here/scripts/noisy-labels"
SEEDS="${SEEDS:-1 2 3}"
DATASETS="${DATASETS:-nuclei tubes}"
NOISES="${NOISES:-flip dilate erode contour}"
METHODS="${METHODS:-CE GCE CoTeaching TriNet}"
ITERATIONS="${ITERATIONS:-600}"
NET="${NET:-base_channels=8 depth=3 patch_size=64 batch_size=4}"
OUT="${OUT:-bench/results/nll_compare.txt}"
work="$(mktemp -d "${TMPDIR:-/tmp}/nll-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
ramp="rampup_start=$((ITERATIONS / 6)) rampup_end=$((ITERATIONS / 2))"
q() { "$nl" --quiet "$@"; }

data() { # $1 dataset -> sets train_img train_gt test_img test_gt
  case "$1" in
    nuclei) train_img=test-images/nuclei-train.tif; train_gt=test-images/nuclei-train-gt.tif
            test_img=test-images/nuclei-test.tif; test_gt=test-images/nuclei-test-gt.tif ;;
    tubes)  train_img="$work/tubes.tif"; train_gt="$work/tubes-gt.tif"
            test_img="$work/tubes-test.tif"; test_gt="$work/tubes-test-gt.tif"
            [ -f "$train_img" ] || q "Synthetic Microscopy" kind=tubes size=256 count=30 slices=8 seed=101 \
              image="$train_img" ground_truth="$train_gt"
            [ -f "$test_img" ] || q "Synthetic Microscopy" kind=tubes size=256 count=30 slices=4 seed=202 \
              image="$test_img" ground_truth="$test_gt" ;;
    *) echo "error: unknown data set $1 (nuclei or tubes)" >&2; exit 2 ;;
  esac
  # DAST's clean set: 128x128 top-left crop of the first training slice and of its clean labels
  clean_img="$work/clean-$1.tif"; clean_gt="$work/clean-$1-gt.tif"
  if [ ! -f "$clean_img" ]; then
    [ -f "$work/Crop.java" ] || cat > "$work/Crop.java" <<'JAVA'
public class Crop { public static void main(String[] a) {
  ij.ImagePlus img = ij.IJ.openImage(a[0]); img.setSlice(1); img.setRoi(0, 0, 128, 128);
  ij.IJ.saveAsTiff(img.crop(), a[1]); } }
JAVA
    java -cp target/noisy-labels-cli.jar "$work/Crop.java" "$train_img" "$clean_img"
    java -cp target/noisy-labels-cli.jar "$work/Crop.java" "$train_gt" "$clean_gt"
  fi
}

noisy() { # $1 noise $2 seed $3 clean $4 out
  case "$1" in
    flip) q "Random Flipping (RCL)" label="$3" p_flip=0.45 seed="$2" noisy_label="$4" ;;
    dilate) q "Dilation (PCL)" label="$3" iterations=2 noisy_label="$4" ;;
    erode) q "Erosion (PCL)" label="$3" iterations=2 noisy_label="$4" ;;
    contour) q "Contour Perturbation" label="$3" noise_rate=0.5 r_min=2 r_max=6 seed="$2" noisy_label="$4" perturbation="$work/p.csv"; rm -f "$work/p.csv" ;;
    *) echo "error: unknown noise $1" >&2; exit 2 ;;
  esac
}

train() { # $1 method $2 seed $3 img $4 label $5 model
  case "$1" in
    CE) q "Supervised (Robust Loss)" loss_type=CE $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" model="$5" >/dev/null ;;
    GCE) q "Supervised (Robust Loss)" loss_type=GCE q=0.5 $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" model="$5" >/dev/null ;;
    CoTeaching) q "Co-Teaching" co_teaching_select_ratio=0.8 $ramp $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" model="$5" >/dev/null ;;
    TriNet) q "TriNet" trinet_select_ratio=0.9 $ramp $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" model="$5" >/dev/null ;;
    DAST) q "DAST" dast_clean_batch_size=4 $ramp $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" \
            clean_image="$clean_img" clean_label="$clean_gt" model="$5" >/dev/null ;;
    DASTnobn) q "DAST" dast_clean_batch_size=4 $ramp $NET batch_norm=false iterations="$ITERATIONS" seed="$2" image="$3" label="$4" \
            clean_image="$clean_img" clean_label="$clean_gt" model="$5" >/dev/null ;;
    CLSLSR) q "CLSLSR" slsr_epsilon=0.25 $NET iterations="$ITERATIONS" seed="$2" image="$3" label="$4" model="$5" >/dev/null ;;
    *) echo "error: unknown method $1" >&2; exit 2 ;;
  esac
}

"$nl" --help DAST >/dev/null  # builds the jar if needed (the crop below runs on it)
tmpout="$(mktemp)"
{
  echo "# nll_compare  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "# machine: $(nproc) cores, $(java -version 2>&1 | head -1), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# iterations $ITERATIONS, network: $NET, Co-Teaching/TriNet/DAST: $ramp; seeds $SEEDS; methods $METHODS"
  case " $METHODS " in *" DAST"*) echo "# DAST clean set: the 128x128 top-left crop of slice 1 of the training image with its clean labels (same crop for every noise and seed); DAST = batch norm on (as the other rows), DASTnobn = batch_norm=false; dast_clean_batch_size=4" ;; esac
  echo "dataset,noise,seed,method,dice,assd,train_seconds,load"
  for ds in $DATASETS; do
    data "$ds"
    for noise in $NOISES; do
      for seed in $SEEDS; do
        lab="$work/noisy-$ds-$noise-$seed.tif"
        noisy "$noise" "$seed" "$train_gt" "$lab"
        for m in $METHODS; do
          model="$work/model-$ds-$noise-$seed-$m"
          t0=$(date +%s.%N)
          train "$m" "$seed" "$train_img" "$lab" "$model"
          t1=$(date +%s.%N)
          q "Apply Model" model="$model" image="$test_img" mask="$work/pred.tif"
          row="$(q "Segmentation Metrics" prediction="$work/pred.tif" ground_truth="$test_gt" | grep -E '^"?mean"?,' | head -1)"
          dice="$(echo "$row" | cut -d, -f2)"; assd="$(echo "$row" | cut -d, -f5)"
          printf '%s,%s,%s,%s,%.4f,%.3f,%.0f,%s\n' "$ds" "$noise" "$seed" "$m" "$dice" "$assd" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$(cut -d' ' -f1 /proc/loadavg)"
          rm -rf "$model" "$work/pred.tif"
        done
      done
    done
  done
} | tee "$tmpout"
{
  cat "$tmpout"
  echo "# summary: mean (sd) over seeds of held-out Dice / ASSD (px) / training seconds"
  awk -F, '!/^#/ && $1 != "dataset" { k=$1","$2","$4; n[k]++; d[k]+=$5; dd[k]+=$5*$5; a[k]+=$6; t[k]+=$7 }
    END { for (k in n) { m=d[k]/n[k]; v=dd[k]/n[k]-m*m; if (v<0) v=0; printf "# %-28s dice %.4f (%.4f)  assd %.3f  time %.0f s  n=%d\n", k, m, sqrt(v), a[k]/n[k], t[k]/n[k], n[k] } }' "$tmpout" | sort
} > "$OUT"
rm -f "$tmpout"
echo "saved $OUT" >&2
