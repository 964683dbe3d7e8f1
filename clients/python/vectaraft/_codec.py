"""Requests and replies between Python values and the vectaraft.v1 messages.

Shared by the blocking client and the asyncio one: everything here is pure (no I/O).
Vectors cross the wire packed (little-endian float32 bytes, one buffer per vector), and
upsert batches are written straight in protobuf's wire format: building a Record message
per row costs more than the network for wide vectors (docs/decisions/0007-python-sdk.md).
"""

import array
import math
import re
import sys

from . import errors
from .filters import to_filter, to_value
from .v1 import vectaraft_pb2 as pb2

try:  # numpy is optional: lists of lists work without it
    import numpy as np
except ImportError:  # pragma: no cover - exercised by setting np = None in the tests
    np = None

METRICS = {"cosine": pb2.COSINE, "dot": pb2.DOT, "euclidean": pb2.EUCLIDEAN}
QUANTIZATIONS = {None: pb2.QUANTIZATION_NONE, "none": pb2.QUANTIZATION_NONE,
                 "int8": pb2.QUANTIZATION_INT8, "binary": pb2.QUANTIZATION_BINARY}
_FLOAT32_MAX = 3.4028234663852886e38
_RECORD_AT = re.compile(r"^record\[(\d+)\]")


# ---------------------------------------------------------------------------------------
# Messages in the server's wording (io.vectaraft.index: Ids.quote, Vectors.problem).

def quote(record_id):
    """An id quoted as the server quotes it: cut to 64 characters."""
    return '"%s"' % record_id if len(record_id) <= 64 else '"%s..."' % record_id[:64]


def record_at(index, record_id):
    return "record[%d] id %s" % (index, quote(record_id))


def java_float(value):
    """A float as Java prints it in the server's messages: NaN, Infinity, -Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def vector_problem(vector_len, dimension):
    return "expected dimension %d, got %d" % (dimension, vector_len)


ZERO_UNDER_COSINE = "expected a non-zero vector under COSINE, got all zeros"


def with_offset(error, offset):
    """A batch's error renumbered to the caller's rows: record[3] of a batch at 5000 is record[5003]."""
    match = _RECORD_AT.match(error.message)
    if not match:
        return error
    index = offset + int(match.group(1))
    error.message = "record[%d]%s" % (index, error.message[match.end():])
    error.args = (error.message,)
    error.index = index
    return error


# ---------------------------------------------------------------------------------------
# Vectors.

class Rows:
    """The caller's vectors as float32 rows of one dimension: a numpy (n, d) array of any
    float dtype, or a sequence of sequences of numbers. Checks are run per slice, so a
    batched upsert reports a bad row only once the batches before it are sent."""

    def __init__(self, vectors, dimension, ids):
        self.dimension = dimension
        self._ids = ids
        if np is not None:
            self._matrix = self._as_matrix(vectors)
            self.matrix = self._matrix
            self._rows = None
            self.count = self._matrix.shape[0]
        else:
            self._matrix = self.matrix = None
            self._rows = vectors
            self.count = len(vectors)

    def _as_matrix(self, vectors):
        if isinstance(vectors, np.ndarray):
            if vectors.ndim != 2:
                raise errors.InvalidArgument(
                    "vectors: expected a 2-dimensional array (rows, %d), got shape %s"
                    % (self.dimension, vectors.shape))
            if vectors.shape[0] and vectors.shape[1] != self.dimension:
                raise errors.InvalidArgument(
                    "%s: %s" % (record_at(0, self._ids[0]),
                                vector_problem(vectors.shape[1], self.dimension)), index=0)
        else:
            for i, row in enumerate(vectors):
                if len(row) != self.dimension:
                    raise errors.InvalidArgument(
                        "%s: %s" % (record_at(i, self._ids[i]),
                                    vector_problem(len(row), self.dimension)), index=i)
            if not len(vectors):
                return np.empty((0, self.dimension), dtype="<f4")
        try:
            # float64 beyond float32's range becomes inf here, as it would on the server
            with np.errstate(over="ignore"):
                return np.ascontiguousarray(vectors, dtype="<f4")
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgument("vectors: expected numbers, got %s" % e) from None

    def check(self, start, stop, cosine):
        """Raises InvalidArgument naming the first row in [start, stop) with a value that is
        not finite, or all zeros under cosine."""
        if self._matrix is not None:
            block = self._matrix[start:stop]
            # A sum of finite values is finite unless it overflows: only then, or when a
            # value is NaN or infinite, is every value looked at (a cheaper pass than isfinite).
            if not np.isfinite(block.sum()):
                finite = np.isfinite(block)
                if not finite.all():
                    row, col = np.argwhere(~finite)[0]
                    self._bad(start + int(row), "values[%d]: expected a finite number, got %s"
                              % (col, java_float(float(block[row, col]))))
            if cosine:
                zero = ~block.any(axis=1)
                if zero.any():
                    self._bad(start + int(np.argmax(zero)), ZERO_UNDER_COSINE)
            return
        for i in range(start, stop):
            row = self._rows[i]
            for j, value in enumerate(row):
                value = float(value)
                if not math.isfinite(value) or abs(value) > _FLOAT32_MAX:
                    self._bad(i, "values[%d]: expected a finite number, got %s"
                              % (j, java_float(value if not math.isfinite(value)
                                               else math.copysign(math.inf, value))))
            if cosine and not any(row):
                self._bad(i, ZERO_UNDER_COSINE)

    def _bad(self, index, problem):
        raise errors.InvalidArgument("%s: %s" % (record_at(index, self._ids[index]), problem),
                                     index=index)

    def packed(self, start, stop):
        """The rows in [start, stop) as little-endian float32 bytes, one buffer per row."""
        if self._matrix is not None:
            # bytes, not memoryviews: bytes.join copies bytes at memcpy speed, views 100x slower
            flat = self._matrix[start:stop].tobytes()
            step = 4 * self.dimension
            return [flat[i:i + step] for i in range(0, len(flat), step)]
        return [pack(self._rows[i]) for i in range(start, stop)]


def pack(vector):
    """One vector as little-endian float32 bytes."""
    if np is not None:
        return np.ascontiguousarray(vector, dtype="<f4").tobytes()
    values = array.array("f", (float(v) for v in vector))
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    return values.tobytes()


def query_vector(vector, dimension, cosine, what="query vector"):
    """A query as packed bytes, checked as the server checks it."""
    try:
        length = len(vector)
    except TypeError:
        raise errors.InvalidArgument("%s: expected a sequence of numbers, got %s"
                                     % (what, type(vector).__name__)) from None
    if np is not None and isinstance(vector, np.ndarray) and vector.ndim != 1:
        raise errors.InvalidArgument("%s: expected a 1-dimensional vector, got shape %s"
                                     % (what, vector.shape))
    if length != dimension:
        raise errors.InvalidArgument("%s: %s" % (what, vector_problem(length, dimension)))
    packed = pack(vector)
    values = array.array("f")
    values.frombytes(packed)
    if sys.byteorder != "little":  # pragma: no cover
        values.byteswap()
    for j, value in enumerate(values):
        if not math.isfinite(value):
            raise errors.InvalidArgument("%s: values[%d]: expected a finite number, got %s"
                                         % (what, j, java_float(value)))
    if cosine and not any(values):
        raise errors.InvalidArgument("%s: %s" % (what, ZERO_UNDER_COSINE))
    return packed


# ---------------------------------------------------------------------------------------
# Upsert batches in protobuf's wire format.

def _varint(n):
    if n < len(_SMALL_VARINTS):
        return _SMALL_VARINTS[n]
    return _encode_varint(n)


def _encode_varint(n):
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_SMALL_VARINTS = [_encode_varint(n) for n in range(1 << 14)]  # every length below 16 KiB


def as_id(value, index):
    """An id as a str: str as is, int (not bool) in decimal; anything else is refused."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) or (
            np is not None and isinstance(value, np.integer)):
        return str(int(value))
    raise errors.InvalidArgument("record[%d]: id: expected a string, got %s %r"
                                 % (index, type(value).__name__, value), index=index)


