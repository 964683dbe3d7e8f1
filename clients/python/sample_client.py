#!/usr/bin/env python3
"""vectaraft sample client: create a collection, upsert, query with and without a filter.

    /usr/bin/python3 clients/python/sample_client.py [--addr HOST:PORT] [--api-key KEY]
        [--tls-ca CA.pem [--tls-cert CERT.pem --tls-key KEY.pem]]

The key may also come from VECTARAFT_API_KEY; --tls-ca turns TLS on. Uses the vectaraft
package of this directory (installed or not).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import vectaraft  # noqa: E402

COLLECTION = "sample_movies"

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
                        help="seconds to wait for each call (default %(default)s)")
    parser.add_argument("--api-key", help="API key, sent as 'authorization: Bearer KEY' "
                                          "(default $VECTARAFT_API_KEY)")
    parser.add_argument("--tls-ca", help="PEM CA certificates that sign the server's (turns TLS on)")
    parser.add_argument("--tls-cert", help="PEM client certificate (mutual TLS)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None) or (args.tls_cert and not args.tls_ca):
        parser.error("--tls-cert and --tls-key go together, with --tls-ca")
    tls = vectaraft.Tls(args.tls_ca, args.tls_cert, args.tls_key) if args.tls_ca else None

    try:
        with vectaraft.Client(args.addr, api_key=args.api_key, tls=tls,
                              timeout=args.timeout) as client:
            run(client, args.addr)
    except vectaraft.Unavailable as e:
        print("error: cannot reach a vectaraft server at %s: %s" % (args.addr, e.message),
              file=sys.stderr)
        return 2
    except vectaraft.VectaraftError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


def run(client, addr):
    server = client.ping()
    print("connected to vectaraft %s at %s (up %d ms)" % (server.version, addr, server.uptime_ms))

    col = client.create_collection(COLLECTION, dimension=len(QUERY), metric="cosine")
    print("collection %s: dimension %d, metric %s"
          % (col.name, col.dimension, col.info.metric.upper()))

    ids, vectors, metadata = zip(*MOVIES)
    print("upserted %d records" % col.upsert(list(ids), list(vectors), metadata=list(metadata)))

    print()
    print("query top %d, no filter:" % TOP_K)
    show(col.query(QUERY, k=TOP_K))

    print()
    print("query top %d, filter %s:" % (TOP_K, json.dumps(FILTER)))
    show(col.query(QUERY, k=TOP_K, where=FILTER))


def show(hits):
    if not hits:
        print("  (no matches)")
    for rank, hit in enumerate(hits, 1):
        meta = " ".join("%s=%s" % (k, plain(hit.metadata[k])) for k in sorted(hit.metadata))
        print("  %d. %-14s score %.4f  %s" % (rank, hit.id, hit.score, meta))


def plain(value):
    return ",".join(value) if isinstance(value, list) else value


if __name__ == "__main__":
    sys.exit(main())
