#!/usr/bin/env bash
# A first check of DAST (not the bench/nll_compare.sh comparison): the bundled nuclei with labels dilated
# twice as the noisy set, the 128x128 top-left crop of the same training image with its expert labels as the
# clean set; CE on the noisy labels, DAST (noisy + clean), and CE on the clean crop alone; held-out Dice and
# ASSD on nuclei-test.tif. Environment: SEEDS (1 2 3), METHODS (CE DAST CEclean; also CEnobn, DASTnobn,
# CEcleannobn: the same with batch_norm=false), ITERATIONS (400), OUT (bench/results/dast_check.txt).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
nl="$here/scripts/noisy-labels"
SEEDS="${SEEDS:-1 2 3}"
METHODS="${METHODS:-CE DAST CEclean}"
ITERATIONS="${ITERATIONS:-400}"
NET="base_channels=8 depth=3 patch_size=64 batch_size=4"
OUT="${OUT:-bench/results/dast_check.txt}"
ramp="rampup_start=$((ITERATIONS / 6)) rampup_end=$((ITERATIONS / 2))"
work="$(mktemp -d "${TMPDIR:-/tmp}/dast-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
q() { "$nl" --quiet "$@"; }
T=test-images
"$nl" --help DAST >/dev/null  # builds the jar if needed
cat > "$work/Crop.java" <<'JAVA'
public class Crop { public static void main(String[] a) {
  ij.ImagePlus img = ij.IJ.openImage(a[0]); img.setRoi(0, 0, 128, 128); ij.IJ.saveAsTiff(img.crop(), a[1]); } }
JAVA
java -cp target/noisy-labels-cli.jar "$work/Crop.java" $T/nuclei-train.tif "$work/clean.tif"
java -cp target/noisy-labels-cli.jar "$work/Crop.java" $T/nuclei-train-gt.tif "$work/clean-gt.tif"
q "Dilation (PCL)" label=$T/nuclei-train-gt.tif iterations=2 noisy_label="$work/noisy.tif"
clean="clean_image=$work/clean.tif clean_label=$work/clean-gt.tif"
tmpout="$(mktemp)"
{
  echo "# dast_check  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "# machine: $(nproc) cores, load at start $(cut -d' ' -f1-3 /proc/loadavg); iterations $ITERATIONS, $NET, DAST: $ramp, dast_clean_batch_size=4"
  echo "seed,method,dice,assd,train_seconds,load"
  for seed in $SEEDS; do
    for m in $METHODS; do
      model="$work/model-$m-$seed"
      t0=$(date +%s)
      case "$m" in
        CE) q "Supervised (Robust Loss)" loss_type=CE $NET iterations="$ITERATIONS" seed="$seed" image=$T/nuclei-train.tif label="$work/noisy.tif" model="$model" >/dev/null ;;
        CEclean) q "Supervised (Robust Loss)" loss_type=CE $NET iterations="$ITERATIONS" seed="$seed" image="$work/clean.tif" label="$work/clean-gt.tif" model="$model" >/dev/null ;;
        DAST) q "DAST" $NET $ramp dast_clean_batch_size=4 iterations="$ITERATIONS" seed="$seed" image=$T/nuclei-train.tif label="$work/noisy.tif" $clean model="$model" >/dev/null ;;
        CEnobn) q "Supervised (Robust Loss)" loss_type=CE $NET batch_norm=false iterations="$ITERATIONS" seed="$seed" image=$T/nuclei-train.tif label="$work/noisy.tif" model="$model" >/dev/null ;;
        CEcleannobn) q "Supervised (Robust Loss)" loss_type=CE $NET batch_norm=false iterations="$ITERATIONS" seed="$seed" image="$work/clean.tif" label="$work/clean-gt.tif" model="$model" >/dev/null ;;
        DASTnobn) q "DAST" $NET batch_norm=false $ramp dast_clean_batch_size=4 iterations="$ITERATIONS" seed="$seed" image=$T/nuclei-train.tif label="$work/noisy.tif" $clean model="$model" >/dev/null ;;
        *) echo "error: unknown method $m" >&2; exit 2 ;;
      esac
      t1=$(date +%s)
      q "Apply Model" model="$model" image=$T/nuclei-test.tif mask="$work/pred.tif"
      row="$(q "Segmentation Metrics" prediction="$work/pred.tif" ground_truth=$T/nuclei-test-gt.tif | grep -E '^"?mean"?,' | head -1)"
      printf '%s,%s,%.4f,%.3f,%d,%s\n' "$seed" "$m" "$(echo "$row" | cut -d, -f2)" "$(echo "$row" | cut -d, -f5)" $((t1 - t0)) "$(cut -d' ' -f1 /proc/loadavg)"
      rm -rf "$model" "$work/pred.tif"
    done
  done
} | tee "$tmpout"
mkdir -p "$(dirname "$OUT")"
cp "$tmpout" "$OUT"
rm -f "$tmpout"
