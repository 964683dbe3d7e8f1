"""Every exception class, raised by a real server's status or by the client's own checks in
the server's wording; and the batching contract of upsert when a row is bad."""

import socket

import numpy as np
import pytest

import vectaraft
from conftest import ADMIN_KEY, READER_KEY


def test_every_class_is_a_vectaraft_error():
    for cls in (vectaraft.InvalidArgument, vectaraft.NotFound, vectaraft.AlreadyExists,
                vectaraft.Unauthenticated, vectaraft.PermissionDenied, vectaraft.Unavailable,
                vectaraft.ResourceExhausted, vectaraft.FailedPrecondition,
                vectaraft.DeadlineExceeded):
        assert issubclass(cls, vectaraft.VectaraftError)
    assert issubclass(vectaraft.InvalidArgument, ValueError)


def test_invalid_argument_from_the_server_carries_its_message(client, name):
    with pytest.raises(vectaraft.InvalidArgument) as e:
        client.create_collection(name, dimension=0)
    assert e.value.message == "dimension: expected 1..65536, got 0"
    assert e.value.code == "INVALID_ARGUMENT"
    assert str(e.value) == "INVALID_ARGUMENT: dimension: expected 1..65536, got 0"


def test_not_found(client):
    with pytest.raises(vectaraft.NotFound, match='collection "no-such" does not exist'):
        client.delete_collection("no-such")


def test_already_exists(client, name):
    client.create_collection(name, dimension=3)
    with pytest.raises(vectaraft.AlreadyExists, match="already exists with dimension 3"):
        client.create_collection(name, dimension=4)


def test_unauthenticated_and_permission_denied(keyed_server, name):
    with vectaraft.Client(keyed_server.address) as anonymous:
        with pytest.raises(vectaraft.Unauthenticated, match="missing API key"):
            anonymous.ping()
    with vectaraft.Client(keyed_server.address, api_key=ADMIN_KEY) as admin:
        admin.create_collection(name, dimension=2)
    with vectaraft.Client(keyed_server.address, api_key=READER_KEY) as reader:
        assert reader.get_collection(name).info.count == 0
        with pytest.raises(vectaraft.PermissionDenied, match="reader"):
            reader.create_collection(name + "x", dimension=2)
    with vectaraft.Client(keyed_server.address, api_key="vtr_wrong_" + "x" * 30) as wrong:
        with pytest.raises(vectaraft.Unauthenticated):
            wrong.list_collections()


def test_unavailable_after_retries():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    retry = vectaraft.Retry(attempts=2, backoff=0.01)
    with vectaraft.Client(["127.0.0.1:%d" % port, "127.0.0.1:%d" % port], retry=retry,
                          timeout=5) as client:
        with pytest.raises(vectaraft.Unavailable):
            client.ping()


