#!/usr/bin/env bash
#SBATCH --job-name=noisy-labels-batch
# One array task of a batch (submitted by submit.sh; or run by hand, see below): applies the model to this
# task's share of INPUT_FOLDER (Batch Apply Model with shard=TASK/TASKS), and with a ground-truth folder
# scores the same share (Segmentation Metrics with the same shard) into OUTPUT/tables/metrics/metrics-TASK.csv.
# The share of a file depends only on its relative path, so a task scores exactly the predictions it wrote.
#
#   batch-task.sh MODEL INPUT_FOLDER OUTPUT_FOLDER GROUND_TRUTH_FOLDER|"" [KEY=VALUE ...]
#
# Without SLURM (e.g. to test, or on a machine without a scheduler), run every task yourself:
#   for i in 0 1 2; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 scripts/slurm/batch-task.sh MODEL IN OUT GT; done
#   scripts/slurm/merge.sh OUT
set -euo pipefail
if [ $# -lt 4 ]; then
	echo "error: give MODEL INPUT_FOLDER OUTPUT_FOLDER GROUND_TRUTH_FOLDER|\"\" [KEY=VALUE ...]" >&2
	exit 2
fi
model="$1" input="$2" output="$3" gt="$4"
shift 4
task="${SLURM_ARRAY_TASK_ID:?not an array task: set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT}"
count="${SLURM_ARRAY_TASK_COUNT:?set SLURM_ARRAY_TASK_COUNT (the number of tasks)}"
# under sbatch this file is a copy in SLURM's spool folder: submit.sh passes the command line's path
nl="${NOISY_LABELS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/noisy-labels}"
# TensorFlow uses the CPUs SLURM gave this task, not every core of the node
export NOISY_LABELS_THREADS="${NOISY_LABELS_THREADS:-${SLURM_CPUS_PER_TASK:-1}}"
mkdir -p "$output/tables/skipped" "$output/tables/metrics"
echo "task $task of $count on $(hostname): shard $task/$count of $input" >&2
"$nl" --overwrite "Batch Apply Model" model="$model" input_folder="$input" output_folder="$output" \
	shard="$task/$count" skipped="$output/tables/skipped/skipped-$task.csv" "$@"
if [ -n "$gt" ]; then
	# the keys Segmentation Metrics shares with Batch Apply Model (threshold) are passed on
	mkeys=()
	for kv in "$@"; do case "$kv" in threshold=*) mkeys+=("$kv") ;; esac; done
	"$nl" --overwrite "Segmentation Metrics" prediction_folder="$output" ground_truth_folder="$gt" \
		shard="$task/$count" metrics="$output/tables/metrics/metrics-$task.csv" ${mkeys[@]+"${mkeys[@]}"}
fi
