#!/usr/bin/env bash
# Submits a batch of images to SLURM: an array of tasks, each applying the model to its share of the folder
# (Batch Apply Model with shard=TASK/TASKS) and, with a ground-truth folder, scoring its share (Segmentation
# Metrics with the same shard); then a merge job that runs once every task succeeded (--dependency=afterok)
# and writes OUTPUT/metrics.csv (every image, then the mean over all) and OUTPUT/skipped.csv.
#
#   scripts/slurm/submit.sh [-n TASKS] [-c CPUS] MODEL INPUT_FOLDER OUTPUT_FOLDER [GROUND_TRUTH_FOLDER] [-- KEY=VALUE ...]
#
# Keys after -- go to Batch Apply Model (e.g. threshold=0.4 "save=mask and probability"). Extra sbatch options
# (partition, memory, time, account): SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ... in the environment,
# or NL_SBATCH_OPTS="--mem=8G --time=1:00:00". Prints the two job ids (array, merge) on standard output.
# The suite's command line is scripts/noisy-labels beside this script (built here, once, before submitting);
# NOISY_LABELS=/path/to/noisy-labels overrides it. Every task loads the model once; resubmitting the same
# command resumes (outputs that exist are kept).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tasks=4
cpus=2
while getopts "n:c:" o; do
	case "$o" in
		n) tasks="$OPTARG" ;;
		c) cpus="$OPTARG" ;;
		*) echo "usage: $0 [-n TASKS] [-c CPUS] MODEL INPUT_FOLDER OUTPUT_FOLDER [GROUND_TRUTH_FOLDER] [-- KEY=VALUE ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pos=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do pos+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
if [ ${#pos[@]} -lt 3 ] || [ ${#pos[@]} -gt 4 ]; then
	echo "error: give MODEL INPUT_FOLDER OUTPUT_FOLDER [GROUND_TRUTH_FOLDER] (see the top of $0)" >&2
	exit 2
fi
case "$tasks" in ''|*[!0-9]*|0) echo "error: -n $tasks: give a number of tasks >= 1" >&2; exit 2 ;; esac
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
model="$(abs "${pos[0]}")"
input="$(abs "${pos[1]}")"
output="$(abs "${pos[2]}")"
gt=""
[ ${#pos[@]} -eq 4 ] && gt="$(abs "${pos[3]}")"
[ -e "$model" ] || { echo "error: model: $model does not exist" >&2; exit 2; }
[ -d "$input" ] || { echo "error: input folder $input does not exist" >&2; exit 2; }
[ -z "$gt" ] || [ -d "$gt" ] || { echo "error: ground-truth folder $gt does not exist" >&2; exit 2; }
nl="${NOISY_LABELS:-$here/../noisy-labels}"
nl="$(abs "$nl")"
# build the suite once here, not in every task at the same time
"$nl" --list >/dev/null
mkdir -p "$output/tables/logs"
# shellcheck disable=SC2086
array=$(sbatch --parsable --export=ALL,NOISY_LABELS="$nl" --array=0-$((tasks - 1)) --cpus-per-task="$cpus" \
	--job-name=noisy-labels-batch --output="$output/tables/logs/task-%a.log" ${NL_SBATCH_OPTS:-} \
	"$here/batch-task.sh" "$model" "$input" "$output" "$gt" "$@")
array="${array%%;*}"
# shellcheck disable=SC2086
merge=$(sbatch --parsable --export=ALL,NOISY_LABELS="$nl" --dependency=afterok:"$array" --cpus-per-task=1 \
	--job-name=noisy-labels-merge --output="$output/tables/logs/merge.log" ${NL_SBATCH_OPTS:-} \
	"$here/merge.sh" "$output")
merge="${merge%%;*}"
echo "$array $merge"
echo "submitted: array job $array ($tasks tasks), merge job $merge; logs in $output/tables/logs/" >&2