def test_the_next_address_answers_when_the_first_is_down(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with vectaraft.Client(["127.0.0.1:%d" % port, server.address],
                          retry=vectaraft.Retry(attempts=1, backoff=0.01)) as client:
        assert client.ping().version


def test_deadline_exceeded(server):
    # No call crosses loopback and back in 0.1 ms.
    with vectaraft.Client(server.address, timeout=1e-4) as hurried:
        with pytest.raises(vectaraft.DeadlineExceeded):
            hurried.list_collections()


def test_resource_exhausted_over_the_servers_message_limit(memory_server, name):
    # The client allows 8 MiB; the server 1 MiB.
    with vectaraft.Client(memory_server.address, max_message_bytes=8 << 20) as client:
        col = client.create_collection(name, dimension=1024, metric="dot")
        with pytest.raises(vectaraft.ResourceExhausted):
            col.upsert(["r%d" % i for i in range(500)], np.ones((500, 1024)), batch_size=500)
        assert col.count() == 0


def test_failed_precondition_snapshot_without_a_log(memory_server):
    with vectaraft.Client(memory_server.address) as client:
        with pytest.raises(vectaraft.FailedPrecondition):
            client.create_snapshot()


class TestClientChecksInTheServersWording:
    """Refused before sending; the same text the server would answer."""

    @pytest.fixture
    def col(self, client, name):
        return client.create_collection(name, dimension=3, metric="cosine")

    def test_wrong_dimension(self, col):
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'^INVALID_ARGUMENT: record\[0\] id "a": expected dimension 3, got 2$') as e:
            col.upsert(["a"], np.ones((1, 2)))
        assert e.value.index == 0
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'^INVALID_ARGUMENT: record\[1\] id "b": expected dimension 3, got 4$'):
            col.upsert(["a", "b"], [[1, 2, 3], [1, 2, 3, 4]])
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r"^INVALID_ARGUMENT: query vector: expected dimension 3, got 2$"):
            col.query([1, 2])
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r"^INVALID_ARGUMENT: queries\[1\]: expected dimension 3, got 1$"):
            col.query_batch([[1, 2, 3], [1]])

    def test_nan_and_infinity(self, col):
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'^INVALID_ARGUMENT: record\[1\] id "b": values\[2\]: expected a finite number, '
                                 r'got NaN$'):
            col.upsert(["a", "b"], np.array([[1, 2, 3], [1, 2, np.nan]]))
        with pytest.raises(vectaraft.InvalidArgument, match="got Infinity"):
            col.upsert(["a"], np.array([[1, 2, 1e300]]))  # beyond float32
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r"^INVALID_ARGUMENT: query vector: values\[0\]: expected a finite number, "
                                 r"got -Infinity$"):
            col.query([-np.inf, 1, 1])
        assert col.count() == 0

    def test_zero_vector_under_cosine(self, col):
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'^INVALID_ARGUMENT: record\[0\] id "z": expected a non-zero vector under '
                                 r'COSINE, got all zeros$'):
            col.upsert(["z"], [[0, 0, 0]])

    def test_lengths_differ(self, col):
        with pytest.raises(vectaraft.InvalidArgument,
                           match="expected the same number, got 2 ids and 1 vectors"):
            col.upsert(["a", "b"], [[1, 2, 3]])
        with pytest.raises(vectaraft.InvalidArgument, match="one dict .or None. per id"):
            col.upsert(["a"], [[1, 2, 3]], metadata=[{}, {}])

    def test_bad_filter_and_metadata(self, col):
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'filter\.year\.\$gte: expected a number, got str "1990"'):
            col.query([1, 2, 3], where={"year": {"$gte": "1990"}})
        with pytest.raises(vectaraft.InvalidArgument,
                           match=r'record\[0\] id "a" metadata "k": expected a str'):
            col.upsert(["a"], [[1, 2, 3]], metadata=[{"k": None}])

    def test_server_says_the_same(self, col, client):
        # The same mistakes sent raw reach the server's validation: same wording.
        from vectaraft.v1 import vectaraft_pb2 as pb2
        with pytest.raises(vectaraft.InvalidArgument) as e:
            client.call("Upsert", pb2.UpsertRequest(collection=col.name, records=[
                pb2.Record(id="a", values=[1, 2, 3]), pb2.Record(id="b", values=[1, 2, 3, 4])]))
        assert e.value.message == 'record[1] id "b": expected dimension 3, got 4'
        with pytest.raises(vectaraft.InvalidArgument) as e:
            client.call("Upsert", pb2.UpsertRequest(collection=col.name, records=[
                pb2.Record(id="z", values=[0, 0, 0])]))
        assert e.value.message == ('record[0] id "z": expected a non-zero vector under COSINE, '
                                   'got all zeros')


def _bad_row_upload(client, name, **options):
    col = client.create_collection(name, dimension=8, metric="euclidean")
    rows = np.random.default_rng(3).random((10_000, 8))
    return col, ["row-%05d" % i for i in range(10_000)], rows


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_bad_row_stops_the_upload_at_its_batch(client, name, concurrency):
    col, ids, rows = _bad_row_upload(client, name)
    rows[5_432, 3] = np.nan
    with pytest.raises(vectaraft.InvalidArgument) as e:
        col.upsert(ids, rows, batch_size=1_000, concurrency=concurrency)
    assert e.value.index == 5_432
    assert e.value.message == ('record[5432] id "row-05432": values[3]: expected a finite '
                               'number, got NaN')
    assert col.count() == 5_000, "the five batches before the bad row are in, none after"
    assert len(col.get(["row-04999", "row-05000", "row-09999"])) == 1


def test_a_row_only_the_server_refuses_is_named_in_the_callers_numbering(client, name):
    col, ids, rows = _bad_row_upload(client, name)
    ids[5_432] = "x" * 300  # ids are checked by the server alone
    with pytest.raises(vectaraft.InvalidArgument) as e:
        col.upsert(ids, rows, batch_size=1_000, concurrency=1)
    assert e.value.index == 5_432
    assert e.value.message == "record[5432]: id: expected 1..256 UTF-8 bytes, got 300"
    assert col.count() == 5_000
