"""Recall@k vs QPS curves from the JSON lines of `./bench.sh hnsw` and `./bench.sh hnsw-peers`.

Prints a Markdown table (one row per engine and ef) and the QPS of each engine at a target recall,
interpolated linearly between the two ef points that bracket it, then plots the curves to a PNG.

usage: /usr/bin/python3 hnsw_plot.py RESULTS.jsonl [--target 0.95] [--png OUT.png] [--title T]
"""
import argparse
import json
from collections import defaultdict

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("results")
p.add_argument("--target", type=float, default=0.95)
p.add_argument("--png")
p.add_argument("--title", default="")
a = p.parse_args()

curves = defaultdict(list)
for line in open(a.results):
    line = line.strip()
    if line.startswith("{") and '"mode"' in line:
        r = json.loads(line)
        curves[r["engine"]].append(r)

print("| engine | ef | recall@10 | QPS | p50 ms | p99 ms |")
print("|---|---:|---:|---:|---:|---:|")
for engine, rows in curves.items():
    for r in sorted(rows, key=lambda r: r["ef"]):
        print(f"| {engine} | {r['ef']} | {r['recall_at_k']:.4f} | {r['qps']:,.0f} | "
              f"{r['p50_ms']:.3f} | {r['p99_ms']:.3f} |")
print()
for engine, rows in curves.items():
    rows = sorted(rows, key=lambda r: r["ef"])
    at = None
    for lo, hi in zip(rows, rows[1:]):
        if lo["recall_at_k"] <= a.target <= hi["recall_at_k"]:
            f = (a.target - lo["recall_at_k"]) / (hi["recall_at_k"] - lo["recall_at_k"])
            at = lo["qps"] + f * (hi["qps"] - lo["qps"])
            break
    first = next((r for r in rows if r["recall_at_k"] >= a.target), None)
    at_text = "n/a" if at is None else f"{at:,.0f}"
    first_text = "none" if first is None else (
        f"ef={first['ef']} recall {first['recall_at_k']} QPS {first['qps']:,.0f}")
    print(f"{engine}: build {rows[0]['build_s']} s, {rows[0]['bytes_per_vector']} B/vector "
          f"(raw {rows[0]['raw_bytes_per_vector']}); QPS at recall {a.target} interpolated: "
          f"{at_text}; first ef reaching it: {first_text}")

if a.png:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for engine, rows in curves.items():
        rows = sorted(rows, key=lambda r: r["ef"])
        ax.plot([r["recall_at_k"] for r in rows], [r["qps"] for r in rows], marker="o", label=engine)
        for r in rows:
            ax.annotate(str(r["ef"]), (r["recall_at_k"], r["qps"]), fontsize=7,
                        textcoords="offset points", xytext=(3, 3))
    ax.axvline(a.target, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries per second")
    ax.set_yscale("log")
    ax.set_title(a.title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(a.png, dpi=110)
