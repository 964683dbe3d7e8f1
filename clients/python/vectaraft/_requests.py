"""Request messages from the SDK's arguments, and results from the replies: what the
blocking and the asyncio collections share."""

import dataclasses

from . import _codec, errors
from .types import CollectionInfo, Hit, Record, index_message
from .v1 import vectaraft_pb2 as pb2

MAX_SCROLL_PAGE = 10000
MAX_OFFSET = 10000


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


def _window(request, score_threshold, offset):
    """score_threshold and offset on a Query or QueryBatch request."""
    if score_threshold is not None:
        value = float(score_threshold)
        if value != value or value in (float("inf"), float("-inf")):
            raise errors.InvalidArgument(
                "score_threshold: expected a finite number, got %r" % score_threshold)
        request.score_threshold.value = value
    if not 0 <= offset <= MAX_OFFSET:
        raise errors.InvalidArgument("offset: expected 0..%d, got %d" % (MAX_OFFSET, offset))
    request.offset = offset
    return request


def query(info, vector, k, where, include_values, include_metadata, ef, exact, consistency,
          score_threshold=None, offset=0):
    return _window(_with_filter(pb2.QueryRequest(
        collection=info.name, top_k=k, include_values=include_values,
        include_metadata=include_metadata, ef=_ef(ef), exact=exact, consistency=consistency,
        packed_vector=_codec.query_vector(vector, info.dimension, info.metric == "cosine")),
        where), score_threshold, offset)


def hits(reply, include_metadata, include_values):
    return [Hit.of(m, include_metadata, include_values) for m in reply.matches]


def query_batch(info, matrix, k, where, include_values, include_metadata, ef, exact,
                consistency, score_threshold=None, offset=0, wheres=None):
    if len(matrix) == 0:
        raise errors.InvalidArgument("queries: expected at least one query, got none")
    if wheres is not None and len(wheres) != len(matrix):
        raise errors.InvalidArgument(
            "wheres: expected one filter (or None) per query, got %d for %d queries"
            % (len(wheres), len(matrix)))
    cosine = info.metric == "cosine"
    queries = [pb2.QueryVector(packed_values=_codec.query_vector(
        row, info.dimension, cosine, "queries[%d]" % i)) for i, row in enumerate(matrix)]
    for i, own in enumerate(wheres or []):
        _with_filter(queries[i], own)
    return _window(_with_filter(pb2.QueryBatchRequest(
        collection=info.name, queries=queries, top_k=k, include_values=include_values,
        include_metadata=include_metadata, ef=_ef(ef), exact=exact, consistency=consistency),
        where), score_threshold, offset)


def update_metadata(info, ids, where, set, unset):
    if (ids is None) == (where is None):
        raise errors.InvalidArgument("update: expected exactly one of ids and where, got %s"
                                     % ("both" if ids is not None else "neither"))
    request = pb2.UpdateMetadataRequest(collection=info.name, unset=list(unset or []))
    for key, value in _codec.metadata_message("set", set or {}).items():
        request.set[key].CopyFrom(value)
    if ids is not None:
        request.ids.extend(_codec.as_id(x, i) for i, x in enumerate(ids))
        return request
    return _with_filter(request, where)


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


def collection_info(reply, name=None):
    """CollectionInfo of a reply; addressed by `name` (an alias) when given."""
    info = CollectionInfo.of(reply)
    return info if name is None or name == info.name else dataclasses.replace(info, name=name)


FIELD_INDEX_TYPES = ("keyword", "integer", "float", "bool")


def create_field_index(collection, key, type):
    """A CreateFieldIndexRequest; ValueError for a type the server does not know."""
    if type not in FIELD_INDEX_TYPES:
        raise ValueError("type: expected one of %s, got %r" % (", ".join(FIELD_INDEX_TYPES), type))
    return pb2.CreateFieldIndexRequest(
        collection=collection, key=key,
        type=pb2.FieldIndexType.Value("FIELD_INDEX_" + type.upper()))
