"""Exceptions: one class per gRPC status the server answers with, all VectaraftError.

    try:
        col.upsert(ids, vectors)
    except vectaraft.InvalidArgument as e:
        print(e.message, e.index)   # the server's message; the offending row, when known

Client mistakes the SDK can see before sending (wrong dimension, NaN, ids and vectors
of different lengths) raise InvalidArgument in the server's wording.
"""

import grpc


class VectaraftError(Exception):
    """A failed call. `code` is the gRPC status name, `message` the server's text."""

    code = "UNKNOWN"

    def __init__(self, message, index=None):
        super().__init__(message)
        self.message = message
        # Upserts: the row of the caller's ids/vectors the message is about, when known.
        self.index = index

    def __str__(self):
        return "%s: %s" % (self.code, self.message)


class InvalidArgument(VectaraftError, ValueError):
    """Bad input; nothing of the request was applied."""
    code = "INVALID_ARGUMENT"


class NotFound(VectaraftError, LookupError):
    """No such collection."""
    code = "NOT_FOUND"


class AlreadyExists(VectaraftError):
    """A collection of that name exists with other parameters."""
    code = "ALREADY_EXISTS"


class Unauthenticated(VectaraftError):
    """No API key, or an unknown one."""
    code = "UNAUTHENTICATED"


class PermissionDenied(VectaraftError):
    """The key's role or collections do not allow the call."""
    code = "PERMISSION_DENIED"


class Unavailable(VectaraftError):
    """The server cannot be reached, or cannot write its log; retried for idempotent calls."""
    code = "UNAVAILABLE"


class ResourceExhausted(VectaraftError):
    """A message over the size limit, or the server's disk is full."""
    code = "RESOURCE_EXHAUSTED"


class FailedPrecondition(VectaraftError):
    """The server's state does not allow the call (e.g. a snapshot without a log)."""
    code = "FAILED_PRECONDITION"


class DeadlineExceeded(VectaraftError):
    """The call did not finish within its timeout."""
    code = "DEADLINE_EXCEEDED"


_BY_CODE = {cls.code: cls for cls in (
    InvalidArgument, NotFound, AlreadyExists, Unauthenticated, PermissionDenied, Unavailable,
    ResourceExhausted, FailedPrecondition, DeadlineExceeded)}


def from_rpc_error(error, index=None, message=None):
    """The VectaraftError for a grpc.RpcError (a plain VectaraftError for other codes)."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    text = message if message is not None else (error.details() or str(code))
    cls = _BY_CODE.get(code.name)
    if cls is None:
        exc = VectaraftError(text, index)
        exc.code = code.name
        return exc
    return cls(text, index)
