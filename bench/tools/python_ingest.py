"""./bench.sh python-ingest: upload a data set through the Python SDK, beside the raw-stub path
(one float per protobuf field), the server's in-process upsert rate, and the ceilings of the
machine, in one run.

    ./bench.sh python-ingest --data DIR [--n N] [--batch 1000] [--concurrency 2] [--passes 5]
                             [--warmup 3] [--paths sdk,raw,discard,encode]

The in-process rate comes from `./bench.sh ingest` (its own JVM, StorageEngine.inMemory() as
`--no-wal` serves it, the same batches, the same heap settings); the server is `./run.sh
--no-wal` (memory only) with the benchmark heap settings. The in-process rate is measured before
and after the client paths and their mean is the peer, so that a change of machine load during
the run weighs on both sides. Each path uploads the first N base vectors into a fresh flat
Euclidean collection: --warmup passes that do not count (a server JVM reached its steady rate
only after 4-6 passes of 100k x 768, about 5 s), then --passes measured ones, whose median
counts (the in-process path likewise, in its own JVM).

The ceilings (--paths discard,encode): the SDK uploading to `BenchMain discard-server` (the same
gRPC transport, Upsert parsed with protobuf's generated parser and the vectors decoded, then
dropped; and again with the request's bytes dropped unread), and the SDK encoding every batch
without sending it (Python's rate of producing request bytes). Every client path also reports
the CPU seconds the client and the server spent on it, per 100k vectors.

Prints one JSON line per path (with the 1-minute load average), then a table with the ratios.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

import vectaraft  # noqa: E402
from vectaraft import _requests  # noqa: E402
from vectaraft.v1 import vectaraft_pb2 as pb2, vectaraft_pb2_grpc  # noqa: E402

LISTENING = re.compile(r"gRPC listening on (\S+):(\d+)")
PATHS = ("sdk", "raw", "discard", "encode")
TICKS = os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--n", type=int, default=0, help="rows to upload (default: all)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--passes", type=int, default=5, help="measured passes per path")
    parser.add_argument("--warmup", type=int, default=3,
                        help="passes of each client path run first and not counted")
    parser.add_argument("--paths", default=",".join(PATHS),
                        help="which client paths to run, of " + ",".join(PATHS))
    args = parser.parse_args()
    paths = args.paths.split(",")
    unknown = set(paths) - set(PATHS)
    if unknown:
        raise SystemExit("--paths: expected some of %s, got %s" % (",".join(PATHS), args.paths))

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
             "--batch", str(args.batch), "--warmup", str(args.warmup), "--passes",
             str(args.passes)], check=True, capture_output=True, text=True
        ).stdout.strip().splitlines()[-1])
        line.update(when=when, load1=os.getloadavg()[0])
        print(json.dumps(line), flush=True)
        return line["vectors_per_s"]

    def report(mode, measured, **extra):
        rate, cpu = measured
        line = dict(engine="vectaraft-python", mode=mode, vectors_per_s=round(rate, 1),
                    load1=os.getloadavg()[0], **extra, **common)
        line.update({k: round(v * 100_000 / n, 3) for k, v in cpu.items()})
        print(json.dumps(line), flush=True)
        results[mode] = rate

    def sdk_upload(client):
        def upload(name):
            col = client.create_collection(name, dimension=dim, metric="euclidean")
            col.upsert(ids, base, batch_size=args.batch, concurrency=args.concurrency)
        return upload

    results = {}
    before = in_process_rate("before")

    # Python's encoding alone, first: run after the gRPC paths in the same process, the same loop
    # once took 8x the CPU time (17:23 UTC, bench/results/python-ingest-20261205T1722Z.txt).
    if "encode" in paths:
        info = vectaraft.CollectionInfo("encode", dim, "euclidean", vectaraft.Flat(), 0, "none",
                                        False)

        def encode(_name):
            upload = _requests.Upload(info, ids, base, None, args.batch, 64 << 20)
            for _offset, _count, _payload in upload.batches:
                pass

        report("python-encode", timed_passes(None, "python-encode", encode, n, args.passes,
                                             args.warmup, None))

    if "sdk" in paths or "raw" in paths:
        server = Server([os.path.join(ROOT, "run.sh"), "--port", "0", "--no-wal", "--no-metrics"],
                        server_env())
        try:
            with vectaraft.Client(server.address, timeout=120) as client:
                def raw(name):
                    client.create_collection(name, dimension=dim, metric="euclidean")
                    stub = vectaraft_pb2_grpc.VectorServiceStub(server.channel)
                    for start in range(0, n, args.batch):
                        rows = base[start:start + args.batch]
                        stub.Upsert(pb2.UpsertRequest(collection=name, records=[
                            pb2.Record(id=ids[start + i], values=row.tolist())
                            for i, row in enumerate(rows)]), timeout=120)

                if "sdk" in paths:
                    report("sdk", timed_passes(client, "sdk", sdk_upload(client), n,
                                               args.passes, args.warmup, server),
                           concurrency=args.concurrency)
                if "raw" in paths:
                    report("raw-stubs", timed_passes(client, "raw-stubs", raw, n, args.passes,
                                                     args.warmup, server), concurrency=1)
        finally:
            server.stop()

    if "discard" in paths:
        for parse in ("protobuf", "none"):
            mode = "sdk-discard-" + ("parsed" if parse == "protobuf" else "unparsed")
            server = Server(discard_server_command(parse), dict(os.environ))
            try:
                with vectaraft.Client(server.address, timeout=120) as client:
                    report(mode, timed_passes(client, mode, sdk_upload(client), n, args.passes,
                                              args.warmup, server),
                           concurrency=args.concurrency)
            finally:
                server.stop()

    peer = (before + in_process_rate("after")) / 2
    print("%-22s %14s %10s %14s" % ("path", "vectors/s", "x raw", "x in-process"))
    raw_rate = results.get("raw-stubs")
    for mode, rate in [("in-process", peer)] + list(results.items()):
        print("%-22s %14.0f %10s %14.2f" % (mode, rate,
                                             "%.2f" % (rate / raw_rate) if raw_rate else "-",
                                             rate / peer))


def timed_passes(client, mode, upload, n, passes, warmup, server):
    """(median rate of the measured passes, CPU seconds per pass by side, averaged): warmup
    passes, then passes measured."""
    rates, cpu = [], {}
    for attempt in range(1 - warmup, passes + 1):
        name = "%s-%d" % (mode, attempt + warmup)
        cpu_before = client_cpu(), server.cpu() if server else 0.0
        start = time.perf_counter()
        upload(name)
        rate = n / (time.perf_counter() - start)
        used = {"client_cpu_s_per_100k": client_cpu() - cpu_before[0]}
        if server:
            used["server_cpu_s_per_100k"] = server.cpu() - cpu_before[1]
        if client is not None:
            client.delete_collection(name)
        print("%s %s %d: %.0f vectors/s" % (mode, "warm-up" if attempt < 1 else "pass",
                                           attempt + warmup if attempt < 1 else attempt, rate),
              file=sys.stderr, flush=True)
        if attempt >= 1:
            rates.append(rate)
            for key, value in used.items():
                cpu[key] = cpu.get(key, 0.0) + value / passes
    return sorted(rates)[len(rates) // 2], cpu


def client_cpu():
    """CPU seconds of this process (every thread: grpc's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_env():
    heap = os.environ.get("BENCH_HEAP", "4g")
    return dict(os.environ, VECTARAFT_JAVA_OPTS=" ".join(heap_options(heap) + [
        os.environ.get("BENCH_JAVA_OPTS", "")]))


def heap_options(heap):
    return ["-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"]


def discard_server_command(parse):
    """The discard server in a JVM set up as bench.sh sets up its own (bench.sh built the jar)."""
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                        "bin", "java")
    target = os.path.join(ROOT, "bench", "target")
    return ([java] + heap_options(os.environ.get("BENCH_HEAP", "4g"))
            + os.environ.get("BENCH_JAVA_OPTS", "").split()
            + ["-XX:+UseG1GC", "--add-modules", "jdk.incubator.vector",
               "-cp", os.path.join(target, "vectaraft-bench.jar") + ":"
               + os.path.join(target, "libs", "*"),
               "io.vectaraft.bench.BenchMain", "discard-server", "--port", "0",
               "--parse", parse])


class Server:
    """A server process on a free port that prints 'gRPC listening on HOST:PORT', and a
    channel to it. Its pid is the JVM's (run.sh and the launcher exec it)."""

    def __init__(self, command, env):
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.address = None
        for line in self.process.stdout:
            match = LISTENING.search(line)
            if match:
                self.address = "127.0.0.1:" + match.group(2)
                break
        if self.address is None:
            raise SystemExit("python-ingest: the server stopped before listening: %s" % command)
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        import grpc
        self.channel = grpc.insecure_channel(self.address, options=[
            ("grpc.max_send_message_length", 64 << 20),
            ("grpc.max_receive_message_length", 64 << 20)])

    def cpu(self):
        """CPU seconds the server process has used so far."""
        with open("/proc/%d/stat" % self.process.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def stop(self):
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=60)


if __name__ == "__main__":
    main()
