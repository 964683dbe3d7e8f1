"""Ours beside Lucene 10.6, alternated run by run: `./bench.sh hnsw-vs-lucene`.

Each pass runs `./bench.sh hnsw` (ours) and `./bench.sh lucene` (the same data, M, efConstruction,
k, beam widths and oversampling), each searching in a fresh JVM an index built once into a
directory; the order flips every pass so neither engine always runs first. Per pass and engine it
interpolates the QPS at the target recall@k between the two beam widths that bracket it, then
prints the ratio ours / Lucene of every pass and their median with its spread (min-max): on these
shared VMs throughput swings by 30-50% for seconds, so one pass proves little.

usage: ./bench.sh hnsw-vs-lucene --data DIR [--quantization none|int8|binary] [--on-disk]
           [--passes 3] [--target 0.95] [--out FILE.jsonl] [options of ./bench.sh hnsw]
`--quantization int8` runs Lucene's int7 (7-bit scalar), `binary` its 1-bit format (BBQ).
Every other option goes to both engines, which reject what they do not know.
"""
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LUCENE_OF = {"none": "none", "int8": "int7", "binary": "binary"}


def fail(message):
    print(f"bench hnsw-vs-lucene: {message}", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    own = {"passes": "3", "target": "0.95", "out": None, "quantization": "none"}
    flags = {"on-disk": False}
    rest = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if not a.startswith("--"):
            fail(f"argument {i}: expected --option, got {a}")
        key = a[2:]
        has_value = i + 1 < len(argv) and not argv[i + 1].startswith("--")
        if key in own:
            if not has_value:
                fail(f"--{key}: expected a value, got none")
            own[key] = argv[i + 1]
            i += 2
        elif key in flags:
            flags[key] = True
            i += 1
        else:
            rest.append(a)
            if has_value:
                rest.append(argv[i + 1])
                i += 1
            i += 1
    if own["quantization"] not in LUCENE_OF:
        fail(f"--quantization: expected one of none, int8, binary, got {own['quantization']}")
    try:
        own["passes"] = int(own["passes"])
        own["target"] = float(own["target"])
    except ValueError as e:
        fail(f"--passes/--target: {e}")
    if own["passes"] < 1:
        fail(f"--passes: expected >= 1, got {own['passes']}")
    return own, flags, rest


def run(command, args):
    cmd = [os.path.join(ROOT, "bench.sh"), command] + args
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        fail(f"{command} exited with {done.returncode}")
    return [json.loads(l) for l in done.stdout.splitlines() if l.startswith("{")]


def at_recall(rows, target, key="qps"):
    """QPS at the target recall, linear between the bracketing beam widths (None if not reached)."""
    rows = sorted(rows, key=lambda r: r["ef"])
    for lo, hi in zip(rows, rows[1:]):
        if lo["recall_at_k"] <= target <= hi["recall_at_k"]:
            span = hi["recall_at_k"] - lo["recall_at_k"]
            f = 0.0 if span == 0 else (target - lo["recall_at_k"]) / span
            return lo[key] + f * (hi[key] - lo[key])
    if rows and rows[0]["recall_at_k"] >= target:
        return rows[0][key]  # even the smallest beam reaches it: a lower bound
    return None


def summary(passes, target, key, label):
    print(f"\n{label}\n| pass | vectaraft QPS @ recall {target} | lucene QPS @ recall {target} | ratio | load |")
    print("|---:|---:|---:|---:|---|")
    ratios = []
    for p, curves in enumerate(passes, 1):
        a = at_recall(curves["vectaraft"], target, key)
        b = at_recall(curves["lucene"], target, key)
        ratio = a / b if a and b else None
        if ratio:
            ratios.append(ratio)
        loads = "/".join(f"{curves[e][0]['load']:.1f}" for e in ("vectaraft", "lucene"))
        fmt = lambda v: "n/a" if v is None else f"{v:,.0f}"
        print(f"| {p} | {fmt(a)} | {fmt(b)} | {'n/a' if ratio is None else f'{ratio:.2f}x'} | {loads} |")
    if ratios:
        print(f"\nratio vectaraft / lucene ({key}) at recall@k {target}: median "
              f"{statistics.median(ratios):.2f}x, spread {min(ratios):.2f}x-{max(ratios):.2f}x over "
              f"{len(ratios)} passes ({', '.join(f'{r:.2f}' for r in ratios)})")
    else:
        print(f"\nno pass reached recall {target} on both engines: widen --ef")


def main():
    own, flags, rest = parse(sys.argv[1:])
    q = own["quantization"]
    ours_args = rest + ["--quantization", q] + (["--on-disk"] if flags["on-disk"] else [])
    lucene_args = rest + ["--quantization", LUCENE_OF[q]]
    out = own["out"]
    lines = []
    passes = []
    for p in range(1, own["passes"] + 1):
        order = [("vectaraft", "hnsw", ours_args), ("lucene", "lucene", lucene_args)]
        if p % 2 == 0:
            order.reverse()
        curves = {}
        for engine, command, args in order:
            rows = run(command, args)
            for r in rows:
                r["pass"] = p
                lines.append(r)
                print(json.dumps(r), flush=True)
                if out:
                    with open(out, "a") as f:
                        f.write(json.dumps(r) + "\n")
            curves[engine] = rows
        passes.append(curves)

    target = own["target"]
    summary(passes, target, "qps", "Wall-clock QPS (what a client sees):")
    if all("cpu_qps" in c[e][0] for c in passes for e in c):
        summary(passes, target, "cpu_qps", "QPS per second of the search thread's CPU time:")
    v = passes[0]["vectaraft"][0]
    l = passes[0]["lucene"][0]
    print(f"memory per vector: vectaraft heap {v['heap_bytes_per_vector']} B, mapped "
          f"{v['mapped_bytes_per_vector']} B; lucene heap {l['heap_bytes_per_vector']} B, index files "
          f"(mapped) {l['mapped_bytes_per_vector']} B; raw float32 {v['raw_bytes_per_vector']} B")
    print(f"build: vectaraft {v['build_s']} s, lucene {l['build_s']} s")


if __name__ == "__main__":
    main()
