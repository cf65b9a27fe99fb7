#!/usr/bin/env bash
#SBATCH --job-name=noisy-labels-merge
# The last step of a batch (submitted by submit.sh after every array task succeeded, or run by hand):
# merges the tasks' metrics tables into OUTPUT/metrics.csv (every image, then the mean over all images,
# computed again from the rows) and their skipped files into OUTPUT/skipped.csv.
#   merge.sh OUTPUT_FOLDER
set -euo pipefail
output="${1:?give OUTPUT_FOLDER}"
nl="${NOISY_LABELS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/noisy-labels}"
# skipped files: one header, then every task's rows (tasks that skipped nothing wrote an empty table)
{
	echo "file,reason"
	for f in "$output"/tables/skipped/skipped-*.csv; do
		[ -f "$f" ] || continue
		if [ "$(head -n 1 "$f")" = "file,reason" ]; then tail -n +2 "$f"; fi
	done
} > "$output/.skipped.csv.part" && mv -f "$output/.skipped.csv.part" "$output/skipped.csv"
echo "skipped files: $(($(wc -l < "$output/skipped.csv") - 1)) (listed in $output/skipped.csv)" >&2
if compgen -G "$output/tables/metrics/metrics-*.csv" > /dev/null; then
	"$nl" --overwrite "Merge Metrics Tables" table_folder="$output/tables/metrics" metrics="$output/metrics.csv"
	echo "metrics of every image and their mean: $output/metrics.csv" >&2
fi
