"""API keys and TLS on vs off over gRPC, alternated: `./bench.sh security`.

Starts the runtime image (`bin/vectaraft`, memory only) four ways: plain, API keys (a key file of
three keys, the client sending the admin one), TLS (a certificate made here with openssl), and
both. Against each it runs `./bench.sh grpc` twice: queries (exact top-k, `--concurrency` clients)
and upserts. The order of the four rotates every pass, so none always runs first on these noisy
VMs; each pass divides by its own plain run, and the median ratio of the passes is printed with
its spread. Targets (issue: security): keys cost under 5% of throughput, TLS under 15%.

usage: ./bench.sh security --data DIR [--passes 3] [--duration 20] [--warmup 10]
           [--concurrency 16] [--out FILE.jsonl]
"""
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = ["plain", "keys", "tls", "keys+tls"]
ADMIN_KEY = "vtr_bench_" + "0123456789abcdefghijklmnop"


def fail(message):
    print(f"bench security: {message}", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    opts = {"data": None, "passes": "3", "duration": "20", "warmup": "10", "concurrency": "16",
            "out": None}
    i = 0
    while i < len(argv):
        key = argv[i][2:] if argv[i].startswith("--") else None
        if key not in opts or i + 1 >= len(argv):
            fail(f"unknown option or missing value: {argv[i]} (known: "
                 + ", ".join("--" + k for k in opts) + ")")
        opts[key] = argv[i + 1]
        i += 2
    if not opts["data"]:
        fail("--data DIR is required (make one: ./bench.sh data synthetic DIR --n 100000 --dim 128)")
    return opts


def launcher():
    subprocess.run([os.path.join(ROOT, "run.sh"), "--version"], check=True,
                   stdout=subprocess.DEVNULL)
    dist = os.path.join(ROOT, "dist", "target")
    for name in sorted(os.listdir(dist)):
        path = os.path.join(dist, name, "bin", "vectaraft")
        if name.startswith("vectaraft-") and os.access(path, os.X_OK):
            return path
    fail("no image under dist/target after ./run.sh built it")


def credentials(work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    keys = os.path.join(work, "keys.yaml")
    with open(keys, "w") as f:
        f.write("keys:\n")
        for kid, role, secret in [("tenant-a", "read-write", "vtr_a_" + "x" * 26),
                                  ("tenant-b", "read-only", "vtr_b_" + "y" * 26),
                                  ("bench", "admin", ADMIN_KEY)]:
            digest = hashlib.sha256(secret.encode()).hexdigest()
            f.write(f"  - id: {kid}\n    sha256: {digest}\n    role: {role}\n")
    return cert, key, keys


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(image, mode, cert, key, keys, port, log):
    args = [image, "--port", str(port), "--no-wal", "--no-metrics"]
    if "keys" in mode:
        args += ["--api-keys-file", keys]
    if "tls" in mode:
        args += ["--tls-cert", cert, "--tls-key", key]
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            fail(f"server ({mode}) exited with {server.returncode}; see {log.name}")
        with open(log.name) as f:
            if " ready in " in f.read():
                return server
        time.sleep(0.2)
    server.kill()
    fail(f"server ({mode}) not ready in 60 s; see {log.name}")


def bench(mode, port, opts, cert, upsert):
    args = [os.path.join(ROOT, "bench.sh"), "grpc", "--addr", f"127.0.0.1:{port}",
            "--data", opts["data"], "--concurrency", opts["concurrency"],
            "--duration", opts["duration"], "--warmup", opts["warmup"]]
    if "keys" in mode:
        args += ["--api-key", ADMIN_KEY]
    if "tls" in mode:
        args += ["--tls-ca", cert]
    if upsert:
        args += ["--upsert", "--no-load"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    line = json.loads(out.strip().splitlines()[-1])
    line["security"] = mode
    return line


def main():
    opts = parse(sys.argv[1:])
    image = launcher()
    results = []
    with tempfile.TemporaryDirectory(prefix="vectaraft-security-") as work:
        cert, key, keys = credentials(work)
        for p in range(int(opts["passes"])):
            order = MODES[p % 4:] + MODES[:p % 4]
            for mode in order:
                port = free_port()
                with open(os.path.join(work, f"server-{p}-{mode.replace('+', '-')}.log"), "w") as log:
                    server = start(image, mode, cert, key, keys, port, log)
                    try:
                        for upsert in (False, True):
                            r = bench(mode, port, opts, cert, upsert)
                            r["pass"] = p
                            r["load"] = os.getloadavg()[0]
                            print(json.dumps(r), flush=True)
                            results.append(r)
                    finally:
                        server.send_signal(signal.SIGTERM)
                        server.wait(timeout=60)
    if opts["out"]:
        with open(opts["out"], "a") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")
    summarize(results)


def summarize(results):
    print(f"{'mode':<10} {'query ratio':>22} {'upsert ratio':>22}")
    for mode in MODES[1:]:
        cells = []
        for kind, metric in (("grpc-query", "qps"), ("grpc-upsert", "vectors_per_s")):
            ratios = []
            for r in results:
                if r["security"] != mode or r["mode"] != kind:
                    continue
                base = [b for b in results if b["security"] == "plain" and b["mode"] == kind
                        and b["pass"] == r["pass"]][0]
                ratios.append(r[metric] / base[metric])
            cells.append(f"{statistics.median(ratios):.3f} ({min(ratios):.2f}-{max(ratios):.2f})")
        print(f"{mode:<10} {cells[0]:>22} {cells[1]:>22}")


if __name__ == "__main__":
    main()
