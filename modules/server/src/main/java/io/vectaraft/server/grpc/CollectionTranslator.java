package io.vectaraft.server.grpc;

import io.grpc.Status;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.FlatIndex;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.index.Collection;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Metric;

/** Collection parameters between the wire and the index. */
final class CollectionTranslator {
    /**
     * Whether {@code HnswIndex} collections can be created. The single switch for the HNSW issue:
     * until the index implements the graph, such requests get UNIMPLEMENTED.
     */
    static final boolean HNSW_AVAILABLE = false;

    private CollectionTranslator() {}

    static CollectionSpec toSpec(CreateCollectionRequest request) {
        int dimension =
                Unsigned.toInt(
                        "dimension", request.getDimension(), 1, CollectionSpec.MAX_DIMENSION);
        return new CollectionSpec(
                request.getName(),
                dimension,
                toMetric(request.getMetric(), request.getMetricValue()),
                toIndex(request.hasIndex() ? request.getIndex() : null));
    }

    static Metric toMetric(io.vectaraft.api.v1.Metric metric, int number) {
        return switch (metric) {
            case COSINE -> Metric.COSINE;
            case DOT -> Metric.DOT;
            case EUCLIDEAN -> Metric.EUCLIDEAN;
            case METRIC_UNSPECIFIED ->
                    throw new InvalidArgumentException(
                            "metric: expected COSINE, DOT or EUCLIDEAN, got METRIC_UNSPECIFIED");
            case UNRECOGNIZED ->
                    throw new InvalidArgumentException(
                            "metric: expected COSINE, DOT or EUCLIDEAN, got unknown metric number "
                                    + number);
        };
    }

    /** An unset index, or an {@code IndexSpec} with no kind, means flat (exact) search. */
    static IndexSpec toIndex(io.vectaraft.api.v1.IndexSpec index) {
        if (index == null || index.getKindCase() != io.vectaraft.api.v1.IndexSpec.KindCase.HNSW) {
            return IndexSpec.flat();
        }
        if (!HNSW_AVAILABLE) {
            throw Status.UNIMPLEMENTED
                    .withDescription(
                            "index.hnsw: HNSW indexes are not available yet; omit index (or use"
                                    + " flat) for exact search")
                    .asRuntimeException();
        }
        HnswIndex h = index.getHnsw();
        return new IndexSpec.Hnsw(
                orDefault("index.hnsw.m", h.getM(), IndexSpec.Hnsw.DEFAULT_M),
                orDefault(
                        "index.hnsw.ef_construction",
                        h.getEfConstruction(),
                        IndexSpec.Hnsw.DEFAULT_EF_CONSTRUCTION),
                orDefault(
                        "index.hnsw.ef_search", h.getEfSearch(), IndexSpec.Hnsw.DEFAULT_EF_SEARCH));
    }

    private static int orDefault(String field, int raw, int defaultValue) {
        return raw == 0 ? defaultValue : Unsigned.toInt(field, raw, 0, Integer.MAX_VALUE);
    }

    static CollectionInfo toInfo(Collection collection) {
        CollectionSpec spec = collection.spec();
        return CollectionInfo.newBuilder()
                .setName(spec.name())
                .setDimension(spec.dimension())
                .setMetric(toProto(spec.metric()))
                .setIndex(toProto(spec.index()))
                .setCount(collection.size())
                .build();
    }

    static io.vectaraft.api.v1.Metric toProto(Metric metric) {
        return switch (metric) {
            case COSINE -> io.vectaraft.api.v1.Metric.COSINE;
            case DOT -> io.vectaraft.api.v1.Metric.DOT;
            case EUCLIDEAN -> io.vectaraft.api.v1.Metric.EUCLIDEAN;
        };
    }

    static io.vectaraft.api.v1.IndexSpec toProto(IndexSpec index) {
        io.vectaraft.api.v1.IndexSpec.Builder b = io.vectaraft.api.v1.IndexSpec.newBuilder();
        switch (index) {
            case IndexSpec.Flat f -> b.setFlat(FlatIndex.getDefaultInstance());
            case IndexSpec.Hnsw h ->
                    b.setHnsw(
                            HnswIndex.newBuilder()
                                    .setM(h.m())
                                    .setEfConstruction(h.efConstruction())
                                    .setEfSearch(h.efSearch()));
        }
        return b.build();
    }
}
