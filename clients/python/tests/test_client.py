"""Every method of vectaraft.Client and vectaraft.Collection against a real server."""

import io

import numpy as np
import pytest

import vectaraft
from vectaraft import _codec, _progress

MOVIES = [
    ("blade-runner", [0.9, 0.1, 0.0, 0.0], {"genre": "sf", "year": 1982}),
    ("the-matrix", [0.8, 0.2, 0.1, 0.0], {"genre": "sf", "year": 1999}),
    ("arrival", [0.7, 0.1, 0.3, 0.0], {"genre": "sf", "year": 2016}),
    ("chinatown", [0.1, 0.9, 0.0, 0.0], {"genre": "noir", "year": 1974}),
    ("memento", [0.3, 0.8, 0.1, 0.0], {"genre": "noir", "year": 2000, "tags": ["a", "b"]}),
    ("amelie", [0.0, 0.1, 0.9, 0.2], {"genre": "romance", "year": 2001, "score": 7.5,
                                      "seen": True}),
]


def movies(client, name, metric="cosine", index=None):
    col = client.create_collection(name, dimension=4, metric=metric, index=index)
    ids, vectors, metadata = zip(*MOVIES)
    assert col.upsert(list(ids), [list(v) for v in vectors], metadata=list(metadata)) == 6
    return col


def test_ping_reports_the_server_version(client):
    info = client.ping()
    assert info.version and info.uptime_ms >= 0


def test_collection_lifecycle(client, name):
    created = client.create_collection(name, dimension=8, metric="dot",
                                       index=vectaraft.Hnsw(m=8, ef_construction=50))
    assert created.info.dimension == 8 and created.info.metric == "dot"
    assert created.info.index == vectaraft.Hnsw(8, 50, 64), "server defaults filled in"
    again = client.create_collection(name, dimension=8, metric="dot",
                                     index=vectaraft.Hnsw(m=8, ef_construction=50))
    assert again.info.name == name, "the same parameters again: no-op"
    assert client.get_collection(name).info.index == created.info.index
    assert name in [c.name for c in client.list_collections()]
    client.delete_collection(name)
    assert name not in [c.name for c in client.list_collections()]
    with pytest.raises(vectaraft.NotFound, match='collection "%s" does not exist' % name):
        client.get_collection(name)


def test_index_by_name(client, name):
    assert client.create_collection(name, 3, index="hnsw").info.index == vectaraft.Hnsw(16, 200, 64)
    assert client.create_collection(name + "f", 3, index="flat").info.index == vectaraft.Flat()
    assert client.create_collection(name + "d", 3).info.index == vectaraft.Flat()


def test_query_ranks_and_filters_with_dicts(client, name):
    col = movies(client, name)
    hits = col.query([1.0, 0.1, 0.0, 0.0], k=3)
    assert [h.id for h in hits] == ["blade-runner", "the-matrix", "arrival"]
    assert hits[0].metadata == {"genre": "sf", "year": 1982}
    assert hits[0].values is None
    assert hits[0].score == pytest.approx(0.91 / (1.01 * 0.82) ** 0.5, abs=1e-6)
    filtered = col.query(np.array([1.0, 0.1, 0.0, 0.0]), k=3,
                         where={"genre": {"$in": ["sf", "noir"]}, "year": {"$gte": 1990}})
    assert [h.id for h in filtered] == ["the-matrix", "arrival", "memento"]
    assert filtered[2].metadata["tags"] == ["a", "b"]
    exact = col.query([1.0, 0.1, 0.0, 0.0], k=1, include_values=True, include_metadata=False,
                      exact=True, ef=16)
    assert exact[0].metadata is None and len(exact[0].values) == 4


def test_query_batch_answers_each_row_in_order(client, name):
    col = movies(client, name, metric="euclidean", index="hnsw")
    results = col.query_batch(np.array([[0.9, 0.1, 0.0, 0.0], [0.0, 0.1, 0.9, 0.2]]), k=2,
                              where={"year": {"$lt": 2016}})
    assert [[h.id for h in r] for r in results] == [["blade-runner", "the-matrix"],
                                                    ["amelie", "memento"]]


def test_get_returns_found_records_in_order(client, name):
    col = movies(client, name, metric="dot")
    records = col.get(["memento", "missing", "blade-runner"], include_values=True)
    assert [r.id for r in records] == ["memento", "blade-runner"]
    assert records[0].values == pytest.approx([0.3, 0.8, 0.1, 0.0])
    assert records[1].metadata == {"genre": "sf", "year": 1982}
    bare = col.get(["amelie"], include_metadata=False)[0]
    assert bare.values is None and bare.metadata is None


def test_metadata_types_round_trip(client, name):
    col = movies(client, name)
    assert col.get(["amelie"])[0].metadata == {"genre": "romance", "year": 2001, "score": 7.5,
                                                "seen": True}


