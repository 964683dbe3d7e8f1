#!/usr/bin/env bash
# The flat-search figures of docs/benchmarks.md, each ours beside FAISS from the same run.
# Appends every JSON line to bench/results/flat-<UTC time>.jsonl and prints the compare tables.
#   bench/flat-suite.sh [quick]     (quick: shorter warm-up and measurement, for a smoke test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/results/flat-$(date -u +%Y%m%dT%H%MZ).jsonl"
mkdir -p "$ROOT/bench/results"
TIMING=()
[[ "${1:-}" == quick ]] && TIMING=(--warmup-min 3 --warmup-max 20 --duration 5 --round 1)
FM="$ROOT/bench/data/fashion-mnist"
S128="$ROOT/bench/data/syn-100k-128"
S768="$ROOT/bench/data/syn-100k-768"

compare() {
    echo "== $*" | tee -a "$OUT.txt"
    ours="$("$ROOT/bench.sh" flat "$@" "${TIMING[@]}" 2>>"$OUT.log")"
    peer="$("$ROOT/bench.sh" peers "$@" "${TIMING[@]}" 2>>"$OUT.log")"
    echo "$ours" >> "$OUT"
    echo "$peer" >> "$OUT"
    /usr/bin/python3 "$ROOT/bench/tools/compare.py" "$ours" "$peer" | tee -a "$OUT.txt"
}

echo "uptime: $(uptime)" | tee -a "$OUT.txt"
for data in "$FM" "$S128" "$S768"; do
    for threads in 1 2; do
        compare --data "$data" --metric euclidean --k 10 --threads "$threads"
    done
    compare --data "$data" --metric euclidean --k 10 --threads 2 --batch 1000
done
compare --data "$FM" --metric cosine --k 10 --threads 1
echo "uptime: $(uptime)" | tee -a "$OUT.txt"
echo "results: $OUT" >&2
