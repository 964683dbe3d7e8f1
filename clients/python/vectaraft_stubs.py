"""Loads the vectaraft gRPC stubs, generating them from proto/ on first use.

The stubs are generated with the grpc_tools.protoc of the running interpreter
(for Debian's python3-grpc-tools that is protoc 3.5, which is why the .proto
stays plain proto3). They go to clients/python/_gen/ and are regenerated when
the .proto is newer than them.
"""

import os
import shutil
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
_GEN = os.path.join(_HERE, "_gen")
_PROTO_ROOT = os.path.normpath(os.path.join(_HERE, "..", "..", "proto"))
_PROTO_FILE = os.path.join("vectaraft", "v1", "vectaraft.proto")
_PB2 = os.path.join(_GEN, "vectaraft", "v1", "vectaraft_pb2.py")


def _stale():
    if not os.path.exists(_PB2):
        return True
    return os.path.getmtime(os.path.join(_PROTO_ROOT, _PROTO_FILE)) > os.path.getmtime(_PB2)


def _generate():
    try:
        from grpc_tools import protoc
    except ImportError as e:
        raise RuntimeError(
            "grpc_tools is missing: install python3-grpc-tools (Debian) or "
            "'pip install grpcio-tools', and run with that interpreter (e.g. /usr/bin/python3)"
        ) from e
    # Generate next to _gen and swap it in, so a failed or concurrent run never
    # leaves half-written stubs behind.
    tmp = tempfile.mkdtemp(prefix="_gen.", dir=_HERE)
    try:
        rc = protoc.main([
            "grpc_tools.protoc",
            "-I" + _PROTO_ROOT,
            "--python_out=" + tmp,
            "--grpc_python_out=" + tmp,
            os.path.join(_PROTO_ROOT, _PROTO_FILE),
        ])
        if rc != 0:
            raise RuntimeError("protoc failed on %s (exit %d)" % (_PROTO_FILE, rc))
        if os.path.isdir(_GEN):
            shutil.rmtree(_GEN, ignore_errors=True)
        os.replace(tmp, _GEN)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def load():
    """Returns (vectaraft_pb2, vectaraft_pb2_grpc), generating them if needed."""
    if _stale():
        _generate()
    if _GEN not in sys.path:
        sys.path.insert(0, _GEN)
    from vectaraft.v1 import vectaraft_pb2, vectaraft_pb2_grpc
    return vectaraft_pb2, vectaraft_pb2_grpc
