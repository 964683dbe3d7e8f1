#!/usr/bin/env bash
# Paired A/B of the key flat rows (docs/benchmarks.md): two checkouts of vectaraft (e.g. an older
# commit in a git worktree, and this one) run the same row back to back, in the order A B B A, with
# FAISS between them, so that the machine's drift falls on both sides alike. Prints, per row, the
# median QPS of each side, B/A, and each side against FAISS.
#
#   bench/flat-ab.sh A_DIR B_DIR [--rows fm,128,768] [--passes 2] [flat options, e.g. --duration 8]
#
# Each directory is a checkout with its own ./bench.sh (which builds its own harness jar);
# bench/data of the one this script lives in is used for both. Raw lines go to
# bench/results/flat-ab-<time>.jsonl.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
A="$(cd "${1:?A_DIR}" && pwd)"
B="$(cd "${2:?B_DIR}" && pwd)"
shift 2
rows="fm,128,768"
passes=2
extra=()
while (($#)); do
    case "$1" in
        --rows) rows="$2"; shift 2 ;;
        --passes) passes="$2"; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done
OUT="$ROOT/bench/results/flat-ab-$(date -u +%Y%m%dT%H%MZ).jsonl"
declare -A sets=([fm]=fashion-mnist [128]=syn-100k-128 [768]=syn-100k-768)

run() { # side dir args...
    local side="$1" dir="$2"
    shift 2
    local line
    line="$("$dir/bench.sh" "$@" 2>>"$OUT.log")"
    printf '{"side":"%s","load":%s,%s\n' "$side" "$(cut -d' ' -f1 /proc/loadavg)" "${line#\{}" >>"$OUT"
}

IFS=, read -r -a wanted <<<"$rows"
for row in "${wanted[@]}"; do
    data="$ROOT/bench/data/${sets[$row]:?unknown row $row (fm, 128, 768)}"
    for shape in "--threads 1" "--threads 2" "--threads 2 --batch 1000"; do
        # shellcheck disable=SC2206
        args=(--data "$data" --metric euclidean --k 10 $shape "${extra[@]}")
        echo "== ${sets[$row]} $shape (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        for ((p = 0; p < passes; p++)); do
            if ((p % 2 == 0)); then
                run A "$A" flat "${args[@]}"
                run B "$B" flat "${args[@]}"
            else
                run B "$B" flat "${args[@]}"
                run A "$A" flat "${args[@]}"
            fi
        done
        run faiss "$ROOT" peers "${args[@]}"
    done
done
/usr/bin/python3 "$ROOT/bench/tools/flat_ab.py" "$OUT" | tee "$OUT.txt"
