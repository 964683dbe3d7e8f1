"""The blocking client.

    client = vectaraft.Client("127.0.0.1:50051")
    col = client.create_collection("docs", dimension=384, metric="cosine", index="hnsw")
    col.upsert(ids, vectors, metadata, show_progress=True)
    hits = col.query(vector, k=10, where={"genre": {"$in": ["sf"]}})
"""

import concurrent.futures
import threading
import time

import grpc

from . import _connection, _requests, errors
from ._codec import with_offset
from ._progress import progress
from .types import ServerInfo, Snapshot
from .v1 import vectaraft_pb2 as pb2

# method: (response message, idempotent, kind). Retrying an idempotent call after UNAVAILABLE
# cannot change the outcome; a repeated DeleteCollection would answer NOT_FOUND. kind: READ
# requests take min_lsn (read-your-writes), WRITE replies carry the write's lsn.
_READ, _WRITE = _connection.READ, _connection.WRITE
METHODS = {
    "Ping": (pb2.PingResponse, True, None),
    "CreateCollection": (pb2.CollectionInfo, True, _WRITE),
    "ListCollections": (pb2.ListCollectionsResponse, True, None),
    "DescribeCollection": (pb2.CollectionInfo, True, _READ),
    "DeleteCollection": (pb2.DeleteCollectionResponse, False, _WRITE),
    "Upsert": (pb2.UpsertResponse, True, _WRITE),
    "Get": (pb2.GetResponse, True, _READ),
    "Delete": (pb2.DeleteResponse, True, _WRITE),
    "Query": (pb2.QueryResponse, True, _READ),
    "QueryBatch": (pb2.QueryBatchResponse, True, _READ),
    "Count": (pb2.CountResponse, True, _READ),
    "Scroll": (pb2.ScrollResponse, True, _READ),
    "CreateSnapshot": (pb2.SnapshotInfo, False, None),
    "ListSnapshots": (pb2.ListSnapshotsResponse, True, None),
}


def _serialize(request):
    """Upsert batches arrive already serialized; other requests are messages."""
    return request if isinstance(request, bytes) else request.SerializeToString()


