package io.vectaraft.server.grpc;

import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.FlatIndex;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexState;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.server.recall.RecallEstimate;

/** VectorCollection parameters between the wire and the index. */
final class CollectionTranslator {
    private CollectionTranslator() {}

    static CollectionSpec toSpec(CreateCollectionRequest request) {
        int dimension =
                Unsigned.toInt(
                        "dimension", request.getDimension(), 1, CollectionSpec.MAX_DIMENSION);
        return new CollectionSpec(
                request.getName(),
                dimension,
                toMetric(request.getMetric(), request.getMetricValue()),
                toIndex(request.hasIndex() ? request.getIndex() : null),
                toQuantization(request),
                request.getOnDisk());
    }

    /** The quantization asked for; oversample 0 takes the kind's default. */
    static Quantization toQuantization(CreateCollectionRequest request) {
        Quantization.Kind kind =
                switch (request.getQuantization()) {
                    case QUANTIZATION_NONE -> Quantization.Kind.NONE;
                    case QUANTIZATION_INT8 -> Quantization.Kind.INT8;
                    case QUANTIZATION_BINARY -> Quantization.Kind.BINARY;
                    case UNRECOGNIZED ->
                            throw new InvalidArgumentException(
                                    "quantization: expected QUANTIZATION_NONE, QUANTIZATION_INT8 or"
                                            + " QUANTIZATION_BINARY, got unknown number "
                                            + request.getQuantizationValue());
                };
        double oversample = request.getOversample();
        if (oversample == 0 || kind == Quantization.Kind.NONE) {
            return Quantization.of(kind);
        }
        return new Quantization(kind, oversample);
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

    /**
     * An unset index, or an {@code IndexSpec} with no kind, means flat (exact) search. HNSW
     * parameters left at 0 take the defaults; others must lie in the ranges {@link IndexSpec.Hnsw}
     * accepts, checked here so that errors name the request field.
     */
    static IndexSpec toIndex(io.vectaraft.api.v1.IndexSpec index) {
        if (index == null || index.getKindCase() != io.vectaraft.api.v1.IndexSpec.KindCase.HNSW) {
            return IndexSpec.flat();
        }
        HnswIndex h = index.getHnsw();
        return new IndexSpec.Hnsw(
                orDefault(
                        "index.hnsw.m",
                        h.getM(),
                        IndexSpec.Hnsw.MIN_M,
                        IndexSpec.Hnsw.MAX_M,
                        IndexSpec.Hnsw.DEFAULT_M),
                orDefault(
                        "index.hnsw.ef_construction",
                        h.getEfConstruction(),
                        1,
                        IndexSpec.Hnsw.MAX_EF,
                        IndexSpec.Hnsw.DEFAULT_EF_CONSTRUCTION),
                orDefault(
                        "index.hnsw.ef_search",
                        h.getEfSearch(),
                        1,
                        IndexSpec.Hnsw.MAX_EF,
                        IndexSpec.Hnsw.DEFAULT_EF_SEARCH));
    }

    private static int orDefault(String field, int raw, int min, int max, int defaultValue) {
        if (raw == 0) {
            return defaultValue;
        }
        long value = Integer.toUnsignedLong(raw);
        if (value < min || value > max) {
            throw new InvalidArgumentException(
                    field
                            + ": expected "
                            + min
                            + ".."
                            + max
                            + " (0 for the default "
                            + defaultValue
                            + "), got "
                            + value);
        }
        return (int) value;
    }

    /** The collection's parameters, count and index state, with its recall estimate. */
    static CollectionInfo toInfo(VectorCollection collection, RecallEstimate recall) {
        CollectionSpec spec = collection.spec();
        IndexStats stats = collection.stats();
        CollectionInfo.Builder info = CollectionInfo.newBuilder();
        for (io.vectaraft.index.FieldIndexInfo ix : collection.fieldIndexes()) {
            info.addFieldIndexes(
                    io.vectaraft.api.v1.FieldIndexInfo.newBuilder()
                            .setKey(ix.spec().key())
                            .setType(toProto(ix.spec().type()))
                            .setReady(ix.ready())
                            .setRecords(ix.records())
                            .setDistinctValues(ix.distinctValues())
                            .setBytes(ix.bytes()));
        }
        return info.setName(spec.name())
                .setDimension(spec.dimension())
                .setMetric(toProto(spec.metric()))
                .setIndex(toProto(spec.index()))
                .setCount(stats.count())
                .setQuantization(toProto(spec.quantization().kind()))
                .setOversample(spec.quantization().oversample())
                .setOnDisk(spec.onDisk())
                .setState(
                        IndexState.newBuilder()
                                .setTombstones(stats.tombstones())
                                .setPending(stats.graphPending())
                                .setGraphNodes(stats.graphNodes())
                                .setGraphLevels(stats.graphLevels())
                                .setGraphBytes(stats.graphBytes())
                                .setVectorBytes(stats.vectorBytes())
                                .setVectorMappedBytes(stats.vectorMappedBytes())
                                .setCodeBytes(stats.codeBytes())
                                .setRecallAtK(recall.samples() > 0 ? recall.recallAtK() : 0)
                                .setRecallSamples(recall.samples()))
                .build();
    }

    static io.vectaraft.api.v1.FieldIndexType toProto(io.vectaraft.index.FieldIndexSpec.Type type) {
        return switch (type) {
            case KEYWORD -> io.vectaraft.api.v1.FieldIndexType.FIELD_INDEX_KEYWORD;
            case INTEGER -> io.vectaraft.api.v1.FieldIndexType.FIELD_INDEX_INTEGER;
            case FLOAT -> io.vectaraft.api.v1.FieldIndexType.FIELD_INDEX_FLOAT;
            case BOOL -> io.vectaraft.api.v1.FieldIndexType.FIELD_INDEX_BOOL;
        };
    }

    /**
     * A request's index type.
     *
     * @throws InvalidArgumentException for an unset or unknown type
     */
    static io.vectaraft.index.FieldIndexSpec.Type fromProto(
            io.vectaraft.api.v1.FieldIndexType type) {
        return switch (type) {
            case FIELD_INDEX_KEYWORD -> io.vectaraft.index.FieldIndexSpec.Type.KEYWORD;
            case FIELD_INDEX_INTEGER -> io.vectaraft.index.FieldIndexSpec.Type.INTEGER;
            case FIELD_INDEX_FLOAT -> io.vectaraft.index.FieldIndexSpec.Type.FLOAT;
            case FIELD_INDEX_BOOL -> io.vectaraft.index.FieldIndexSpec.Type.BOOL;
            case FIELD_INDEX_TYPE_UNSPECIFIED, UNRECOGNIZED ->
                    throw new io.vectaraft.index.InvalidArgumentException(
                            "type: expected FIELD_INDEX_KEYWORD, FIELD_INDEX_INTEGER,"
                                    + " FIELD_INDEX_FLOAT or FIELD_INDEX_BOOL, got "
                                    + (type == io.vectaraft.api.v1.FieldIndexType.UNRECOGNIZED
                                            ? "an unknown value"
                                            : "none"));
        };
    }

    static io.vectaraft.api.v1.Metric toProto(Metric metric) {
        return switch (metric) {
            case COSINE -> io.vectaraft.api.v1.Metric.COSINE;
            case DOT -> io.vectaraft.api.v1.Metric.DOT;
            case EUCLIDEAN -> io.vectaraft.api.v1.Metric.EUCLIDEAN;
        };
    }

    static io.vectaraft.api.v1.Quantization toProto(Quantization.Kind kind) {
        return switch (kind) {
            case NONE -> io.vectaraft.api.v1.Quantization.QUANTIZATION_NONE;
            case INT8 -> io.vectaraft.api.v1.Quantization.QUANTIZATION_INT8;
            case BINARY -> io.vectaraft.api.v1.Quantization.QUANTIZATION_BINARY;
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
