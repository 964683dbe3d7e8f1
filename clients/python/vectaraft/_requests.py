"""Request messages from the SDK's arguments, and results from the replies: what the
blocking and the asyncio collections share."""

from . import _codec, errors
from .types import CollectionInfo, Hit, Record, index_message
from .v1 import vectaraft_pb2 as pb2

MAX_SCROLL_PAGE = 10000


def create_collection(name, dimension, metric, index, quantization, oversample, on_disk):
    request = pb2.CreateCollectionRequest(
        name=name, dimension=dimension, metric=_codec.metric(metric),
        quantization=_codec.quantization(quantization), oversample=oversample, on_disk=on_disk)
    spec = index_message(index)
    if spec is not None:
        request.index.CopyFrom(spec)
    return request


def _with_filter(request, where):
    message = _codec.where_filter(where)
    if message is not None:
        request.filter.CopyFrom(message)
    return request


def _ef(ef):
    return 0 if ef is None else ef


def query(info, vector, k, where, include_values, include_metadata, ef, exact, consistency):
    return _with_filter(pb2.QueryRequest(
        collection=info.name, top_k=k, include_values=include_values,
        include_metadata=include_metadata, ef=_ef(ef), exact=exact, consistency=consistency,
        packed_vector=_codec.query_vector(vector, info.dimension, info.metric == "cosine")),
        where)


def hits(reply, include_metadata, include_values):
    return [Hit.of(m, include_metadata, include_values) for m in reply.matches]


def query_batch(info, matrix, k, where, include_values, include_metadata, ef, exact,
                consistency):
    if len(matrix) == 0:
        raise errors.InvalidArgument("queries: expected at least one query, got none")
    cosine = info.metric == "cosine"
    queries = [pb2.QueryVector(packed_values=_codec.query_vector(
        row, info.dimension, cosine, "queries[%d]" % i)) for i, row in enumerate(matrix)]
    return _with_filter(pb2.QueryBatchRequest(
        collection=info.name, queries=queries, top_k=k, include_values=include_values,
        include_metadata=include_metadata, ef=_ef(ef), exact=exact, consistency=consistency),
        where)


def get(info, ids, include_values, include_metadata, consistency):
    return pb2.GetRequest(collection=info.name, ids=[_codec.as_id(x, i) for i, x in enumerate(ids)],
                          include_values=include_values, include_metadata=include_metadata,
                          consistency=consistency)


def records(reply, include_values, include_metadata):
    return [Record.of(r, include_values, include_metadata) for r in reply.records]


def delete(info, ids, where):
    if (ids is None) == (where is None):
        raise errors.InvalidArgument("delete: expected exactly one of ids and where, got %s"
                                     % ("both" if ids is not None else "neither"))
    if ids is not None:
        return pb2.DeleteRequest(collection=info.name,
                                 ids=[_codec.as_id(x, i) for i, x in enumerate(ids)])
    return _with_filter(pb2.DeleteRequest(collection=info.name), where)


def count(info, where, consistency):
    return _with_filter(pb2.CountRequest(collection=info.name, consistency=consistency), where)


def scroll(info, where, batch_size, include_values, include_metadata, token, consistency):
    if not 1 <= batch_size <= MAX_SCROLL_PAGE:
        raise errors.InvalidArgument("batch_size: expected 1..%d, got %d"
                                     % (MAX_SCROLL_PAGE, batch_size))
    return _with_filter(pb2.ScrollRequest(
        collection=info.name, limit=batch_size, page_token=token,
        include_values=include_values, include_metadata=include_metadata,
        consistency=consistency), where)


class Upload:
    """One upsert's arguments checked up front: lengths, dimensions, batch size."""

    def __init__(self, info, ids, vectors, metadata, batch_size, max_message_bytes):
        if batch_size < 1:
            raise errors.InvalidArgument("batch_size: expected at least 1, got %d" % batch_size)
        ids = list(ids) if not hasattr(ids, "__getitem__") else ids
        if len(ids) != len(vectors):
            raise errors.InvalidArgument(
                "ids and vectors: expected the same number, got %d ids and %d vectors"
                % (len(ids), len(vectors)))
        if metadata is not None and len(metadata) != len(ids):
            raise errors.InvalidArgument(
                "metadata: expected one dict (or None) per id, got %d for %d ids"
                % (len(metadata), len(ids)))
        self.total = len(ids)
        rows = _codec.Rows(vectors, info.dimension, ids)
        # Room for the message's own framing under the limit.
        self.batches = _codec.upsert_batches(
            info.name, ids, rows, metadata, batch_size, max_message_bytes - 1024,
            info.metric == "cosine")


def collection_info(reply):
    return CollectionInfo.of(reply)
