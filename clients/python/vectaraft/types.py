"""Values the SDK returns and index parameters it takes."""

from dataclasses import dataclass, field
from typing import Optional

from . import _codec
from .v1 import vectaraft_pb2 as pb2


@dataclass(frozen=True)
class Hnsw:
    """An HNSW graph index; 0 means the server default (m 16, ef_construction 200, ef_search 64)."""
    m: int = 0
    ef_construction: int = 0
    ef_search: int = 0

    def message(self):
        return pb2.IndexSpec(hnsw=pb2.HnswIndex(
            m=self.m, ef_construction=self.ef_construction, ef_search=self.ef_search))


@dataclass(frozen=True)
class Flat:
    """Exact search: every query scans every vector."""

    def message(self):
        return pb2.IndexSpec(flat=pb2.FlatIndex())


def index_message(index):
    """The IndexSpec for None (the server's default, flat), "flat", "hnsw", Flat() or Hnsw()."""
    if index is None:
        return None
    if isinstance(index, str):
        known = {"flat": Flat(), "hnsw": Hnsw()}
        if index.lower() not in known:
            from .errors import InvalidArgument
            raise InvalidArgument("index: expected flat, hnsw, vectaraft.Flat() or "
                                  "vectaraft.Hnsw(...), got %r" % index)
        index = known[index.lower()]
    return index.message()


@dataclass
class Hit:
    """One query match: id, score (cosine similarity or dot product, higher first;
    Euclidean distance, lower first), metadata and values when asked for."""
    id: str
    score: float
    metadata: Optional[dict] = None
    values: Optional[list] = None

    @classmethod
    def of(cls, match, include_metadata, include_values):
        return cls(match.id, match.score,
                   _codec.python_metadata(match.metadata) if include_metadata else None,
                   list(match.values) if include_values else None)


@dataclass
class Record:
    """A stored record: id, values and metadata (None when not asked for)."""
    id: str
    values: Optional[list] = None
    metadata: Optional[dict] = None

    @classmethod
    def of(cls, record, include_values, include_metadata):
        return cls(record.id, list(record.values) if include_values else None,
                   _codec.python_metadata(record.metadata) if include_metadata else None)


@dataclass(frozen=True)
class CollectionInfo:
    """A collection's parameters (server defaults filled in) and record count."""
    name: str
    dimension: int
    metric: str
    index: object
    count: int
    quantization: str
    on_disk: bool
    state: dict = field(default_factory=dict)
    field_indexes: tuple = ()

    @classmethod
    def of(cls, info):
        kind = info.index.WhichOneof("kind")
        if kind == "hnsw":
            h = info.index.hnsw
            index = Hnsw(h.m, h.ef_construction, h.ef_search)
        else:
            index = Flat()
        state = {f.name: getattr(info.state, f.name) for f in info.state.DESCRIPTOR.fields}
        return cls(info.name, info.dimension, pb2.Metric.Name(info.metric).lower(), index,
                   info.count, pb2.Quantization.Name(info.quantization)[len("QUANTIZATION_"):]
                   .lower(), info.on_disk, state,
                   tuple(FieldIndexInfo.of(f) for f in info.field_indexes))


@dataclass(frozen=True)
class FieldIndexInfo:
    """A metadata index: its key and type, whether it is built, and its size."""
    key: str
    type: str
    ready: bool
    records: int
    distinct_values: int
    bytes: int

    @classmethod
    def of(cls, f):
        return cls(f.key, pb2.FieldIndexType.Name(f.type)[len("FIELD_INDEX_"):].lower(), f.ready,
                   f.records, f.distinct_values, f.bytes)


@dataclass(frozen=True)
class ServerInfo:
    """What Ping answers: the server's version and how long it has been up."""
    version: str
    uptime_ms: int


@dataclass(frozen=True)
class Snapshot:
    """A snapshot on the server's disk."""
    sequence: int
    path: str
    size_bytes: int
    created_unix_ms: int
    collections: int

    @classmethod
    def of(cls, info):
        return cls(info.sequence, info.path, info.size_bytes, info.created_unix_ms,
                   info.collections)
