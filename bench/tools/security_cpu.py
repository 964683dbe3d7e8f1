"""Server CPU per operation with API keys and TLS on vs off: `./bench.sh security-cpu`.

The throughput ratios of `./bench.sh security` swing with whatever else runs on these shared
VMs. This measures what TLS and keys add to the server's own work instead: a fixed amount of
work per mode, and the CPU time the server process spent on it (/proc/PID/stat, user + system),
so another program's load changes it far less than it changes throughput. The client is the
Python SDK (packed float32 vectors), so it stays light. Per mode, a fresh image (memory only):
one warm-up upload of the data set, then --rounds uploads under new ids (batches of 2,000), then
200 warm-up and --queries measured exact top-10 queries. The mode order reverses every pass.

usage: ./bench.sh security-cpu --data DIR [--passes 2] [--rounds 3] [--queries 1000]
           [--out FILE.jsonl]
"""
import json
import os
import sys
import tempfile

import numpy as np

import security_suite as suite

sys.path.insert(0, os.path.join(suite.ROOT, "clients", "python"))
import vectaraft  # noqa: E402


def server_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(image, mode, files, work, opts, base, queries):
    cert, key, keys = files
    port = suite.free_port()
    with open(os.path.join(work, f"server-{mode.replace('+', '-')}.log"), "w") as log:
        server = suite.start(image, mode, cert, key, keys, port, log)
        try:
            client = vectaraft.Client(
                f"127.0.0.1:{port}", api_key=suite.ADMIN_KEY if "keys" in mode else None,
                tls=cert if "tls" in mode else None, timeout=300, concurrency=4)
            col = client.create_collection("cpu", dimension=base.shape[1], metric="euclidean")
            col.upsert([str(i) for i in range(len(base))], base, batch_size=2000)
            before = server_cpu_seconds(server.pid)
            rounds = int(opts["rounds"])
            for r in range(rounds):
                col.upsert([f"r{r}-{i}" for i in range(len(base))], base, batch_size=2000)
            upsert_us = (server_cpu_seconds(server.pid) - before) / (rounds * len(base)) * 1e6
            for q in queries[:200]:
                col.query(q, k=10)
            n = min(int(opts["queries"]), len(queries))
            before = server_cpu_seconds(server.pid)
            for q in queries[:n]:
                col.query(q, k=10)
            query_ms = (server_cpu_seconds(server.pid) - before) / n * 1e3
            client.close()
        finally:
            server.terminate()
            server.wait(timeout=60)
    return {"mode": mode, "upsert_server_cpu_us_per_vector": round(upsert_us, 3),
            "query_server_cpu_ms_per_query": round(query_ms, 3), "load": os.getloadavg()[0]}


def main():
    opts = {"data": None, "passes": "2", "rounds": "3", "queries": "1000", "out": None}
    argv = sys.argv[1:]
    for i in range(0, len(argv), 2):
        key = argv[i][2:] if argv[i].startswith("--") else None
        if key not in opts or i + 1 >= len(argv):
            suite.fail(f"unknown option or missing value: {argv[i]} (known: "
                       + ", ".join("--" + k for k in opts) + ")")
        opts[key] = argv[i + 1]
    if not opts["data"]:
        suite.fail("--data DIR is required")
    meta = json.load(open(os.path.join(opts["data"], "meta.json")))
    dim = meta["dim"]
    base = np.fromfile(os.path.join(opts["data"], "base.f32"), dtype="<f4").reshape(-1, dim)
    queries = np.fromfile(os.path.join(opts["data"], "query.f32"), dtype="<f4").reshape(-1, dim)
    image = suite.launcher()
    results = []
    with tempfile.TemporaryDirectory(prefix="vectaraft-security-cpu-") as work:
        files = suite.credentials(work)
        for p in range(int(opts["passes"])):
            order = suite.MODES if p % 2 == 0 else suite.MODES[::-1]
            for mode in order:
                r = measure(image, mode, files, work, opts, base, queries)
                r["pass"] = p
                print(json.dumps(r), flush=True)
                results.append(r)
    if opts["out"]:
        with open(opts["out"], "a") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")
    print(f"{'mode':<10} {'upsert CPU/vector vs plain':>28} {'query CPU vs plain':>20}")
    for mode in suite.MODES[1:]:
        cells = []
        for metric in ("upsert_server_cpu_us_per_vector", "query_server_cpu_ms_per_query"):
            ratios = sorted(r[metric] / b[metric] for r in results for b in results
                            if r["mode"] == mode and b["mode"] == "plain" and b["pass"] == r["pass"])
            cells.append(f"{ratios[len(ratios) // 2]:.3f} ({ratios[0]:.2f}-{ratios[-1]:.2f})")
        print(f"{mode:<10} {cells[0]:>28} {cells[1]:>20}")


if __name__ == "__main__":
    main()
