#!/usr/bin/env bash
# CLSLSR's flagged-pixel maps scored against the known wrong pixels (precision, recall, AUC) under random
# flipping 0.2 and 0.45, dilation x2 and contour perturbation, and CE vs CLSLSR Dice on held-out nuclei.
#   bench/clslsr_flags.sh                          # 200 iterations per stage, seeds 1,2,3, four noises
#   bench/clslsr_flags.sh 100 1 flip0.2            # a smoke run: ITERATIONS SEEDS NOISES
# The program is bench/ClslsrFlags.java (its Javadoc says what is scored); results: bench/results/ClslsrFlags.txt
# with the seeds, the machine and its load.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$here/bench/run.sh" ClslsrFlags "${1:-200}" "${2:-1,2,3}" "${3:-flip0.2,flip0.45,dilate2,contour}"
