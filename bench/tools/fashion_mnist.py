"""Converts Debian's dataset-fashion-mnist into the benchmark layout (see dataset.py).

base: the 60,000 training images; queries: the first 1,000 test images (the ann-benchmarks
fashion-mnist-784-euclidean set uses all 10,000; 1,000 keep runs short). Pixels stay 0..255 floats.

usage: /usr/bin/python3 fashion_mnist.py OUT_DIR [--src /usr/share/datasets/fashion-mnist] [--nq 1000]
"""
import argparse
import gzip
import os
import struct

import numpy as np

import dataset


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise ValueError(f"{path}: expected idx3 magic 2051, got {magic}")
        pixels = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    if pixels.size != count * rows * cols:
        raise ValueError(f"{path}: expected {count * rows * cols} pixels, got {pixels.size}")
    return pixels.reshape(count, rows * cols).astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out")
    p.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--nq", type=int, default=1000)
    a = p.parse_args()
    base = read_idx_images(os.path.join(a.src, "train-images-idx3-ubyte.gz"))
    queries = read_idx_images(os.path.join(a.src, "t10k-images-idx3-ubyte.gz"))[: a.nq]
    dataset.write(a.out, "fashion-mnist-784", base, queries,
                  {"kind": "fashion-mnist", "path": a.src, "queries": f"first {a.nq} test images"})


if __name__ == "__main__":
    main()
