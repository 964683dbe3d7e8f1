"""The benchmark data layout shared by every vectaraft benchmark.

A data set is a folder with
  meta.json   {"name", "n", "nq", "dim", "gt_k", "files": {...}, "source": ...}
  base.f32    n  x dim little-endian float32, row-major, no header
  query.f32   nq x dim, same encoding
  gt_l2.i32   nq x gt_k int32: exact nearest ids (rows of base.f32) by Euclidean distance
  gt_cos.i32  the same by cosine similarity
  gt_dot.i32  the same by inner product
Ground truth is computed in float64, so near-ties are ordered exactly.
"""
import json
import os

import numpy as np

GT_K = 100


def write(out_dir, name, base, queries, source):
    base = np.ascontiguousarray(base, dtype="<f4")
    queries = np.ascontiguousarray(queries, dtype="<f4")
    if base.ndim != 2 or queries.ndim != 2 or base.shape[1] != queries.shape[1]:
        raise ValueError(f"expected 2-d base and queries of one dim, got {base.shape} and {queries.shape}")
    os.makedirs(out_dir, exist_ok=True)
    base.tofile(os.path.join(out_dir, "base.f32"))
    queries.tofile(os.path.join(out_dir, "query.f32"))
    k = min(GT_K, base.shape[0])
    for metric, file in (("l2", "gt_l2.i32"), ("cos", "gt_cos.i32"), ("dot", "gt_dot.i32")):
        ids = exact_neighbours(base, queries, metric, k)
        ids.astype("<i4").tofile(os.path.join(out_dir, file))
    meta = {
        "name": name,
        "n": int(base.shape[0]),
        "nq": int(queries.shape[0]),
        "dim": int(base.shape[1]),
        "gt_k": k,
        "dtype": "float32-le",
        "files": {"base": "base.f32", "query": "query.f32", "gt_l2": "gt_l2.i32",
                  "gt_cos": "gt_cos.i32", "gt_dot": "gt_dot.i32"},
        "source": source,
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(json.dumps(meta))


def exact_neighbours(base, queries, metric, k, block=256):
    """Exact top-k ids per query, best first (ties by smaller id), scored in float64."""
    x = base.astype(np.float64)
    q_all = queries.astype(np.float64)
    if metric == "cos":
        x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-300)
        q_all = q_all / np.maximum(np.linalg.norm(q_all, axis=1, keepdims=True), 1e-300)
    x_norms = (x * x).sum(axis=1)
    out = np.empty((q_all.shape[0], k), dtype=np.int64)
    ids = np.arange(x.shape[0])
    for start in range(0, q_all.shape[0], block):
        q = q_all[start:start + block]
        ip = q @ x.T
        if metric == "l2":
            # Lower is better: use the squared distance (|q|^2 is constant per row).
            cost = x_norms[None, :] - 2.0 * ip
        else:
            cost = -ip
        part = np.argpartition(cost, k - 1, axis=1)[:, :k]
        for r in range(q.shape[0]):
            cand = part[r]
            if metric == "l2":
                # Re-score the candidates directly: the expansion above loses precision on near-duplicates.
                d = q[r][None, :] - x[cand]
                c = (d * d).sum(axis=1)
            else:
                c = cost[r, cand]
            order = np.lexsort((ids[cand], c))
            out[start + r] = cand[order]
    return out