def metadata_message(where, metadata):
    """{key: Value} for a dict of Python values."""
    if not isinstance(metadata, dict):
        raise errors.InvalidArgument("%s metadata: expected a dict, got %s"
                                     % (where, type(metadata).__name__))
    try:
        return {key: to_value(value, "%s metadata %s" % (where, quote(str(key))))
                for key, value in metadata.items()}
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgument(str(e)) from None


def encode_records(ids, packed_rows, metadata, offset):
    """The Record messages of one batch in wire format: per record, the bytes before its
    vector (field tag, length, id, metadata, packed_values tag and length) and the vector
    itself, kept apart so that the batch is copied once, when joined."""
    out = []
    varint = _varint
    for i, (record_id, packed) in enumerate(zip(ids, packed_rows)):
        meta = metadata[i] if metadata is not None else None
        if meta:
            head = pb2.Record(id=record_id, metadata=metadata_message(
                record_at(offset + i, record_id), meta)).SerializeToString()
        else:
            id_bytes = record_id.encode("utf-8")
            head = b"\x0a" + varint(len(id_bytes)) + id_bytes  # Record.id = 1
        vector_tag = b"\x22" + varint(len(packed))  # Record.packed_values = 4
        body = len(head) + len(vector_tag) + len(packed)
        out.append((b"\x12" + varint(body) + head + vector_tag, packed))  # UpsertRequest.records
    return out


