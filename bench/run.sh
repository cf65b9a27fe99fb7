#!/usr/bin/env bash
# Runs one benchmark program: bench/run.sh NAME [args...]
# NAME.java is a single-file Java program under bench/; it is run against the compiled suite
# (target/classes) and its dependencies. Its output is printed and also saved to
# bench/results/NAME.txt (with the machine's description), so that the figures are kept with the code.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
name="${1:?usage: bench/run.sh NAME [args...]}"; shift
src="bench/$name.java"
[ -f "$src" ] || { echo "error: no benchmark $src" >&2; exit 2; }
mvn -B -q -DskipTests compile >&2
cpfile=target/bench-classpath.txt
if [ ! -s "$cpfile" ] || [ pom.xml -nt "$cpfile" ]; then
  mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2
fi
# extra JVM options a benchmark asks for in a line "// jvm: OPTIONS" of its source
jvm="$(sed -n 's|^// jvm: *||p' "$src" | head -1)"
mkdir -p bench/results
out="bench/results/$name.txt"
tmp="$(mktemp)"
{
  echo "# $name  $(date -u +%Y-%m-%dT%H:%MZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  [ -z "$jvm" ] || echo "# jvm options: $jvm"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
  TF_CPP_MIN_LOG_LEVEL=2 java -Xmx${BENCH_HEAP:-4g} $jvm -cp "target/classes:$(cat "$cpfile")" "$src" "$@"
} 2>&1 | tee "$tmp"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then mv "$tmp" "$out"; echo "saved $out" >&2; else rm -f "$tmp"; exit "$status"; fi
