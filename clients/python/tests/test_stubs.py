"""The stubs shipped in vectaraft/v1 are those of the current proto (regenerate_stubs.py)."""

import os
import subprocess
import sys

from conftest import PACKAGE_ROOT, REPO_ROOT

sys.path.insert(0, PACKAGE_ROOT)
import regenerate_stubs  # noqa: E402
from vectaraft.v1 import vectaraft_pb2  # noqa: E402


def test_stubs_come_from_the_current_proto():
    with open(os.path.join(PACKAGE_ROOT, "vectaraft", "v1", "vectaraft_pb2.py")) as f:
        header = f.read(400)
    assert "source sha256: %s" % regenerate_stubs.proto_digest() in header, (
        "proto/vectaraft/v1/vectaraft.proto changed: run /usr/bin/python3 "
        "clients/python/regenerate_stubs.py and commit vectaraft/v1/")


def test_regenerating_changes_nothing():
    check = subprocess.run([sys.executable, os.path.join(PACKAGE_ROOT, "regenerate_stubs.py"),
                            "--check"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_descriptor_is_protocs():
    import tempfile
    with tempfile.TemporaryDirectory() as work:
        serialized, _ = regenerate_stubs.compile_descriptor(work)
    assert vectaraft_pb2.DESCRIPTOR.serialized_pb == serialized


def test_stubs_load_with_the_pure_python_protobuf():
    # The form every protobuf runtime >= 3.20 accepts, the pure-Python one included.
    code = ("from vectaraft.v1 import vectaraft_pb2 as pb;"
            "r = pb.Record(id='a', packed_values=b'\\0\\0\\x80?', metadata={'k': pb.Value(int_value=3)});"
            "assert pb.Record.FromString(r.SerializeToString()) == r")
    env = dict(os.environ, PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="python")
    done = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE_ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
