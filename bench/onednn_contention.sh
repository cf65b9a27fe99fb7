#!/usr/bin/env bash
# Is TensorFlow's oneDNN CPU backend still the faster one when other work competes for the cores?
# Times the default U-Net's training step (TrainStepBench, batch 4 x 256x256, 8 steps) with TensorFlow's
# default kernels and with TF_ENABLE_ONEDNN_OPTS=1: on an idle machine, next to one and two busy loops,
# and as two training processes at once. Output saved to bench/results/onednn_contention.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q -DskipTests compile >&2
cpfile=target/bench-classpath.txt
[ -s "$cpfile" ] || mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2
out="$(mktemp)"
busy=()
cleanup() { for p in "${busy[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -f "$out"; }
trap cleanup EXIT
step() {  # step ONEDNN LABEL: one TrainStepBench run, prints "LABEL kernels ms"
  local kernels=default; [ "$1" = 1 ] && kernels=oneDNN
  TF_ENABLE_ONEDNN_OPTS="$1" TF_CPP_MIN_LOG_LEVEL=2 java -Xmx4g -cp "target/classes:$(cat "$cpfile")" \
    bench/TrainStepBench.java 8 256 4 false 2>/dev/null | awk -v l="$2" -v k="$kernels" '/^train_step_ms/{printf "%-22s %-8s train_step_ms %s\n", l, k, $2}'
}
{
  echo "# onednn_contention  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "# machine: $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
  for m in 0 1; do step "$m" idle; done
  for n in 1 2; do
    for i in $(seq "$n"); do (while :; do :; done) & busy+=("$!"); done
    for m in 0 1; do step "$m" "next_to_${n}_busy_loops"; done
    for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done; busy=()
  done
  for m in 0 1; do
    step "$m" two_trainings_job1 > "$out.a" & a=$!
    step "$m" two_trainings_job2 > "$out.b" & b=$!
    wait "$a" "$b"; cat "$out.a" "$out.b"; rm -f "$out.a" "$out.b"
  done
  echo "# machine: load after $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out"
mkdir -p bench/results
cp "$out" bench/results/onednn_contention.txt
echo "saved bench/results/onednn_contention.txt" >&2
