#!/usr/bin/env bash
# The key flat figures only (docs/benchmarks.md, fourth pass): single query with 1 and 2 threads
# on Fashion-MNIST, 100k x 128 and 100k x 768, QueryBatch of 1,000 with 2 threads; then the layout check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/results/key-$(date -u +%Y%m%dT%H%MZ).jsonl"
FM="$ROOT/bench/data/fashion-mnist"
S128="$ROOT/bench/data/syn-100k-128"
S768="$ROOT/bench/data/syn-100k-768"
compare() {
    echo "== $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT.txt"
    ours="$("$ROOT/bench.sh" flat "$@" 2>>"$OUT.log")"
    peer="$("$ROOT/bench.sh" peers "$@" 2>>"$OUT.log")"
    printf '%s\n%s\n' "$ours" "$peer" >> "$OUT"
    /usr/bin/python3 "$ROOT/bench/tools/compare.py" "$ours" "$peer" | tee -a "$OUT.txt"
}
for data in "$FM" "$S128" "$S768"; do
    compare --data "$data" --metric euclidean --k 10 --threads 1
    compare --data "$data" --metric euclidean --k 10 --threads 2
    compare --data "$data" --metric euclidean --k 10 --threads 2 --batch 1000
done
for data in "$FM" "$S128"; do
    for engine in "--engine collection" "--engine raw --layout chunks" "--engine raw --layout records"; do
        # shellcheck disable=SC2086
        "$ROOT/bench.sh" flat --data "$data" --threads 1 $engine --warmup-min 5 --duration 10 \
            2>>"$OUT.log" | tee -a "$OUT"
    done
done
