"""Loading the benchmark layout and tie-aware recall@k (the rule of the Java harness's Recall)."""
import json
import os

import numpy as np


def load(data_dir):
    with open(os.path.join(data_dir, "meta.json")) as f:
        meta = json.load(f)
    n, nq, dim = meta["n"], meta["nq"], meta["dim"]
    base = np.fromfile(os.path.join(data_dir, "base.f32"), dtype="<f4").reshape(n, dim)
    queries = np.fromfile(os.path.join(data_dir, "query.f32"), dtype="<f4").reshape(nq, dim)
    return meta, base, queries


def recall_at_k(data_dir, meta, metric, k, results):
    """Mean over the queries in results (query row -> returned ids) of the tie-aware recall@k."""
    if not results:
        return float("nan")
    file = {"euclidean": "gt_l2.i32", "cosine": "gt_cos.i32", "dot": "gt_dot.i32"}[metric]
    gt = np.fromfile(os.path.join(data_dir, file), dtype="<i4").reshape(meta["nq"], meta["gt_k"])
    _, base, queries = load(data_dir)
    total = 0.0
    for q, ids in results.items():
        truth = gt[q, :k]
        qv = queries[q].astype(np.float64)

        def cost(i):
            x = base[i].astype(np.float64)
            if metric == "euclidean":
                return float(((qv - x) ** 2).sum())
            if metric == "cosine":
                return -float(qv @ x) / (np.linalg.norm(qv) * np.linalg.norm(x))
            return -float(qv @ x)

        kth = cost(truth[-1])
        slack = 1e-6 * abs(kth) + 1e-9
        hits = sum(1 for i in ids[:k] if i >= 0 and (i in truth or cost(i) <= kth + slack))
        total += hits / k
    return total / len(results)
