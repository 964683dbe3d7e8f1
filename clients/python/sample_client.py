#!/usr/bin/env python3
"""vectaraft sample client: create a collection, upsert, query with and without a filter.

    /usr/bin/python3 clients/python/sample_client.py [--addr HOST:PORT] [--api-key KEY]
        [--tls-ca CA.pem [--tls-cert CERT.pem --tls-key KEY.pem]]

The key may also come from VECTARAFT_API_KEY; --tls-ca turns TLS on.

Generates the gRPC stubs into clients/python/_gen/ on first run. Works with
Debian's python3-grpcio/python3-grpc-tools/python3-protobuf (use /usr/bin/python3)
and with pip's grpcio + grpcio-tools.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402

import vectaraft_filters  # noqa: E402
import vectaraft_stubs  # noqa: E402

pb2, pb2_grpc = vectaraft_stubs.load()

COLLECTION = "sample_movies"
DIMENSION = 4

# id, vector, metadata. The vectors are chosen so that the filter visibly
# changes the answer: the unfiltered top 3 are sf films, the filtered top 3
# drop the 1982 one and bring in a noir film.
MOVIES = [
    ("blade-runner", [0.9, 0.1, 0.0, 0.0], {"genre": "sf", "year": 1982}),
    ("the-matrix", [0.8, 0.2, 0.1, 0.0], {"genre": "sf", "year": 1999}),
    ("arrival", [0.7, 0.1, 0.3, 0.0], {"genre": "sf", "year": 2016}),
    ("chinatown", [0.1, 0.9, 0.0, 0.0], {"genre": "noir", "year": 1974}),
    ("memento", [0.3, 0.8, 0.1, 0.0], {"genre": "noir", "year": 2000}),
    ("amelie", [0.0, 0.1, 0.9, 0.2], {"genre": "romance", "year": 2001}),
]
QUERY = [1.0, 0.1, 0.0, 0.0]
FILTER = {"genre": {"$in": ["sf", "noir"]}, "year": {"$gte": 1990}}
TOP_K = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:50051",
                        help="server address HOST:PORT (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for the server and for each call (default %(default)s)")
    parser.add_argument("--api-key", default=os.environ.get("VECTARAFT_API_KEY"),
                        help="API key, sent as 'authorization: Bearer KEY' (default $VECTARAFT_API_KEY)")
    parser.add_argument("--tls-ca", help="PEM CA certificates that sign the server's (turns TLS on)")
    parser.add_argument("--tls-cert", help="PEM client certificate (mutual TLS)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None) or (args.tls_cert and not args.tls_ca):
        parser.error("--tls-cert and --tls-key go together, with --tls-ca")

    with open_channel(args) as plain:
        channel = grpc.intercept_channel(plain, BearerKey(args.api_key)) if args.api_key else plain
        try:
            grpc.channel_ready_future(plain).result(timeout=args.timeout)
        except grpc.FutureTimeoutError:
            print("error: cannot reach a vectaraft server at %s within %.0f s"
                  % (args.addr, args.timeout), file=sys.stderr)
            return 2
        stub = pb2_grpc.VectorServiceStub(channel)
        try:
            run(stub, args.addr, args.timeout)
        except grpc.RpcError as e:
            print("error: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
            return 1
    return 0


def open_channel(args):
    if not args.tls_ca:
        return grpc.insecure_channel(args.addr)
    def read(path):
        with open(path, "rb") as f:
            return f.read()
    credentials = grpc.ssl_channel_credentials(
        read(args.tls_ca),
        read(args.tls_key) if args.tls_key else None,
        read(args.tls_cert) if args.tls_cert else None)
    return grpc.secure_channel(args.addr, credentials)


class BearerKey(grpc.UnaryUnaryClientInterceptor):
    """Adds 'authorization: Bearer <key>' to every call."""

    def __init__(self, key):
        self._metadata = (("authorization", "Bearer " + key),)

    def intercept_unary_unary(self, continuation, details, request):
        metadata = tuple(details.metadata or ()) + self._metadata
        return continuation(details._replace(metadata=metadata), request)


def run(stub, addr, timeout):
    pong = stub.Ping(pb2.PingRequest(), timeout=timeout)
    print("connected to vectaraft %s at %s (up %d ms)" % (pong.version, addr, pong.uptime_ms))

    info = stub.CreateCollection(
        pb2.CreateCollectionRequest(name=COLLECTION, dimension=DIMENSION, metric=pb2.COSINE),
        timeout=timeout)
    print("collection %s: dimension %d, metric %s"
          % (info.name, info.dimension, pb2.Metric.Name(info.metric)))

    records = [pb2.Record(id=rid, values=vector,
                          metadata={k: vectaraft_filters.to_value(v) for k, v in meta.items()})
               for rid, vector, meta in MOVIES]
    reply = stub.Upsert(pb2.UpsertRequest(collection=COLLECTION, records=records), timeout=timeout)
    print("upserted %d records" % reply.upserted_count)

    print()
    print("query top %d, no filter:" % TOP_K)
    show(stub.Query(query_request(None), timeout=timeout))

    print()
    print("query top %d, filter %s:" % (TOP_K, json.dumps(FILTER)))
    show(stub.Query(query_request(vectaraft_filters.to_filter(FILTER)), timeout=timeout))


def query_request(filter_message):
    request = pb2.QueryRequest(collection=COLLECTION, vector=QUERY, top_k=TOP_K,
                               include_metadata=True)
    if filter_message is not None:
        request.filter.CopyFrom(filter_message)
    return request


def show(reply):
    if not reply.matches:
        print("  (no matches)")
    for rank, match in enumerate(reply.matches, 1):
        meta = " ".join("%s=%s" % (k, plain(match.metadata[k])) for k in sorted(match.metadata))
        print("  %d. %-14s score %.4f  %s" % (rank, match.id, match.score, meta))


def plain(value):
    kind = value.WhichOneof("kind")
    if kind == "string_list_value":
        return ",".join(value.string_list_value.values)
    return getattr(value, kind) if kind else ""


if __name__ == "__main__":
    sys.exit(main())
