#!/usr/bin/env bash
# PINT vs CE in 3D (issue #26), next to the same methods trained slice by slice in 2D on the same volumes.
# PINT's LA setting in small: training volumes of which a fraction RATE (50 %, 75 %) get 3D label noise,
# one dilation or erosion of the whole volume with an r x r x r cube (Contour Perturbation dimensions=3,
# r in [R_MIN, R_MAX]: the paper's r in [3, 15] is for left atria of 50-100 voxels; our nuclei-like
# ellipsoids have radii of 8-20 px, so the cube is scaled down), the other volumes clean; held-out
# volumes with exact ground truth, scored in 3D (Segmentation Metrics' 3D row: Dice, ASSD).
# Data: Synthetic Microscopy dimensions=3 kind=blobs (calibrated, PSF 2.5x longer in z, noise).
# Every run: the same network and iterations for CE and PINT (PINT: PNT_FRACTION of ITERATIONS in the
# pixel phase, the rest in the image phase); 2D runs use the same volumes as stacks of slices.
# Output: bench/results/pint3d_compare.txt (rows + a summary). Not run by CI (about 1 h on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
nl="$here/scripts/noisy-labels"
SEEDS="${SEEDS:-1 2 3}"
RATES="${RATES:-0.5 0.75}"
VOLUMES="${VOLUMES:-4}"            # training volumes per seed
SIZE="${SIZE:-64}"; SLICES="${SLICES:-16}"; COUNT="${COUNT:-8}"
R_MIN="${R_MIN:-3}"; R_MAX="${R_MAX:-6}"
ITERATIONS="${ITERATIONS:-200}"
PNT_FRACTION="${PNT_FRACTION:-0.75}"
NET="${NET:-base_channels=8 depth=2 patch_size=64 batch_size=2 validation_fraction=0 early_stopping=0}"
DIMS="${DIMS:-3 2}"
OUT="${OUT:-bench/results/pint3d_compare.txt}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pint3d.XXXXXX")"
trap 'rm -rf "$work"' EXIT
q() { "$nl" --quiet "$@"; }
pnt=$(awk -v i="$ITERATIONS" -v f="$PNT_FRACTION" 'BEGIN{printf "%d", i*f}')
int=$((ITERATIONS - pnt))

train() { # $1 method $2 dims $3 seed $4 image folder $5 label folder $6 model
  case "$1" in
    CE) q "Supervised (Robust Loss)" loss_type=CE $NET dimensions="$2" iterations="$ITERATIONS" seed="$3" \
          image_folder="$4" label_folder="$5" model="$6" >/dev/null ;;
    PINT) q "PINT" $NET dimensions="$2" pnt_iterations="$pnt" pnt_lr_step="$pnt" int_iterations="$int" seed="$3" \
          image_folder="$4" label_folder="$5" model="$6" >/dev/null ;;
    *) echo "error: unknown method $1" >&2; exit 2 ;;
  esac
}