def upsert_batches(collection, ids, rows, metadata, batch_size, max_bytes, cosine):
    """Yields (offset, count, serialized UpsertRequest) for the rows in order: batch_size
    rows at most, cut earlier when the message would pass max_bytes. A row with a bad value
    raises InvalidArgument only when its batch comes up."""
    name = collection.encode("utf-8")
    header = b"\x0a" + _varint(len(name)) + name  # UpsertRequest.collection = 1
    scratch = _Scratch()
    for start in range(0, rows.count, batch_size):
        stop = min(start + batch_size, rows.count)
        batch_ids = [as_id(ids[i], i) for i in range(start, stop)]
        rows.check(start, stop, cosine)
        batch_meta = metadata[start:stop] if metadata is not None else None
        if rows.matrix is not None and not (batch_meta and any(batch_meta)):
            yield from _matrix_batches(header, batch_ids, rows.matrix, start, max_bytes,
                                       scratch)
            continue
        records = encode_records(batch_ids, rows.packed(start, stop), batch_meta, start)
        first, parts, size = 0, [header], len(header)
        for i, (prefix, packed) in enumerate(records):
            length = len(prefix) + len(packed)
            if i > first and size + length > max_bytes:
                yield start + first, i - first, b"".join(parts)
                first, parts, size = i, [header], len(header)
            parts += (prefix, packed)
            size += length
        yield start + first, len(records) - first, b"".join(parts)


class _Scratch:
    """One layout buffer for all the batches of an upload: a fresh multi-megabyte array per
    batch is fresh memory from the OS each time (glibc maps and unmaps it), and the page faults
    of filling it cost more than the layout itself on these VMs."""

    def __init__(self):
        self._buffer = np.empty(0, dtype=np.uint8) if np is not None else None

    def get(self, size):
        if len(self._buffer) < size:
            self._buffer = np.empty(size, dtype=np.uint8)
        return self._buffer[:size]


def _matrix_batches(header, batch_ids, matrix, start, max_bytes, scratch):
    """upsert_batches for numpy rows without metadata, the bulk-load case, laid out by numpy:
    a record is its prefix (UpsertRequest.records tag and length, Record.id tag, length and
    bytes, Record.packed_values tag and length) then its row's bytes, and every run of ids of
    one byte length is written as one 2-D block, so Python touches each id once and each
    vector is copied once."""
    row_bytes = matrix.shape[1] * 4
    tail = b"\x22" + _varint(row_bytes)  # Record.packed_values = 4
    encoded = [record_id.encode("utf-8") for record_id in batch_ids]
    id_lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    heads = {}  # id length -> b"\x12" len(record) b"\x0a" len(id)
    for length in np.unique(id_lengths).tolist():
        body = 1 + len(_varint(length)) + length + len(tail) + row_bytes
        heads[length] = b"\x12" + _varint(body) + b"\x0a" + _varint(length)
    record_lengths = id_lengths + row_bytes + len(tail)
    for length, head in heads.items():
        record_lengths[id_lengths == length] += len(head)
    ends = np.cumsum(record_lengths)  # record i's end after the header
    first, count = 0, len(encoded)
    while first < count:
        before = ends[first - 1] if first else 0
        stop = max(first + 1, int(np.searchsorted(ends, before + max_bytes - len(header),
                                                  side="right")))
        yield start + first, stop - first, _lay_out(
            header, encoded, id_lengths, heads, tail, matrix, start, first, stop,
            scratch.get(len(header) + int(ends[stop - 1] - before)))
        first = stop


def _lay_out(header, encoded, id_lengths, heads, tail, matrix, start, first, stop, out):
    """The message of records [first, stop) of a batch at start, laid out in out (exactly its
    size) and returned as bytes."""
    row_bytes = matrix.shape[1] * 4
    out[:len(header)] = np.frombuffer(header, dtype=np.uint8)
    at = len(header)
    cuts = (np.flatnonzero(np.diff(id_lengths[first:stop])) + 1 + first).tolist()
    for i, j in zip([first] + cuts, cuts + [stop]):
        length = int(id_lengths[i])
        head = heads[length]
        prefix = len(head) + length + len(tail)
        block = out[at:at + (j - i) * (prefix + row_bytes)].reshape(j - i, prefix + row_bytes)
        block[:, :len(head)] = np.frombuffer(head, dtype=np.uint8)
        block[:, len(head):len(head) + length] = np.frombuffer(
            b"".join(encoded[i:j]), dtype=np.uint8).reshape(j - i, length)
        block[:, len(head) + length:prefix] = np.frombuffer(tail, dtype=np.uint8)
        block[:, prefix:] = matrix[start + i:start + j].view(np.uint8)
        at += (j - i) * (prefix + row_bytes)
    return out.tobytes()


# ---------------------------------------------------------------------------------------
# Other requests.

def where_filter(where):
    """The Filter message for a dict, or None."""
    if where is None:
        return None
    try:
        return to_filter(where)
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgument(str(e)) from None


def metric(name):
    key = name.lower() if isinstance(name, str) else name
    if key not in METRICS:
        raise errors.InvalidArgument("metric: expected one of %s, got %r"
                                     % (", ".join(METRICS), name))
    return METRICS[key]


def quantization(name):
    key = name.lower() if isinstance(name, str) else name
    if key not in QUANTIZATIONS:
        raise errors.InvalidArgument("quantization: expected none, int8 or binary, got %r" % name)
    return QUANTIZATIONS[key]


# ---------------------------------------------------------------------------------------
# Replies.

def python_value(value):
    kind = value.WhichOneof("kind")
    if kind == "string_list_value":
        return list(value.string_list_value.values)
    return getattr(value, kind) if kind else None


def python_metadata(metadata):
    return {key: python_value(value) for key, value in metadata.items()}
