"""vectaraft.aio.Client: the same API on grpc.aio, against a real server."""

import asyncio

import numpy as np
import pytest

import vectaraft
import vectaraft.aio


def run(coroutine):
    return asyncio.run(coroutine)


def test_every_method(server, name):
    async def scenario():
        async with vectaraft.aio.Client(server.address) as client:
            assert (await client.ping()).version
            col = await client.create_collection(name, dimension=3, metric="euclidean",
                                                 index="hnsw")
            assert (await client.get_collection(name)).info.dimension == 3
            assert name in [c.name for c in await client.list_collections()]
            ids = ["a%04d" % i for i in range(2100)]
            rows = np.random.default_rng(5).random((2100, 3)).astype(np.float32)
            metadata = [{"even": i % 2 == 0} for i in range(2100)]
            assert await col.upsert(ids, rows, metadata=metadata, batch_size=500,
                                    concurrency=3) == 2100
            assert await col.count() == 2100
            assert await col.count(where={"even": True}) == 1050
            hits = await col.query(rows[7], k=1, include_values=True, exact=True)
            assert hits[0].id == "a0007" and hits[0].values == rows[7].tolist()
            batch = await col.query_batch(rows[:2], k=1, exact=True)
            assert [b[0].id for b in batch] == ["a0000", "a0001"]
            got = await col.get(["a0002", "nope"])
            assert [(r.id, r.metadata) for r in got] == [("a0002", {"even": True})]
            seen = [r.id async for r in col.scroll(batch_size=1000)]
            assert seen == ids, "three pages in id order"
            assert await col.delete(where={"even": False}) == 1050
            assert await col.delete(ids=["a0000"]) == 1
            assert (await col.describe()).count == 1049
            snapshot = await client.create_snapshot()
            assert snapshot.sequence in [s.sequence for s in await client.list_snapshots()]
            await client.delete_collection(name)
            with pytest.raises(vectaraft.NotFound):
                await client.get_collection(name)
    run(scenario())


def test_a_bad_row_stops_the_upload_at_its_batch(server, name):
    async def scenario():
        async with vectaraft.aio.Client(server.address, concurrency=4) as client:
            col = await client.create_collection(name, dimension=4, metric="dot")
            rows = np.ones((10_000, 4))
            rows[6_001, 0] = np.inf
            with pytest.raises(vectaraft.InvalidArgument) as e:
                await col.upsert(["r%05d" % i for i in range(10_000)], rows, batch_size=1_000)
            assert e.value.index == 6_001
            assert await col.count() == 6_000
    run(scenario())


def test_errors_are_typed(memory_server):
    async def scenario():
        async with vectaraft.aio.Client(memory_server.address) as client:
            with pytest.raises(vectaraft.FailedPrecondition):
                await client.create_snapshot()
            with pytest.raises(vectaraft.NotFound):
                await client.delete_collection("nope")
    run(scenario())
