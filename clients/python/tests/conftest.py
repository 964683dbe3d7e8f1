"""Servers for the tests: the runtime image's bin/vectaraft as a real process.

The image is $VECTARAFT_IMAGE (set by the Maven build's PythonSdkIT), else the newest
dist/target/vectaraft-*/ of this checkout. Tests that need a server fail when there is none.
"""

import glob
import hashlib
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
REPO_ROOT = os.path.normpath(os.path.join(PACKAGE_ROOT, "..", ".."))
sys.path.insert(0, PACKAGE_ROOT)  # the package from the checkout, not an installed copy

LISTENING = re.compile(r"gRPC listening on (\S+):(\d+)")
ADMIN_KEY = "vtr_admin_0123456789abcdefghijklmnopqrstuvwxyz"
READER_KEY = "vtr_reader_0123456789abcdefghijklmnopqrstuvwxyz"


def image():
    path = os.environ.get("VECTARAFT_IMAGE")
    if not path:
        found = sorted(glob.glob(os.path.join(REPO_ROOT, "dist", "target", "vectaraft-*", "bin",
                                              "vectaraft")), key=os.path.getmtime)
        if not found:
            pytest.fail("no server image: set VECTARAFT_IMAGE or build dist (./run.sh --help)")
        path = os.path.dirname(os.path.dirname(found[-1]))
    return path


class Server:
    """bin/vectaraft running with the given flags; address once it listens."""

    def __init__(self, work_dir, *flags, env=None, java_opts=None):
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith("VECTARAFT_")}
        environment.update(env or {})
        if java_opts:
            environment["VECTARAFT_JAVA_OPTS"] = java_opts
        self.process = subprocess.Popen(
            [os.path.join(image(), "bin", "vectaraft"), "--port", "0", "--no-metrics", *flags],
            cwd=work_dir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines = []
        found = queue.Queue()
        threading.Thread(target=self._pump, args=(found,), daemon=True).start()
        try:
            self.address = found.get(timeout=60)
        except queue.Empty:
            self.stop()
            pytest.fail("server did not listen within 60 s:\n" + "\n".join(self.lines))
        if self.address is None:
            pytest.fail("server exited before listening:\n" + "\n".join(self.lines))

    def _pump(self, found):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match:
                found.put("127.0.0.1:%s" % match.group(2))
        found.put(None)

    def tail(self, lines=40):
        return "\n".join(self.lines[-lines:])

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A server with a write-ahead log (snapshots work)."""
    work = tmp_path_factory.mktemp("server")
    s = Server(str(work), "--wal-path", str(work / "wal.jsonl"), "--fsync", "none")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def memory_server(tmp_path_factory):
    """A server without a log and with a 1 MiB message limit."""
    s = Server(str(tmp_path_factory.mktemp("memory")), "--no-wal",
               "--max-message-bytes", str(1024 * 1024))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory):
    """A server that wants API keys: ADMIN_KEY (admin) and READER_KEY (read-only)."""
    work = tmp_path_factory.mktemp("keyed")
    keys = work / "keys.yaml"
    keys.write_text("keys:\n" + "".join(
        "  - id: %s\n    sha256: %s\n    role: %s\n"
        % (name, hashlib.sha256(key.encode()).hexdigest(), role)
        for name, key, role in [("ops", ADMIN_KEY, "admin"), ("reader", READER_KEY, "read-only")]))
    s = Server(str(work), "--no-wal", "--api-keys-file", str(keys))
    yield s
    s.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LEADER = re.compile(r"cluster: leader is (\S+) ")


class Cluster:
    """Three bin/vectaraft processes forming a Raft group on loopback (as the server's
    ClusterProcessTest starts them): nodes[i].address is node i's gRPC address."""

    def __init__(self, work_dir, size=3):
        peers = ",".join("n%d=127.0.0.1:%d" % (i, free_port()) for i in range(1, size + 1))
        self.nodes = []
        try:
            for i in range(1, size + 1):
                node_dir = os.path.join(work_dir, "n%d" % i)
                os.makedirs(node_dir)
                self.nodes.append(Server(node_dir, "--wal-path", os.path.join(node_dir, "wal.jsonl"),
                                         "--fsync", "none", "--node-id", "n%d" % i,
                                         "--peers", peers, java_opts="-Xmx256m"))
            self.await_leader()
        except BaseException:
            self.stop()
            raise

    def leader(self):
        """The leader most recently announced by a live node's log, or None."""
        seen = None
        for node in self.nodes:
            if node.process.poll() is None:
                for line in node.lines:
                    match = LEADER.search(line)
                    if match and match.group(1) != "unknown":
                        seen = match.group(1)
        return seen

    def await_leader(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.leader():
                return self.leader()
            time.sleep(0.05)  # polling other processes' logs: nothing to wait on here
        pytest.fail("no leader within %d s:\n%s" % (timeout, "\n".join(
            "--- n%d\n%s" % (i + 1, n.tail()) for i, n in enumerate(self.nodes))))

    def stop(self):
        for node in self.nodes:
            node.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(str(tmp_path_factory.mktemp("cluster")))
    yield c
    c.stop()


@pytest.fixture
def client(server):
    import vectaraft
    with vectaraft.Client(server.address) as c:
        yield c


_names = iter(range(1, 1_000_000))


@pytest.fixture
def name(request):
    """A collection name unique in the session."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", request.node.name)[:50] + "-%d" % next(_names)
