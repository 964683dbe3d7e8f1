"""Deterministic synthetic data: a Gaussian mixture, written in the benchmark layout (dataset.py).

Cluster centres are N(0, 1) per coordinate; each point is a centre plus N(0, spread^2) noise, the
centre chosen uniformly. Queries are fresh draws from the same mixture. The same arguments give
the same bytes (numpy's PCG64 generator, seeded).

usage: /usr/bin/python3 synthetic.py OUT_DIR --n 100000 --dim 128 --clusters 100 --seed 42 [--nq 1000] [--spread 0.5]
"""
import argparse

import numpy as np

import dataset


def draw(rng, centres, count, spread):
    labels = rng.integers(0, centres.shape[0], size=count)
    noise = rng.standard_normal((count, centres.shape[1]), dtype=np.float32) * np.float32(spread)
    return centres[labels] + noise


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--clusters", type=int, default=100)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--nq", type=int, default=1000)
    p.add_argument("--spread", type=float, default=0.5)
    a = p.parse_args()
    if a.n < 1 or a.dim < 1 or a.clusters < 1 or a.nq < 1:
        p.error(f"n, dim, clusters, nq: expected >= 1, got {a.n}, {a.dim}, {a.clusters}, {a.nq}")
    rng = np.random.default_rng(a.seed)
    centres = rng.standard_normal((a.clusters, a.dim), dtype=np.float32)
    base = draw(rng, centres, a.n, a.spread)
    queries = draw(rng, centres, a.nq, a.spread)
    dataset.write(a.out, f"synthetic-{a.n}x{a.dim}", base, queries,
                  {"kind": "gaussian-mixture", "clusters": a.clusters, "seed": a.seed,
                   "spread": a.spread})


if __name__ == "__main__":
    main()