def test_delete_by_ids_and_by_filter_and_count(client, name):
    col = movies(client, name)
    assert col.count() == 6
    assert col.count(where={"genre": "sf"}) == 3
    assert col.describe().count == 6 and col.info.count == 6
    assert col.delete(ids=["arrival", "missing"]) == 1
    assert col.delete(where={"genre": "noir"}) == 2
    assert col.count() == 3
    assert sorted(r.id for r in col.scroll()) == ["amelie", "blade-runner", "the-matrix"]
    with pytest.raises(vectaraft.InvalidArgument, match="exactly one of ids and where, got neither"):
        col.delete()


def test_scroll_pages_through_every_record_once(client, name):
    col = client.create_collection(name, dimension=2, metric="euclidean")
    ids = ["r%04d" % i for i in range(2500)]
    col.upsert(ids, np.random.default_rng(1).random((2500, 2)), batch_size=700)
    seen = [r.id for r in col.scroll(batch_size=1000)]
    assert seen == sorted(ids), "three pages, id order, each record once"
    odd = list(col.scroll(where={"$not": {"n": {"$exists": True}}}, batch_size=300,
                          include_values=True))
    assert len(odd) == 2500 and len(odd[0].values) == 2


def test_numpy_float32_float64_and_lists_store_the_same_vectors(client, name):
    col = client.create_collection(name, dimension=5, metric="dot")
    rows = np.random.default_rng(7).standard_normal((50, 5))
    col.upsert(["f32-%d" % i for i in range(50)], rows.astype(np.float32))
    col.upsert(["f64-%d" % i for i in range(50)], rows)
    col.upsert(["list-%d" % i for i in range(50)], rows.tolist())
    col.upsert(["ints-%d" % i for i in range(2)], [[1, 2, 3, 4, 5], [0, 0, 0, 0, 1]])
    for i in (0, 17, 49):
        got = col.get(["f32-%d" % i, "f64-%d" % i, "list-%d" % i], include_values=True)
        assert got[0].values == got[1].values == got[2].values
        assert got[0].values == rows[i].astype(np.float32).tolist()
    assert col.get(["ints-0"], include_values=True)[0].values == [1, 2, 3, 4, 5]


def test_lists_work_without_numpy(client, name, monkeypatch):
    col = client.create_collection(name, dimension=3, metric="euclidean")
    monkeypatch.setattr(_codec, "np", None)
    col.upsert(["a", "b"], [[0.1, 0.2, 0.3], [1.0, 1.0, 1.0]])
    assert col.get(["a"], include_values=True)[0].values == pytest.approx([0.1, 0.2, 0.3])
    assert [h.id for h in col.query([1, 1, 1], k=1)] == ["b"]
    with pytest.raises(vectaraft.InvalidArgument,
                       match=r'record\[1\] id "y": values\[2\]: expected a finite number, got NaN'):
        col.upsert(["x", "y"], [[1, 2, 3], [1, 2, float("nan")]])


def test_integer_ids_become_strings(client, name):
    col = client.create_collection(name, dimension=2, metric="euclidean")
    col.upsert(np.arange(3), [[1, 0], [0, 1], [1, 1]])
    assert [r.id for r in col.get([0, 2])] == ["0", "2"]


def test_progress_bar_counts_every_vector(client, name, monkeypatch):
    col = client.create_collection(name, dimension=2, metric="euclidean")
    out = io.StringIO()
    bars = []

    def line(total, enabled, description="upsert"):
        bar = _progress._Line(total, description, stream=out)
        bars.append(bar)
        return bar

    monkeypatch.setattr("vectaraft.client.progress", line)
    col.upsert(["p%d" % i for i in range(250)], np.ones((250, 2)), batch_size=100,
               show_progress=True)
    assert bars[0]._done == 250
    assert "upsert: 250/250 vectors (100%)" in out.getvalue()
    assert _progress.progress(10, False).__class__.__name__ == "_Silent"


def test_batches_are_cut_under_the_message_limit(memory_server, name):
    with vectaraft.Client(memory_server.address, max_message_bytes=1024 * 1024) as client:
        col = client.create_collection(name, dimension=768, metric="dot")
        # 1000 rows of 3 KiB would be 3 MiB in one message: the client cuts them.
        assert col.upsert(["m%d" % i for i in range(1000)], np.ones((1000, 768))) == 1000
        assert col.count() == 1000


def test_snapshots(client, name):
    movies(client, name)
    snapshot = client.create_snapshot()
    assert snapshot.collections >= 1 and snapshot.size_bytes > 0
    assert snapshot.sequence in [s.sequence for s in client.list_snapshots()]


def test_tls_options_are_checked():
    with pytest.raises(vectaraft.InvalidArgument, match="cert and key together"):
        vectaraft.Client("127.0.0.1:1", tls=vectaraft.Tls(cert=b"x"))
    with pytest.raises(vectaraft.InvalidArgument, match="tls: expected"):
        vectaraft.Client("127.0.0.1:1", tls=42)
