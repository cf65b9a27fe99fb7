#!/usr/bin/env bash
# Runs bench/igtt_torch.py (an independent PyTorch iGTT written from the specification) on the bundled
# synthetic filaments and tubes (and, as a check that it works where the method works, the
# bundled nuclei), seeds 1-3, with the reference schedule (100 epochs, lr 0.05, whole
# images, U-Net base 16 with 4 levels) and with the suite's defaults (50 epochs, lr 0.01, 128x128 crops,
# 16 steps per epoch, base 8 with 3 levels). Output: bench/results/igtt_torch.txt (epoch lines every 5).
# Needs Debian's python3-torch, python3-skimage and python3-tifffile (installed here if missing: this is a
# benchmark script, not run by CI). About 65 minutes on 2 cores. For a quick smoke run:
#   OUT=/tmp/igtt_torch.txt EXTRA="epochs=1" bench/igtt_torch.sh   (EXTRA's keys override each run's)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
py=/usr/bin/python3
if ! "$py" -c "import torch, skimage, tifffile" 2>/dev/null; then
  echo "installing python3-torch python3-skimage python3-tifffile (Debian)..." >&2
  apt-get install -y python3-torch python3-skimage python3-tifffile >&2 \
    || { apt-get update >&2 && apt-get install -y python3-torch python3-skimage python3-tifffile >&2; }
fi
result="${OUT:-bench/results/igtt_torch.txt}"
extra_all="${EXTRA:-}"
every5() { grep -v "^epoch  *[0-9]*[1-46-9]:"; }  # keep the epoch lines of every 5th epoch
out="$(mktemp)"
trap 'rm -f "$out"' EXIT  # the result file is replaced only after a complete run
{
echo "# igtt_torch (bench/igtt_torch.py) $(date -u +%Y-%m-%dT%H:%MZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo none); machine $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); torch $("$py" -c 'import torch; print(torch.__version__)')"
for cfg in "reference schedule:" "suite defaults:crop=128 steps=16 lr=0.01 epochs=50 base=8 levels=3"; do
  name=${cfg%%:*}; extra=${cfg#*:}
  for d in filaments tubes; do
    for s in 1 2 3; do
      echo "## $name, $d, seed $s"
      # shellcheck disable=SC2086
      "$py" bench/igtt_torch.py "test-images/synth-$d.tif" "test-images/synth-$d-gt.tif" seed=$s $extra $extra_all \
        | every5
    done
  done
done
# where the suite's iGTT works: the bundled DSB2018 nuclei (one 512x512 image), suite defaults
for s in 1 2 3; do
  echo "## suite defaults, nuclei (img2d.tif), seed $s"
  "$py" bench/igtt_torch.py test-images/img2d.tif test-images/gt2d.tif seed=$s crop=128 steps=16 lr=0.01 \
    epochs=50 base=8 levels=3 $extra_all | every5
done
echo "# end $(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out"
mkdir -p "$(dirname "$result")" && cp "$out" "$result"
cat "$result"
