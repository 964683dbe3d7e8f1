"""The asyncio client: vectaraft.Client's API on grpc.aio, every call awaited.

    async with vectaraft.aio.Client("127.0.0.1:50051") as client:
        col = await client.create_collection("docs", dimension=384)
        await col.upsert(ids, vectors)
        hits = await col.query(vectors[0], k=10)
        async for record in col.scroll():
            ...
"""

import asyncio

import grpc
import grpc.aio

from . import _connection, _requests, errors
from ._codec import with_offset
from ._progress import progress
from .client import METHODS, _earlier, _serialize
from .types import ServerInfo, Snapshot
from .v1 import vectaraft_pb2 as pb2


class Client:
    """As vectaraft.Client; create it inside a running event loop."""

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
        self._current = 0
        self._channels = {}
        self._callables = {}

    def _callable(self, method):
        address = self._addresses[self._current]
        found = self._callables.get((address, method))
        if found is None:
            channel = self._channels.get(address)
            if channel is None:
                channel = (grpc.aio.secure_channel(address, self._credentials, self._options)
                           if self._credentials else
                           grpc.aio.insecure_channel(address, self._options))
                self._channels[address] = channel
            found = channel.unary_unary(_connection.SERVICE + method,
                                        request_serializer=_serialize,
                                        response_deserializer=METHODS[method][0].FromString)
            self._callables[(address, method)] = found
        return found

    @property
    def last_lsn(self):
        """As vectaraft.Client.last_lsn."""
        return self._session.lsn

    def observe_lsn(self, lsn):
        """As vectaraft.Client.observe_lsn."""
        self._session.advance(lsn)

    def _consistency(self, consistency):
        return _connection.consistency(self.consistency if consistency is None else consistency)

    async def call(self, method, request):
        """Calls one RPC with retries; raises a VectaraftError."""
        _, idempotent, kind = METHODS[method]
        request = self._session.before(kind, request)
        attempt = 0
        while True:
            try:
                return self._session.after(kind, await self._callable(method)(
                    request, timeout=self.timeout, metadata=self._metadata))
            except grpc.RpcError as e:
                if not self.retry.should_retry(e, attempt, idempotent):
                    raise errors.from_rpc_error(e) from None
                self._current = (self._current + 1) % len(self._addresses)
                await asyncio.sleep(self.retry.delay(attempt))
                attempt += 1

    async def close(self):
        channels = list(self._channels.values())
        self._channels.clear()
        self._callables.clear()
        for channel in channels:
            await channel.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def ping(self):
        reply = await self.call("Ping", pb2.PingRequest())
        return ServerInfo(reply.version, reply.uptime_ms)

    async def create_collection(self, name, dimension, metric="cosine", index=None,
                                quantization=None, oversample=0.0, on_disk=False):
        reply = await self.call("CreateCollection", _requests.create_collection(
            name, dimension, metric, index, quantization, oversample, on_disk))
        return Collection(self, _requests.collection_info(reply))

    async def get_collection(self, name, consistency=None):
        reply = await self.call("DescribeCollection", pb2.DescribeCollectionRequest(
            name=name, consistency=self._consistency(consistency)))
        return Collection(self, _requests.collection_info(reply))

    async def list_collections(self):
        reply = await self.call("ListCollections", pb2.ListCollectionsRequest())
        return [_requests.collection_info(c) for c in reply.collections]

    async def delete_collection(self, name):
        await self.call("DeleteCollection", pb2.DeleteCollectionRequest(name=name))

    async def create_snapshot(self):
        return Snapshot.of(await self.call("CreateSnapshot", pb2.CreateSnapshotRequest()))

    async def list_snapshots(self):
        reply = await self.call("ListSnapshots", pb2.ListSnapshotsRequest())
        return [Snapshot.of(s) for s in reply.snapshots]


class Collection:
    """As vectaraft.Collection, with coroutines; scroll is an async iterator."""

    def __init__(self, client, info):
        self._client = client
        self.info = info

    @property
    def name(self):
        return self.info.name

    @property
    def dimension(self):
        return self.info.dimension

    async def describe(self, consistency=None):
        self.info = (await self._client.get_collection(self.name, consistency)).info
        return self.info

    async def upsert(self, ids, vectors, metadata=None, batch_size=1000, show_progress=False,
                     concurrency=None):
        """As vectaraft.Collection.upsert: up to `concurrency` batches in flight, in order."""
        upload = _requests.Upload(self.info, ids, vectors, metadata, batch_size,
                                  self._client.max_message_bytes)
        width = max(1, concurrency or self._client.concurrency)
        bar = progress(upload.total, show_progress)
        written = 0
        in_flight = []  # (offset, count, task), oldest first
        failure = None
        try:
            try:
                for offset, count, payload in upload.batches:
                    if len(in_flight) == width:
                        written += await _settle(in_flight.pop(0), bar)
                    task = asyncio.ensure_future(self._client.call("Upsert", payload))
                    in_flight.append((offset, count, task))
            except errors.VectaraftError as e:
                failure = e
            for batch in in_flight:
                try:
                    written += await _settle(batch, bar)
                except errors.VectaraftError as e:
                    failure = failure if _earlier(failure, e) else e
            if failure is not None:
                raise failure
        finally:
            bar.close()
        return written

    async def query(self, vector, k=10, where=None, include_values=False,
                    include_metadata=True, ef=None, exact=False, consistency=None):
        reply = await self._client.call("Query", _requests.query(
            self.info, vector, k, where, include_values, include_metadata, ef, exact,
            self._client._consistency(consistency)))
        return _requests.hits(reply, include_metadata, include_values)

    async def query_batch(self, matrix, k=10, where=None, include_values=False,
                          include_metadata=True, ef=None, exact=False, consistency=None):
        reply = await self._client.call("QueryBatch", _requests.query_batch(
            self.info, matrix, k, where, include_values, include_metadata, ef, exact,
            self._client._consistency(consistency)))
        return [_requests.hits(r, include_metadata, include_values) for r in reply.results]

    async def get(self, ids, include_values=False, include_metadata=True, consistency=None):
        reply = await self._client.call("Get", _requests.get(
            self.info, ids, include_values, include_metadata,
            self._client._consistency(consistency)))
        return _requests.records(reply, include_values, include_metadata)

    async def delete(self, ids=None, where=None):
        reply = await self._client.call("Delete", _requests.delete(self.info, ids, where))
        return reply.deleted_count

    async def count(self, where=None, consistency=None):
        return (await self._client.call("Count", _requests.count(
            self.info, where, self._client._consistency(consistency)))).count

    async def scroll(self, where=None, batch_size=1000, include_values=False,
                     include_metadata=True, consistency=None):
        token = ""
        level = self._client._consistency(consistency)
        while True:
            reply = await self._client.call("Scroll", _requests.scroll(
                self.info, where, batch_size, include_values, include_metadata, token, level))
            for record in _requests.records(reply, include_values, include_metadata):
                yield record
            token = reply.next_page_token
            if not token:
                return


async def _settle(batch, bar):
    offset, count, task = batch
    try:
        reply = await task
    except errors.VectaraftError as e:
        raise with_offset(e, offset) from None
    bar.update(count)
    return reply.upserted_count
