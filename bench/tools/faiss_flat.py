"""The peer: FAISS IndexFlat (Debian python3-faiss) on the same data, queries and timing rules as
./bench.sh flat, printing the same JSON line.

Euclidean uses IndexFlatL2, dot IndexFlatIP, cosine IndexFlatIP over normalized vectors (as
vectaraft normalizes at insert). Single queries (--batch 1) go one by one through index.search;
--batch B passes B queries per call (FAISS then uses BLAS: install an optimized one, e.g.
libopenblas0-openmp; Debian's default reference BLAS makes batched search ~100x slower). --threads
sets OpenMP/BLAS threads.

usage: /usr/bin/python3 faiss_flat.py --data DIR [--metric euclidean] [--k 10] [--threads 1]
       [--batch 1] [--duration 15] [--warmup-min 10] [--warmup-max 90] [--round 3] [--tolerance 0.05]
"""
import argparse
import json
import os
import sys
import time


def parse():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True)
    p.add_argument("--metric", default="euclidean", choices=["euclidean", "cosine", "dot"])
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--duration", type=float, default=15)
    p.add_argument("--warmup-min", type=float, default=10)
    p.add_argument("--warmup-max", type=float, default=90)
    p.add_argument("--round", type=float, default=3)
    p.add_argument("--tolerance", type=float, default=0.05)
    a, _ = p.parse_known_args()  # Java-only options (--engine, --layout, --chunk) are ignored
    return a


a = parse()
# Thread counts must be fixed before numpy/faiss load their OpenMP and BLAS runtimes.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(a.threads)

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from recall import load, recall_at_k  # noqa: E402


def blas():
    """Which BLAS FAISS's batched search runs on (Debian's alternatives link)."""
    try:
        return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3").split("/")[-2]
    except OSError:
        return "unknown"


def main():
    faiss.omp_set_num_threads(a.threads)
    meta, base, queries = load(a.data)
    if a.metric == "euclidean":
        index = faiss.IndexFlatL2(meta["dim"])
    else:
        index = faiss.IndexFlatIP(meta["dim"])
    if a.metric == "cosine":
        base = base / np.linalg.norm(base, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    base = np.ascontiguousarray(base, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    index.add(base)
    nq = queries.shape[0]
    b = min(a.batch, nq)
    state = {"next": 0}
    latencies = []
    results = {}

    def one_round(measure):
        t0 = time.perf_counter()
        done = 0
        while True:
            first = state["next"]
            rows = [(first + i) % nq for i in range(b)]
            state["next"] = (first + b) % nq
            block = queries[rows] if b > 1 else queries[first:first + 1]
            t = time.perf_counter()
            _, ids = index.search(block, a.k)
            if measure:
                latencies.append(time.perf_counter() - t)
                for i, q in enumerate(rows):
                    results.setdefault(q, ids[i])
            done += b
            if time.perf_counter() - t0 >= a.round:
                return done, time.perf_counter() - t0

    start = time.perf_counter()
    previous = None
    while True:
        n, secs = one_round(False)
        qps = n / secs
        elapsed = time.perf_counter() - start
        print(f"faiss warm-up round: {qps:.1f} QPS ({elapsed:.0f} s)", file=sys.stderr)
        agree = previous is not None and abs(qps - previous) <= a.tolerance * max(qps, previous)
        if (agree and elapsed >= a.warmup_min) or elapsed >= a.warmup_max:
            break
        previous = qps
    warmup = time.perf_counter() - start
    t0 = time.perf_counter()
    total = 0
    while time.perf_counter() - t0 < a.duration:
        n, _ = one_round(True)
        total += n
    seconds = time.perf_counter() - t0
    lat = np.sort(np.array(latencies)) * 1000
    rec = recall_at_k(a.data, meta, a.metric, a.k, results)
    print(json.dumps({
        "engine": "faiss-" + faiss.__version__, "mode": "flat",
        "impl": type(index).__name__, "data": meta["name"], "metric": a.metric, "k": a.k,
        "batch": b, "qps": round(total / seconds, 1), "recall_at_k": round(rec, 4),
        "p50_ms": round(float(np.percentile(lat, 50)), 3),
        "p99_ms": round(float(np.percentile(lat, 99)), 3),
        "threads": a.threads, "queries": total, "warmup_s": round(warmup), "blas": blas()}))


main()
