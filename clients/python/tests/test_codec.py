"""The hand-written upsert wire format parses as the UpsertRequest protobuf would build."""

import numpy as np

from vectaraft import _codec
from vectaraft.v1 import vectaraft_pb2 as pb2


def test_batches_parse_as_the_messages_protobuf_builds():
    ids = ["a", "é" * 100, "c", "d" * 256]  # ids of 1..2 varint bytes of length
    rows = np.random.default_rng(2).standard_normal((4, 40))
    metadata = [None, {"genre": "sf", "tags": ["x"]}, {}, {"n": 2 ** 40, "f": 0.5, "b": False}]
    batches = list(_codec.upsert_batches("docs", ids, _codec.Rows(rows, 40, ids), metadata,
                                         3, 1 << 20, False))
    assert [(offset, count) for offset, count, _ in batches] == [(0, 3), (3, 1)]
    expected = [pb2.Record(id=i, packed_values=r.astype("<f4").tobytes(),
                           metadata={k: _codec.to_value(v) for k, v in (m or {}).items()})
                for i, r, m in zip(ids, rows, metadata)]
    got = [pb2.UpsertRequest.FromString(payload) for _, _, payload in batches]
    assert got[0] == pb2.UpsertRequest(collection="docs", records=expected[:3])
    assert got[1] == pb2.UpsertRequest(collection="docs", records=expected[3:])


def test_batches_are_cut_at_the_byte_limit():
    ids = ["r%d" % i for i in range(10)]
    rows = _codec.Rows(np.ones((10, 100)), 100, ids)
    batches = list(_codec.upsert_batches("c", ids, rows, None, 10, 1000, False))
    assert [count for _, count, _ in batches] == [2, 2, 2, 2, 2]
    assert all(len(payload) <= 1000 for _, _, payload in batches)
    assert [offset for offset, _, _ in batches] == [0, 2, 4, 6, 8]


def test_errors_are_renumbered_to_the_callers_rows():
    from vectaraft import errors
    e = _codec.with_offset(errors.InvalidArgument('record[3] id "x": expected dimension 2, got 3'),
                           5000)
    assert e.message == 'record[5003] id "x": expected dimension 2, got 3' and e.index == 5003
    other = _codec.with_offset(errors.InvalidArgument("records: expected at least one"), 5000)
    assert other.index is None and other.message == "records: expected at least one"


def test_numpy_batches_without_metadata_parse_as_protobuf_builds_them():
    # Runs of ids of one byte length are laid out as blocks: mix lengths, multi-byte UTF-8,
    # an id whose length takes two varint bytes, and cut by the byte limit mid-batch.
    ids = ["a", "b", "cc", "é", "dd", "x" * 200, "y" * 200, "e", "10", "11", "12"]
    rows = np.random.default_rng(4).standard_normal((len(ids), 24))
    batches = list(_codec.upsert_batches("docs", ids, _codec.Rows(rows, 24, ids),
                                         [None] * len(ids), 8, 700, False))
    assert sum(count for _, count, _ in batches) == len(ids)
    assert all(len(payload) <= 700 for _, _, payload in batches)
    assert [offset for offset, _, _ in batches] == [0] + list(
        np.cumsum([count for _, count, _ in batches])[:-1])
    for offset, count, payload in batches:
        assert pb2.UpsertRequest.FromString(payload) == pb2.UpsertRequest(
            collection="docs", records=[
                pb2.Record(id=ids[i], packed_values=rows[i].astype("<f4").tobytes())
                for i in range(offset, offset + count)])
