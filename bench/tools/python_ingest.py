"""./bench.sh python-ingest: upload a data set through the Python SDK, beside the raw-stub path
(one float per protobuf field) and the server's in-process upsert rate, in one run.

    ./bench.sh python-ingest --data DIR [--n N] [--batch 1000] [--concurrency 2] [--passes 5]

The in-process rate comes from `./bench.sh ingest` (its own JVM, StorageEngine.inMemory() as
`--no-wal` serves it, the same batches, the same heap settings); the server is `./run.sh
--no-wal` (memory only) with the benchmark heap settings. The in-process rate is measured before
and after the client paths and their mean is the peer, so that a change of machine load during
the run weighs on both sides. Each path uploads the first N base vectors into a fresh flat
Euclidean collection, pass after pass, until two passes agree within 10% (at most --passes);
the last pass counts. Prints one JSON line per path (with the 1-minute load average), then a
table with the ratios.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import vectaraft  # noqa: E402
from vectaraft.v1 import vectaraft_pb2 as pb2, vectaraft_pb2_grpc  # noqa: E402

LISTENING = re.compile(r"gRPC listening on (\S+):(\d+)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, default=0, help="rows to upload (default: all)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()

    meta = json.load(open(os.path.join(args.data, "meta.json")))
    n = min(args.n or meta["n"], meta["n"])
    dim = meta["dim"]
    base = np.fromfile(os.path.join(args.data, "base.f32"), dtype="<f4",
                       count=n * dim).reshape(n, dim)
    ids = [str(i) for i in range(n)]
    common = {"data": meta["name"], "n": n, "dim": dim, "batch": args.batch}

    def in_process_rate(when):
        line = json.loads(subprocess.run(
            [os.path.join(ROOT, "bench.sh"), "ingest", "--data", args.data, "--n", str(n),
             "--batch", str(args.batch)], check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1])
        line.update(when=when, load1=os.getloadavg()[0])
        print(json.dumps(line), flush=True)
        return line["vectors_per_s"]

    before = in_process_rate("before")

    server = start_server()
    try:
        with vectaraft.Client(server.address, timeout=120) as client:
            def sdk(name):
                col = client.create_collection(name, dimension=dim, metric="euclidean")
                col.upsert(ids, base, batch_size=args.batch, concurrency=args.concurrency)

            def raw(name):
                client.create_collection(name, dimension=dim, metric="euclidean")
                stub = vectaraft_pb2_grpc.VectorServiceStub(server.channel)
                for start in range(0, n, args.batch):
                    rows = base[start:start + args.batch]
                    stub.Upsert(pb2.UpsertRequest(collection=name, records=[
                        pb2.Record(id=ids[start + i], values=row.tolist())
                        for i, row in enumerate(rows)]), timeout=120)

            results = {}
            for mode, upload in (("sdk", sdk), ("raw-stubs", raw)):
                rate = timed_passes(client, mode, upload, n, args.passes)
                results[mode] = rate
                line = dict(engine="vectaraft-python", mode=mode, vectors_per_s=round(rate, 1),
                            concurrency=args.concurrency if mode == "sdk" else 1,
                            load1=os.getloadavg()[0], **common)
                print(json.dumps(line), flush=True)
    finally:
        server.stop()

    peer = (before + in_process_rate("after")) / 2
    print("%-12s %14s %10s %14s" % ("path", "vectors/s", "x raw", "x in-process"))
    for mode, rate in (("in-process", peer), ("sdk", results["sdk"]),
                       ("raw-stubs", results["raw-stubs"])):
        print("%-12s %14.0f %10.2f %14.2f" % (mode, rate, rate / results["raw-stubs"], rate / peer))


def timed_passes(client, mode, upload, n, passes):
    previous = rate = 0.0
    for attempt in range(1, passes + 1):
        name = "%s-%d" % (mode, attempt)
        start = time.perf_counter()
        upload(name)
        rate = n / (time.perf_counter() - start)
        client.delete_collection(name)
        print("%s pass %d: %.0f vectors/s" % (mode, attempt, rate), file=sys.stderr, flush=True)
        if attempt > 1 and abs(rate - previous) <= 0.1 * max(rate, previous):
            break
        previous = rate
    return rate


class start_server:
    """./run.sh --no-wal on a free port, with the benchmark's heap settings."""

    def __init__(self):
        heap = os.environ.get("BENCH_HEAP", "4g")
        env = dict(os.environ, VECTARAFT_JAVA_OPTS=" ".join([
            "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages",
            os.environ.get("BENCH_JAVA_OPTS", "")]))
        self.process = subprocess.Popen(
            [os.path.join(ROOT, "run.sh"), "--port", "0", "--no-wal", "--no-metrics"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.address = None
        for line in self.process.stdout:
            match = LISTENING.search(line)
            if match:
                self.address = "127.0.0.1:" + match.group(2)
                break
        if self.address is None:
            raise SystemExit("python-ingest: the server stopped before listening")
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        import grpc
        self.channel = grpc.insecure_channel(self.address, options=[
            ("grpc.max_send_message_length", 64 << 20),
            ("grpc.max_receive_message_length", 64 << 20)])

    def stop(self):
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=60)


if __name__ == "__main__":
    main()
