"""Read-your-writes: the client remembers the highest lsn its writes returned and sends it as
min_lsn on its reads. Against one server with a log, and against a real three-node cluster
where a write through one node is read through another."""

import asyncio

import numpy as np
import pytest

import vectaraft
import vectaraft.aio
from vectaraft.v1 import vectaraft_pb2 as pb2

READS = ("DescribeCollection", "Get", "Query", "QueryBatch", "Count", "Scroll")


def sent_requests(client):
    """Records every request the client sends (method, request) while still sending it."""
    sent = []
    original = client._callable

    def recording(method):
        call = original(method)

        def send(request, **kwargs):
            sent.append((method, request))
            return call(request, **kwargs)
        return send
    client._callable = recording
    return sent


def every_read(col, vector):
    col.describe()
    col.get(["a"])
    col.query(vector, k=1)
    col.query_batch([vector], k=1)
    col.count()
    list(col.scroll())


def test_writes_raise_last_lsn_and_every_read_sends_it(server, name):
    with vectaraft.Client(server.address) as client:
        assert client.last_lsn == 0
        col = client.create_collection(name, dimension=2, metric="euclidean")
        created = client.last_lsn
        assert created > 0, "a server with a log numbers its writes"
        col.upsert(["a", "b", "c"], [[1, 0], [0, 1], [1, 1]], batch_size=1)
        upserted = client.last_lsn
        assert upserted >= created + 3, "one log entry per batch, the highest kept"
        assert col.delete(ids=["c"]) == 1
        assert client.last_lsn > upserted
        sent = sent_requests(client)
        every_read(col, [1, 0])
        assert [m for m, _ in sent] == list(READS) and all(
            r.min_lsn == client.last_lsn and r.consistency == pb2.READ_CONSISTENCY_LOCAL
            for _, r in sent), sent
        client.delete_collection(name)
        assert client.last_lsn > upserted


def test_off_sends_no_min_lsn_and_consistency_is_per_call_or_per_client(server, name):
    with vectaraft.Client(server.address, read_your_writes=False,
                          consistency="linearizable") as client:
        col = client.create_collection(name, dimension=2, metric="euclidean")
        col.upsert(["a"], [[1, 0]])
        assert client.last_lsn > 0, "tracked even when reads do not wait for it"
        sent = sent_requests(client)
        every_read(col, [1, 0])
        assert all(r.min_lsn == 0 and r.consistency == pb2.READ_CONSISTENCY_LINEARIZABLE
                   for _, r in sent), sent
        del sent[:]
        assert [r.id for r in col.get(["a"], consistency="local")] == ["a"]
        assert sent[0][1].consistency == pb2.READ_CONSISTENCY_LOCAL
    with pytest.raises(vectaraft.InvalidArgument,
                       match="consistency: expected local or linearizable, got 'strong'"):
        vectaraft.Client(server.address, consistency="strong")
    with vectaraft.Client(server.address) as client:
        with pytest.raises(vectaraft.InvalidArgument, match="got 'eventual'"):
            client.get_collection(name).count(consistency="eventual")


def test_observe_lsn_only_raises(server):
    with vectaraft.Client(server.address) as client:
        client.observe_lsn(40)
        client.observe_lsn(7)
        assert client.last_lsn == 40
        with pytest.raises(vectaraft.InvalidArgument, match="lsn: expected 0 or more, got -1"):
            client.observe_lsn(-1)


def test_a_server_without_a_log_reports_lsn_zero(memory_server, name):
    with vectaraft.Client(memory_server.address) as client:
        col = client.create_collection(name, dimension=2, metric="euclidean")
        col.upsert(["a"], [[1, 0]])
        assert client.last_lsn == 0 and col.count() == 1


def test_aio_tracks_and_sends_the_lsn(server, name):
    async def scenario():
        async with vectaraft.aio.Client(server.address) as client:
            col = await client.create_collection(name, dimension=2, metric="euclidean")
            await col.upsert(["a", "b"], np.eye(2), batch_size=1, concurrency=2)
            written = client.last_lsn
            assert written > 0
            sent = []
            original = client._callable

            def recording(method):
                call = original(method)
                sent.append(method)

                def send(request, **kwargs):
                    sent.append(request)
                    return call(request, **kwargs)
                return send
            client._callable = recording
            assert [r.id for r in await col.get(["a", "b"], consistency="linearizable")] == [
                "a", "b"]
            assert sent[0] == "Get" and sent[1].min_lsn == written
            assert sent[1].consistency == pb2.READ_CONSISTENCY_LINEARIZABLE
    asyncio.run(scenario())


# --- a real three-node cluster ------------------------------------------------------------

def test_a_write_through_one_node_is_read_through_another(cluster, name):
    """Each node in turn takes the writes and the next one answers the reads, at once, with
    the writer's lsn as min_lsn: every read sees every row just written."""
    nodes = cluster.nodes
    rng = np.random.default_rng(11)
    with vectaraft.Client(nodes[0].address, timeout=30) as first:
        first.create_collection(name, dimension=8, metric="euclidean")
        created = first.last_lsn
    for round_ in range(2):
        for i, writer_node in enumerate(nodes):
            reader_node = nodes[(i + 1) % len(nodes)]
            ids = ["r%d-n%d-%03d" % (round_, i, j) for j in range(200)]
            with vectaraft.Client(writer_node.address, timeout=30) as writer, \
                    vectaraft.Client(reader_node.address, timeout=30) as reader:
                writer.observe_lsn(created)
                col = writer.get_collection(name)
                col.upsert(ids, rng.random((200, 8)), batch_size=50)
                assert writer.last_lsn > created
                reader.observe_lsn(writer.last_lsn)
                seen = reader.get_collection(name).get(ids)
                assert len(seen) == 200, "written through %s, read through %s (lsn %d)" % (
                    writer_node.address, reader_node.address, writer.last_lsn)
    with vectaraft.Client(nodes[2].address, read_your_writes=False) as plain:
        assert plain.get_collection(name).count(consistency="linearizable") == 1200


def test_a_reader_waits_for_an_lsn_the_node_has_not_applied(cluster, name):
    with vectaraft.Client(cluster.nodes[1].address, timeout=2,
                          retry=vectaraft.Retry(attempts=0)) as client:
        col = client.create_collection(name, dimension=2, metric="euclidean")
        client.observe_lsn(client.last_lsn + 1_000_000)
        with pytest.raises((vectaraft.Unavailable, vectaraft.DeadlineExceeded)) as e:
            col.count()
        if isinstance(e.value, vectaraft.Unavailable):
            assert "min_lsn" in e.value.message


def test_failover_reads_see_the_write_on_the_next_node(cluster, name):
    """One client with every node's address writes, the node it wrote through dies, and its
    next read (retried on the next address) sees the write. Runs last: it stops a node."""
    addresses = [n.address for n in cluster.nodes]
    with vectaraft.Client(addresses, timeout=30,
                          retry=vectaraft.Retry(attempts=6, backoff=0.2)) as client:
        col = client.create_collection(name, dimension=4, metric="dot")
        col.upsert(["k%d" % j for j in range(500)], np.ones((500, 4)), batch_size=50)
        cluster.nodes[0].stop()
        assert col.count() == 500
        assert [r.id for r in col.get(["k0", "k499"])] == ["k0", "k499"]
