"""HNSW peers for issue 7: hnswlib (Debian python3-hnswlib) and FAISS IndexHNSWFlat (python3-faiss)
on the benchmark layout, one JSON line per (engine, ef): recall@k, QPS, p50/p99, plus build time
and memory per vector.

Queries run in batches of --batch through the library's own threads (--threads), the way the
issue's reference figures were taken; --batch 1 runs single queries from one thread.

usage: /usr/bin/python3 hnsw_peers.py --data DIR [--metric euclidean] [--m 16] [--ef-construction 200]
       [--ef 10,16,24,32,64,128] [--k 10] [--threads 2] [--batch 1000] [--engines hnswlib,faiss]
       [--duration 10] [--warmup-min 5]
"""
import argparse
import json
import os
import resource
import sys
import time

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--data", required=True)
p.add_argument("--metric", default="euclidean", choices=["euclidean", "cosine", "dot"])
p.add_argument("--m", type=int, default=16)
p.add_argument("--ef-construction", type=int, default=200)
p.add_argument("--ef", default="10,16,24,32,64,128")
p.add_argument("--k", type=int, default=10)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=1000)
p.add_argument("--engines", default="hnswlib,faiss")
p.add_argument("--duration", type=float, default=10)
p.add_argument("--warmup-min", type=float, default=5)
a, _ = p.parse_known_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = str(a.threads)

import numpy as np  # noqa: E402

from recall import load, recall_at_k  # noqa: E402


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def timed(search, queries, nq):
    """Warm up until two 2-second rounds agree within 5%, then measure for --duration seconds."""
    b = min(a.batch, nq)
    state = {"next": 0}
    lat, results = [], {}

    def run(seconds, measure):
        t0 = time.perf_counter()
        done = 0
        while time.perf_counter() - t0 < seconds:
            rows = [(state["next"] + i) % nq for i in range(b)]
            state["next"] = (state["next"] + b) % nq
            t = time.perf_counter()
            ids = search(queries[rows])
            if measure:
                lat.append((time.perf_counter() - t) / b)
                for i, q in enumerate(rows):
                    results.setdefault(q, ids[i])
            done += b
        return done / (time.perf_counter() - t0)

    start, prev = time.perf_counter(), None
    while True:
        qps = run(2, False)
        if prev and abs(qps - prev) <= 0.05 * max(qps, prev) and time.perf_counter() - start >= a.warmup_min:
            break
        if time.perf_counter() - start > 60:
            break
        prev = qps
    qps = run(a.duration, True)
    lat = np.sort(np.array(lat)) * 1000
    return qps, results, float(np.percentile(lat, 50)), float(np.percentile(lat, 99))


def main():
    meta, base, queries = load(a.data)
    if a.metric == "cosine":
        base = base / np.linalg.norm(base, axis=1, keepdims=True)
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    base = np.ascontiguousarray(base, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    n, dim = base.shape
    efs = [int(e) for e in a.ef.split(",")]
    for engine in a.engines.split(","):
        before = rss_bytes()
        t = time.perf_counter()
        if engine == "hnswlib":
            import hnswlib
            index = hnswlib.Index(space="l2" if a.metric == "euclidean" else "ip", dim=dim)
            index.init_index(max_elements=n, M=a.m, ef_construction=a.ef_construction, random_seed=42)
            index.set_num_threads(a.threads)
            index.add_items(base, np.arange(n))
            name = "hnswlib-" + getattr(hnswlib, "__version__", "0.6.2")

            def set_ef(ef):
                index.set_ef(max(ef, a.k))

            def search(q):
                return index.knn_query(q, k=a.k, num_threads=a.threads)[0]
        elif engine == "faiss":
            import faiss
            faiss.omp_set_num_threads(a.threads)
            metric = faiss.METRIC_L2 if a.metric == "euclidean" else faiss.METRIC_INNER_PRODUCT
            index = faiss.IndexHNSWFlat(dim, a.m, metric)
            index.hnsw.efConstruction = a.ef_construction
            index.add(base)
            name = "faiss-" + faiss.__version__

            def set_ef(ef):
                index.hnsw.efSearch = max(ef, a.k)

            def search(q):
                return index.search(q, a.k)[1]
        else:
            sys.exit(f"--engines: expected hnswlib or faiss, got {engine}")
        build = time.perf_counter() - t
        mem = (rss_bytes() - before) / n
        print(f"{name}: built in {build:.1f} s", file=sys.stderr)
        for ef in efs:
            set_ef(ef)
            qps, results, p50, p99 = timed(search, queries, meta["nq"])
            rec = recall_at_k(a.data, meta, a.metric, a.k, results)
            print(json.dumps({
                "engine": name, "mode": "hnsw", "data": meta["name"], "metric": a.metric,
                "k": a.k, "m": a.m, "ef_construction": a.ef_construction, "ef": ef,
                "batch": a.batch, "threads": a.threads, "qps": round(qps, 1),
                "recall_at_k": round(rec, 4), "p50_ms": round(p50, 4), "p99_ms": round(p99, 4),
                "build_s": round(build, 1), "bytes_per_vector": round(mem),
                "raw_bytes_per_vector": 4 * dim}), flush=True)
        del index


main()