"$nl" --help PINT >/dev/null  # builds the jar if needed
tmpout="$(mktemp)"
{
  echo "# pint3d_compare  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "# machine: $(nproc) cores, $(java -version 2>&1 | head -1), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# data: $VOLUMES training + 2 held-out volumes of ${SIZE}x${SIZE}x${SLICES} (Synthetic Microscopy dimensions=3 kind=blobs count=$COUNT), per seed"
  echo "# noise: round(rate x $VOLUMES) training volumes dilated or eroded once with an r x r x r cube, r in [$R_MIN, $R_MAX] (Contour Perturbation dimensions=3)"
  echo "# training: $NET, $ITERATIONS iterations (PINT: $pnt pixel phase + $int image phase); seeds $SEEDS"
  echo "rate,seed,dims,method,dice,assd,train_seconds,noisy_label_dice,load"
  for seed in $SEEDS; do
    mkdir -p "$work/img" "$work/gt"
    for v in $(seq 1 "$VOLUMES"); do
      q "Synthetic Microscopy" dimensions=3 kind=blobs size="$SIZE" slices="$SLICES" count="$COUNT" \
        seed=$((seed * 100 + v)) image="$work/img/v$v.tif" ground_truth="$work/gt/v$v.tif"
    done
    for t in 1 2; do
      q "Synthetic Microscopy" dimensions=3 kind=blobs size="$SIZE" slices="$SLICES" count="$COUNT" \
        seed=$((seed * 100 + 50 + t)) image="$work/test$t.tif" ground_truth="$work/test$t-gt.tif"
    done
    for rate in $RATES; do
      rm -rf "$work/noisy"; mkdir -p "$work/noisy"
      k=$(awk -v r="$rate" -v n="$VOLUMES" 'BEGIN{printf "%d", r*n+0.5}')
      ndice=0
      for v in $(seq 1 "$VOLUMES"); do
        # the perturbed volumes: k of them, starting at a seed-dependent volume
        if [ $(( (v - 1 - seed % VOLUMES + VOLUMES) % VOLUMES )) -lt "$k" ]; then
          q "Contour Perturbation" label="$work/gt/v$v.tif" dimensions=3 noise_rate=1 r_min="$R_MIN" r_max="$R_MAX" \
            seed=$((seed * 1000 + v)) noisy_label="$work/noisy/v$v.tif" perturbation="$work/p.csv"; rm -f "$work/p.csv"
        else
          cp "$work/gt/v$v.tif" "$work/noisy/v$v.tif"
        fi
        d="$(q "Segmentation Metrics" prediction="$work/noisy/v$v.tif" ground_truth="$work/gt/v$v.tif" | grep -E '^"?3D"?,' | head -1 | cut -d, -f2)"
        ndice=$(awk -v a="$ndice" -v b="$d" 'BEGIN{print a+b}')
      done
      ndice=$(awk -v a="$ndice" -v n="$VOLUMES" 'BEGIN{printf "%.4f", a/n}')
      for dims in $DIMS; do
        for m in CE PINT; do
          model="$work/model-$m"
          t0=$(date +%s.%N)
          train "$m" "$dims" "$seed" "$work/img" "$work/noisy" "$model"
          t1=$(date +%s.%N)
          dsum=0; asum=0
          for t in 1 2; do
            q "Apply Model" model="$model" image="$work/test$t.tif" mask="$work/pred.tif"
            row="$(q "Segmentation Metrics" prediction="$work/pred.tif" ground_truth="$work/test$t-gt.tif" | grep -E '^"?3D"?,' | head -1)"
            dsum=$(awk -v a="$dsum" -v b="$(echo "$row" | cut -d, -f2)" 'BEGIN{print a+b}')
            asum=$(awk -v a="$asum" -v b="$(echo "$row" | cut -d, -f5)" 'BEGIN{print a+b}')
            rm -f "$work/pred.tif"
          done
          printf '%s,%s,%s,%s,%.4f,%.3f,%.0f,%s,%s\n' "$rate" "$seed" "${dims}D" "$m" "$(awk -v a="$dsum" 'BEGIN{print a/2}')" \
            "$(awk -v a="$asum" 'BEGIN{print a/2}')" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$ndice" "$(cut -d' ' -f1 /proc/loadavg)"
          rm -rf "$model"
        done
      done
    done
    rm -rf "$work/img" "$work/gt" "$work"/test*.tif
  done
} | tee "$tmpout"
{
  cat "$tmpout"
  echo "# summary: mean (sd) over seeds of held-out 3D Dice / ASSD (px) / training seconds; PINT - CE paired by seed"
  awk -F, '!/^#/ && $1 != "rate" { k=$1","$3","$4; n[k]++; d[k]+=$5; dd[k]+=$5*$5; a[k]+=$6; t[k]+=$7; v[$1","$2","$3","$4]=$5 }
    END { for (k in n) { m=d[k]/n[k]; s=dd[k]/n[k]-m*m; if (s<0) s=0; printf "# %-16s dice %.4f (%.4f)  assd %.3f  time %.0f s  n=%d\n", k, m, sqrt(s), a[k]/n[k], t[k]/n[k], n[k] }
      for (x in v) { split(x, p, ","); if (p[4] == "PINT" && ((p[1]","p[2]","p[3]",CE") in v)) { g=p[1]","p[3]; gn[g]++; gd[g]+=v[x]-v[p[1]","p[2]","p[3]",CE"]; if (v[x] > v[p[1]","p[2]","p[3]",CE"]) gw[g]++ } }
      for (g in gn) printf "# PINT - CE  %-10s mean %+.4f  PINT better in %d of %d seeds\n", g, gd[g]/gn[g], gw[g]+0, gn[g] }' "$tmpout" | sort
} > "$OUT"
rm -f "$tmpout"
echo "saved $OUT" >&2
