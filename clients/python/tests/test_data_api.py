"""The data API of issue 16 through the SDK against a real server: metadata updates in place,
score thresholds and offsets, per-query filters in a batch, and aliases."""

import math

import pytest

import vectaraft


def line(client, name, metric="euclidean"):
    """Ten records x0..x9 at (1, i), with n = i and tag even/odd."""
    col = client.create_collection(name, dimension=2, metric=metric)
    col.upsert(["x%d" % i for i in range(10)], [[1.0, float(i)] for i in range(10)],
               metadata=[{"n": i, "tag": "even" if i % 2 == 0 else "odd"} for i in range(10)])
    return col


def test_update_metadata_by_ids_and_by_filter(client, name):
    col = line(client, name)
    assert col.update_metadata(ids=["x3", "nope"], set={"color": "red"}, unset=["tag"]) == 1
    got = col.get(["x3"], include_values=True)[0]
    assert got.metadata == {"n": 3, "color": "red"}
    assert list(got.values) == [1.0, 3.0], "the vector stays"
    assert col.update_metadata(where={"tag": "odd"}, set={"color": "blue"}) == 4
    assert col.count(where={"color": "blue"}) == 4
    with pytest.raises(vectaraft.InvalidArgument, match="exactly one of ids and where"):
        col.update_metadata(set={"a": 1})
    with pytest.raises(vectaraft.InvalidArgument, match="also in set"):
        col.update_metadata(ids=["x1"], set={"a": 1}, unset=["a"])
    assert col.count(where={"a": {"$exists": True}}) == 0, "nothing changed"


def test_threshold_and_offset(client, name):
    col = line(client, name)
    assert [h.id for h in col.query([1, 0], k=10, score_threshold=2.5)] == ["x0", "x1", "x2"]
    sim = line(client, name + "d", metric="dot")
    assert [h.id for h in sim.query([0, 1], k=10, score_threshold=7)] == ["x9", "x8", "x7"]
    everything = [h.id for h in col.query([1, 0], k=10)]
    assert [h.id for h in col.query([1, 0], k=3, offset=4)] == everything[4:7]
    with pytest.raises(vectaraft.InvalidArgument, match="score_threshold"):
        col.query([1, 0], score_threshold=math.nan)
    with pytest.raises(vectaraft.InvalidArgument, match="offset"):
        col.query([1, 0], offset=10001)


def test_a_filter_per_query_in_a_batch(client, name):
    col = line(client, name)
    results = col.query_batch([[1, 0], [1, 0], [1, 0]], k=2, where={"tag": "even"},
                              wheres=[None, {"tag": "odd"}, {"n": {"$gte": 5}}])
    assert [[h.id for h in r] for r in results] == [["x0", "x2"], ["x1", "x3"], ["x5", "x6"]]


def test_aliases(client, name):
    line(client, name + "1")
    v2 = client.create_collection(name + "2", dimension=2, metric="euclidean")
    v2.upsert(["y"], [[1.0, 0.0]])
    client.create_alias(name + "live", name + "1")
    live = client.get_collection(name + "live")
    assert [h.id for h in live.query([1, 0], k=1)] == ["x0"]
    assert client.list_aliases()[name + "live"] == name + "1"
    client.switch_alias(name + "live", name + "2")
    assert [h.id for h in live.query([1, 0], k=1)] == ["y"], "the handle follows the alias"
    with pytest.raises(vectaraft.NotFound):
        client.create_alias(name + "x", name + "missing")
    with pytest.raises(vectaraft.AlreadyExists):
        client.create_alias(name + "1", name + "2")
    client.delete_alias(name + "live")
    assert name + "live" not in client.list_aliases()
    with pytest.raises(vectaraft.NotFound):
        client.delete_alias(name + "live")


def test_restore_snapshot(client, name):
    col = line(client, name)
    snap = client.create_snapshot()
    col.delete(ids=["x0"])
    with pytest.raises(vectaraft.InvalidArgument):
        client.restore_snapshot(path=snap.path + ".missing")
    assert col.count() == 9, "nothing changed"
    client.restore_snapshot(name=snap.path.rsplit("/", 1)[-1])
    assert col.count() == 10
