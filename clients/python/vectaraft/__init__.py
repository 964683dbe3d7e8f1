"""vectaraft: the Python client of the vectaraft vector database.

    import vectaraft
    client = vectaraft.Client("127.0.0.1:50051")
    col = client.create_collection("docs", dimension=384, metric="cosine", index="hnsw")
    col.upsert(ids, vectors, metadata=[{"genre": "sf"}, ...], show_progress=True)
    hits = col.query(vectors[0], k=10, where={"genre": {"$in": ["sf"]}})

vectaraft.aio.Client is the same API for asyncio. Failures raise subclasses of
vectaraft.VectaraftError, one per gRPC status.
"""

from ._connection import Retry, Tls
from .client import Client, Collection
from .errors import (AlreadyExists, DeadlineExceeded, FailedPrecondition, InvalidArgument,
                     NotFound, PermissionDenied, ResourceExhausted, Unauthenticated,
                     Unavailable, VectaraftError)
from .filters import to_filter
from .types import CollectionInfo, FieldIndexInfo, Flat, Hit, Hnsw, Record, ServerInfo, Snapshot

__version__ = "0.1.0"

__all__ = [
    "Client", "Collection", "Retry", "Tls", "Flat", "Hnsw", "Hit", "Record", "CollectionInfo",
    "FieldIndexInfo",
    "ServerInfo", "Snapshot", "to_filter", "VectaraftError", "InvalidArgument", "NotFound",
    "AlreadyExists", "Unauthenticated", "PermissionDenied", "Unavailable", "ResourceExhausted",
    "FailedPrecondition", "DeadlineExceeded",
]