class Client:
    """A connection to a vectaraft server (or to the first of several that answers).

    address: "HOST:PORT" or a list of them; api_key: sent as a bearer token (default
    $VECTARAFT_API_KEY); tls: None (plaintext), True (system roots), a CA file path or
    vectaraft.Tls(ca, cert, key); timeout: seconds per call; retry: vectaraft.Retry for
    UNAVAILABLE on idempotent calls; concurrency: upsert batches in flight at once.

    read_your_writes (default True): reads wait until the node that answers has applied the
    client's own last write (its lsn sent as min_lsn), so a read through any node of a
    cluster sees what this client wrote; `last_lsn` is that position. consistency: the
    default of every read, "local" (the node's state, after read_your_writes' wait) or
    "linearizable" (every write acknowledged by any node before the read; a round trip to
    the leader in a cluster); each read method also takes consistency=.

    Thread-safe; use it as a context manager or call close().
    """

    def __init__(self, address="127.0.0.1:50051", api_key=None, tls=None, timeout=10.0,
                 retry=None, max_message_bytes=_connection.DEFAULT_MAX_MESSAGE_BYTES,
                 concurrency=2, read_your_writes=True, consistency="local"):
        self._addresses = _connection.addresses(address)
        self._credentials = _connection.credentials(tls)
        self._metadata = _connection.call_metadata(api_key)
        self._options = _connection.channel_options(max_message_bytes)
        self.timeout = timeout
        self.retry = retry or _connection.Retry()
        self.max_message_bytes = max_message_bytes
        self.concurrency = concurrency
        _connection.consistency(consistency)  # refused here, not at the first read
        self.consistency = consistency
        self._session = _connection.Session(read_your_writes)
        self._lock = threading.Lock()
        self._current = 0
        self._channels = {}  # guarded by _lock
        self._callables = {}  # guarded by _lock

    # -- transport -----------------------------------------------------------------------

    def _callable(self, method):
        with self._lock:
            address = self._addresses[self._current]
            key = (address, method)
            found = self._callables.get(key)
            if found is None:
                channel = self._channels.get(address)
                if channel is None:
                    channel = (grpc.secure_channel(address, self._credentials, self._options)
                               if self._credentials else
                               grpc.insecure_channel(address, self._options))
                    self._channels[address] = channel
                found = channel.unary_unary(_connection.SERVICE + method,
                                            request_serializer=_serialize,
                                            response_deserializer=METHODS[method][0].FromString)
                self._callables[key] = found
            return found

    def _next_address(self):
        with self._lock:
            self._current = (self._current + 1) % len(self._addresses)

    @property
    def last_lsn(self):
        """The highest log position this client's writes returned (0 before any, and always
        without a log): what its reads wait for under read_your_writes."""
        return self._session.lsn

    def observe_lsn(self, lsn):
        """Makes this client's reads wait for lsn too, e.g. another client's last_lsn: a
        reader then sees that writer's writes on whichever node it asks."""
        self._session.advance(lsn)

    def call(self, method, request):
        """Calls one RPC with retries; raises a VectaraftError."""
        _, idempotent, kind = METHODS[method]
        request = self._session.before(kind, request)
        attempt = 0
        while True:
            try:
                return self._session.after(kind, self._callable(method)(
                    request, timeout=self.timeout, metadata=self._metadata))
            except grpc.RpcError as e:
                if not self.retry.should_retry(e, attempt, idempotent):
                    raise errors.from_rpc_error(e) from None
                self._next_address()
                time.sleep(self.retry.delay(attempt))
                attempt += 1

    def _consistency(self, consistency):
        """A read's ReadConsistency: the call's, else the client's default."""
        return _connection.consistency(self.consistency if consistency is None else consistency)

    def close(self):
        with self._lock:
            for channel in self._channels.values():
                channel.close()
            self._channels.clear()
            self._callables.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- server and collections ----------------------------------------------------------

    def ping(self):
        """The server's version and uptime."""
        reply = self.call("Ping", pb2.PingRequest())
        return ServerInfo(reply.version, reply.uptime_ms)

    def create_collection(self, name, dimension, metric="cosine", index=None,
                          quantization=None, oversample=0.0, on_disk=False):
        """Creates a collection (no-op when it exists with the same parameters; AlreadyExists
        when they differ). index: None or "flat" (exact), "hnsw", vectaraft.Hnsw(m=16, ...)."""
        reply = self.call("CreateCollection", _requests.create_collection(
            name, dimension, metric, index, quantization, oversample, on_disk))
        return Collection(self, _requests.collection_info(reply))

    def get_collection(self, name, consistency=None):
        """The collection of that name; NotFound when there is none."""
        reply = self.call("DescribeCollection", pb2.DescribeCollectionRequest(
            name=name, consistency=self._consistency(consistency)))
        return Collection(self, _requests.collection_info(reply))

    def list_collections(self):
        """CollectionInfo of every collection."""
        reply = self.call("ListCollections", pb2.ListCollectionsRequest())
        return [_requests.collection_info(c) for c in reply.collections]

    def delete_collection(self, name):
        """Deletes a collection and its records; NotFound when there is none."""
        self.call("DeleteCollection", pb2.DeleteCollectionRequest(name=name))

    def create_snapshot(self):
        """Snapshots every collection now (FailedPrecondition on a server without a log)."""
        return Snapshot.of(self.call("CreateSnapshot", pb2.CreateSnapshotRequest()))

    def list_snapshots(self):
        reply = self.call("ListSnapshots", pb2.ListSnapshotsRequest())
        return [Snapshot.of(s) for s in reply.snapshots]


