"""Channel options, credentials, API keys, addresses and the retry policy, shared by the
blocking and the asyncio client."""

import os
import threading
from dataclasses import dataclass
from typing import Optional, Union

import grpc

from . import errors
from .v1 import vectaraft_pb2 as pb2

SERVICE = "/vectaraft.v1.VectorService/"
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # the server's default grpc.max-message-bytes


@dataclass(frozen=True)
class Tls:
    """TLS settings: `ca` the PEM certificates that sign the server's (None: the system's
    roots); `cert` and `key` a client certificate for mutual TLS. Paths or PEM bytes."""
    ca: Optional[Union[str, bytes]] = None
    cert: Optional[Union[str, bytes]] = None
    key: Optional[Union[str, bytes]] = None

    def credentials(self):
        if (self.cert is None) != (self.key is None):
            raise errors.InvalidArgument("tls: expected cert and key together, got only one")
        return grpc.ssl_channel_credentials(_pem(self.ca), _pem(self.key), _pem(self.cert))


def _pem(source):
    if source is None or isinstance(source, bytes):
        return source
    with open(source, "rb") as f:
        return f.read()


def credentials(tls):
    """Channel credentials for tls: None/False plaintext, True system roots, a path to a CA
    file, or a Tls."""
    if tls is None or tls is False:
        return None
    if tls is True:
        return grpc.ssl_channel_credentials()
    if isinstance(tls, (str, bytes, os.PathLike)):
        return Tls(ca=os.fspath(tls) if not isinstance(tls, bytes) else tls).credentials()
    if isinstance(tls, Tls):
        return tls.credentials()
    raise errors.InvalidArgument("tls: expected None, True, a CA file path or vectaraft.Tls, "
                                 "got %s" % type(tls).__name__)


def call_metadata(api_key):
    """Metadata sent with every call: the API key as a bearer token (default
    $VECTARAFT_API_KEY)."""
    key = api_key if api_key is not None else os.environ.get("VECTARAFT_API_KEY")
    return (("authorization", "Bearer " + key),) if key else ()


def channel_options(max_message_bytes):
    return [("grpc.max_send_message_length", max_message_bytes),
            ("grpc.max_receive_message_length", max_message_bytes)]


def addresses(address):
    """One address or a list of them, as a non-empty list."""
    result = [address] if isinstance(address, str) else list(address)
    if not result or not all(isinstance(a, str) and a for a in result):
        raise errors.InvalidArgument("address: expected HOST:PORT or a list of them, got %r"
                                     % (address,))
    return result


@dataclass(frozen=True)
class Retry:
    """UNAVAILABLE is retried for idempotent calls, `attempts` times at most, waiting
    `backoff` seconds doubled each time (at most `max_backoff`), moving to the next address."""
    attempts: int = 3
    backoff: float = 0.1
    max_backoff: float = 2.0

    def delay(self, attempt):
        return min(self.backoff * (2 ** attempt), self.max_backoff)

    def should_retry(self, error, attempt, idempotent):
        return (idempotent and attempt < self.attempts
                and isinstance(error, grpc.RpcError)
                and error.code() == grpc.StatusCode.UNAVAILABLE)


CONSISTENCIES = {None: pb2.READ_CONSISTENCY_LOCAL, "local": pb2.READ_CONSISTENCY_LOCAL,
                 "linearizable": pb2.READ_CONSISTENCY_LINEARIZABLE}


def consistency(name):
    """The ReadConsistency for None or "local" (this node's state) and "linearizable" (every
    write acknowledged before the read, by any node)."""
    key = name.lower() if isinstance(name, str) else name
    if key not in CONSISTENCIES:
        raise errors.InvalidArgument("consistency: expected local or linearizable, got %r"
                                     % (name,))
    return CONSISTENCIES[key]


class Session:
    """Read-your-writes: the highest log position (lsn) the client's writes returned, sent as
    min_lsn on its reads, so a node that has not applied the client's last write yet waits
    for it (within the call's deadline) instead of answering from older state.

    A mutation's reply carries its lsn (the Raft log index in a cluster, the write-ahead log's
    sequence standalone; 0 without a log). Reads are the calls whose requests take min_lsn.
    Thread-safe."""

    def __init__(self, enabled):
        self.enabled = enabled
        self._lock = threading.Lock()
        self._lsn = 0  # guarded by _lock

    @property
    def lsn(self):
        with self._lock:
            return self._lsn

    def advance(self, lsn):
        """Raises the position reads wait for to lsn, if it is higher."""
        if lsn < 0:
            raise errors.InvalidArgument("lsn: expected 0 or more, got %d" % lsn)
        with self._lock:
            if lsn > self._lsn:
                self._lsn = lsn

    def before(self, kind, request):
        """A read's request with min_lsn raised to the session's position."""
        if kind == READ and self.enabled and not isinstance(request, bytes):
            lsn = self.lsn
            if lsn > request.min_lsn:
                request.min_lsn = lsn
        return request

    def after(self, kind, reply):
        """Notes a write's position."""
        if kind == WRITE and reply.lsn:
            self.advance(reply.lsn)
        return reply


READ = "read"    # the request takes consistency and min_lsn
WRITE = "write"  # the reply carries the write's lsn
