#!/usr/bin/env python3
"""Measures the runtime image's launch-to-accepting-gRPC time.

    /usr/bin/python3 jlink/measure-startup.py [--image DIR] [--runs N] [--server-args="FLAGS"]
    /usr/bin/python3 jlink/measure-startup.py --compare [--image DIR] [--runs N]

Each run starts bin/vectaraft on a free port with an empty data directory, and times from the
fork to the first successful Ping (a fresh connection per attempt, so no client reconnect
backoff hides the moment; WAL and metrics on), and reads the CPU time the server process had used by then (less
sensitive than wall time to other load on a shared machine). Prints every run, then medians and
minimums.

--compare interleaves three variants run by run, so that they see the same load: as shipped
(metrics on, with the image's lib/vectaraft.jsa if present), the same without that archive (the
JDK's own CDS archive only), and --no-metrics. Prints the load average before and after.
"""

import argparse
import glob
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "clients", "python"))

import grpc  # noqa: E402

from vectaraft.v1 import vectaraft_pb2 as pb2, vectaraft_pb2_grpc as pb2_grpc  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinged(port):
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        try:
            pb2_grpc.VectorServiceStub(channel).Ping(pb2.PingRequest(), timeout=0.5)
            return True
        except grpc.RpcError:
            return False


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc (Linux)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(launcher, extra, java_opts=None):
    data = tempfile.mkdtemp(prefix="vectaraft-startup-")
    port = free_port()
    args = [launcher, "--port", str(port), "--wal-path", os.path.join(data, "wal.jsonl"),
            "--metrics-addr", "127.0.0.1:0"] + extra
    start = time.monotonic()
    env = dict(os.environ)
    if java_opts is not None:
        env["VECTARAFT_JAVA_OPTS"] = java_opts
    server = subprocess.Popen(args, cwd=data, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while not pinged(port):
            if server.poll() is not None:
                raise SystemExit("server exited with %d before answering: %s"
                                 % (server.returncode, " ".join(args)))
            if time.monotonic() - start > 60:
                raise SystemExit("no Ping answer within 60 s")
            time.sleep(0.005)
        return time.monotonic() - start, cpu_seconds(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            print("warning: server ignored SIGTERM for 30 s; killed", file=sys.stderr)
        shutil.rmtree(data, ignore_errors=True)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def compare(launcher, image, runs):
    no_archive = "-XX:SharedArchiveFile=" + os.path.join(image, "lib", "server", "classes.jsa")
    variants = [("as shipped", [], None),
                ("without lib/vectaraft.jsa", [], no_archive),
                ("--no-metrics", ["--no-metrics"], None)]
    print("load average before: %s" % load_average())
    results = {label: ([], []) for label, _, _ in variants}
    for label, extra, opts in variants:
        one_run(launcher, extra, opts)  # warms the OS file cache; not counted
    for _ in range(runs):
        for label, extra, opts in variants:
            wall, cpu = one_run(launcher, extra, opts)
            results[label][0].append(wall)
            results[label][1].append(cpu)
    for label, (walls, cpus) in results.items():
        print("%-26s median %5.0f ms (min %5.0f) wall, median %5.0f ms (min %5.0f) CPU, %d runs"
              % (label, statistics.median(walls) * 1000, min(walls) * 1000,
                 statistics.median(cpus) * 1000, min(cpus) * 1000, len(walls)))
    print("load average after: %s" % load_average())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_image = sorted(glob.glob(os.path.join(HERE, "..", "dist", "target", "vectaraft-*[0-9]")))
    parser.add_argument("--image", default=default_image[-1] if default_image else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--server-args", default="", help="more server flags, e.g. \"--no-metrics\"")
    parser.add_argument("--compare", action="store_true",
                        help="interleave: as shipped, without lib/vectaraft.jsa, --no-metrics")
    args = parser.parse_args()
    if not args.image:
        raise SystemExit("no image under dist/target: build it first (./run.sh --version)")
    launcher = os.path.join(os.path.abspath(args.image), "bin", "vectaraft")
    extra = shlex.split(args.server_args)
    if args.compare:
        compare(launcher, os.path.abspath(args.image), args.runs)
        return
    one_run(launcher, extra)  # warms the OS file cache; not counted
    walls, cpus = [], []
    for i in range(args.runs):
        wall, cpu = one_run(launcher, extra)
        walls.append(wall)
        cpus.append(cpu)
        print("run %d: %.0f ms wall, %.0f ms CPU" % (i + 1, wall * 1000, cpu * 1000))
    print("launch to first Ping: median %.0f ms (min %.0f) wall, median %.0f ms (min %.0f) CPU,"
          " %d runs" % (statistics.median(walls) * 1000, min(walls) * 1000,
                        statistics.median(cpus) * 1000, min(cpus) * 1000, len(walls)))


if __name__ == "__main__":
    main()