class Collection:
    """A collection: `info` holds its parameters as of when it was fetched."""

    def __init__(self, client, info):
        self._client = client
        self.info = info

    @property
    def name(self):
        return self.info.name

    @property
    def dimension(self):
        return self.info.dimension

    def __repr__(self):
        return "Collection(%r, dimension=%d, metric=%r)" % (self.name, self.dimension,
                                                              self.info.metric)

    def describe(self, consistency=None):
        """Fresh CollectionInfo (count and index state) from the server."""
        self.info = self._client.get_collection(self.name, consistency).info
        return self.info

    def upsert(self, ids, vectors, metadata=None, batch_size=1000, show_progress=False,
               concurrency=None):
        """Inserts or replaces records; returns how many were written.

        vectors: numpy (n, d) array of float32 or float64, or a list of lists; metadata: one
        dict (or None) per id. Sent in batches of batch_size rows (smaller when a batch would
        pass the message limit), `concurrency` at once, in order. A bad row raises
        InvalidArgument whose `index` is its position in ids: batches before it are written,
        batches after it are not sent (a row only the server can refuse may leave up to
        concurrency - 1 later batches written too).
        """
        upload = _requests.Upload(self.info, ids, vectors, metadata, batch_size,
                                  self._client.max_message_bytes)
        width = max(1, concurrency or self._client.concurrency)
        bar = progress(upload.total, show_progress)
        written = 0
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=width) as pool:
                in_flight = []  # (offset, count, future), oldest first
                failure = None
                try:
                    for offset, count, payload in upload.batches:
                        if len(in_flight) == width:
                            written += self._settle(in_flight.pop(0), bar)
                        in_flight.append((offset, count,
                                          pool.submit(self._client.call, "Upsert", payload)))
                except errors.VectaraftError as e:
                    failure = e
                for batch in in_flight:  # earlier batches finish (or fail) before we raise
                    try:
                        written += self._settle(batch, bar)
                    except errors.VectaraftError as e:
                        failure = failure if _earlier(failure, e) else e
                if failure is not None:
                    raise failure
        finally:
            bar.close()
        return written

    @staticmethod
    def _settle(batch, bar):
        offset, count, future = batch
        try:
            reply = future.result()
        except errors.VectaraftError as e:
            raise with_offset(e, offset) from None
        bar.update(count)
        return reply.upserted_count

    def query(self, vector, k=10, where=None, include_values=False, include_metadata=True,
              ef=None, exact=False, consistency=None):
        """The k nearest records to vector, best first, as Hits."""
        reply = self._client.call("Query", _requests.query(
            self.info, vector, k, where, include_values, include_metadata, ef, exact,
            self._client._consistency(consistency)))
        return _requests.hits(reply, include_metadata, include_values)

    def query_batch(self, matrix, k=10, where=None, include_values=False,
                    include_metadata=True, ef=None, exact=False, consistency=None):
        """One list of Hits per row of matrix, in order."""
        reply = self._client.call("QueryBatch", _requests.query_batch(
            self.info, matrix, k, where, include_values, include_metadata, ef, exact,
            self._client._consistency(consistency)))
        return [_requests.hits(r, include_metadata, include_values) for r in reply.results]

    def get(self, ids, include_values=False, include_metadata=True, consistency=None):
        """Records found, in the order asked; missing ids are absent."""
        reply = self._client.call("Get", _requests.get(
            self.info, ids, include_values, include_metadata,
            self._client._consistency(consistency)))
        return _requests.records(reply, include_values, include_metadata)

    def delete(self, ids=None, where=None):
        """Deletes by ids or by filter (exactly one); returns how many were deleted."""
        return self._client.call("Delete", _requests.delete(self.info, ids, where)).deleted_count

    def count(self, where=None, consistency=None):
        """Records matching where (all without it)."""
        return self._client.call("Count", _requests.count(
            self.info, where, self._client._consistency(consistency))).count

    def scroll(self, where=None, batch_size=1000, include_values=False, include_metadata=True,
               consistency=None):
        """Every matching record in id order (UTF-8 bytes), fetched batch_size at a time."""
        token = ""
        level = self._client._consistency(consistency)
        while True:
            reply = self._client.call("Scroll", _requests.scroll(
                self.info, where, batch_size, include_values, include_metadata, token, level))
            yield from _requests.records(reply, include_values, include_metadata)
            token = reply.next_page_token
            if not token:
                return


def _earlier(kept, candidate):
    """Whether the failure kept so far names an earlier row than candidate."""
    if kept is None:
        return False
    if candidate.index is None:
        return True
    return kept.index is not None and kept.index <= candidate.index
