package io.vectaraft.server.observe;

import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.metrics.api.Tag;
import io.vectaraft.cluster.NodeStatus;
import io.vectaraft.cluster.ReplicatedStore;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.server.auth.Refusal;
import io.vectaraft.server.grpc.GcHeapOccupancy;
import io.vectaraft.server.grpc.ServiceEvents;
import io.vectaraft.wal.StorageStats;
import io.vectaraft.wal.Store;
import java.util.List;
import java.util.function.Supplier;

/**
 * The server's meters, in one registry owned by this object (never the global one, so that two
 * servers in one JVM count separately). Names follow Prometheus conventions: {@code vectaraft_}
 * prefix; counters end in {@code _total} and times in {@code _seconds} once exported.
 *
 * <p>Building one costs most of the HTTP side's start-up (Helidon metrics, Micrometer binders), so
 * the server builds it off the gRPC start path and feeds it through {@link DeferredMetrics}.
 */
public final class ServerMetrics
        implements ServiceEvents, CallRecorder, Refusal.Listener, AutoCloseable {
    private static final String COLLECTION_VECTORS = "vectaraft_collection_vectors";
    private static final String RECALL_AT_K = "vectaraft_recall_at_k";
    private static final String COLLECTION_BYTES = "vectaraft_collection_bytes";
    private static final List<String> BYTE_KINDS =
            List.of("codes", "vectors_heap", "vectors_mapped", "graph");
    private static final String AUTH_FAILURES = "vectaraft_auth_failures";

    private final MeterRegistry registry;
    private final Counter upserted;
    private final Counter deleted;
    private final Counter queries;
    private final Counter scanned;
    private final Counter heapRefusals;
    private final GrpcCallMeters calls;
    private volatile Store store;
    private final List<io.micrometer.core.instrument.Meter> walMeters;

    /** The recall gauges' sources, held here for the same reason as {@link #walStats}. */
    private final java.util.Map<String, Supplier<Double>> recallSources =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Held here: Micrometer keeps only a weak reference to a meter's state object. */
    private final Supplier<StorageStats> walStats =
            () -> {
                Store s = store;
                return s == null ? WalMeters.NONE : s.stats();
            };

    public ServerMetrics() {
        this.registry = MeterRegistry.create(MetricsConfig.create());
        JvmMeters.bindTo(registry);
        this.walMeters =
                WalMeters.bindTo(
                        registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class),
                        walStats);
        this.upserted = counter("vectaraft_vectors_upserted", "vectors inserted or replaced");
        this.deleted = counter("vectaraft_vectors_deleted", "vectors deleted");
        this.queries = counter("vectaraft_queries", "k-nearest-neighbour searches");
        this.scanned =
                counter(
                        "vectaraft_query_candidates_scanned",
                        "stored vectors compared with queries (for HNSW: the graph nodes scored)");
        this.heapRefusals =
                counter(
                        "vectaraft_heap_full_refusals",
                        "writes that add data refused with RESOURCE_EXHAUSTED because the heap was"
                                + " at least limits.write-heap-percent full after the last garbage"
                                + " collection");
        registry.getOrCreate(
                Gauge.builder("vectaraft_heap_after_gc_ratio", HEAP_AFTER_GC)
                        .description(
                                "heap in use after the last garbage collection, of the maximum"
                                        + " heap (what limits.write-heap-percent is compared with;"
                                        + " 0 before the first collection)"));
        this.calls = new GrpcCallMeters(registry);
    }

    /** Held here: Micrometer keeps only a weak reference to a meter's state object. */
    private static final Supplier<Double> HEAP_AFTER_GC =
            () -> {
                GcHeapOccupancy heap = GcHeapOccupancy.jvm();
                return Math.max(0, heap.usedAfterGc()) / (double) heap.max();
            };

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void record(String method, Status.Code code, String key, long nanos) {
        calls.record(method, code, key, nanos);
    }

    /**
     * Starts {@code vectaraft_auth_failures_total{reason}} with every reason at zero (API keys on),
     * so that a dashboard sees the series before the first refusal.
     */
    public void countAuthFailures() {
        for (Refusal.Reason r : Refusal.Reason.values()) {
            authFailures(r);
        }
    }

    @Override
    public void refused(Refusal refusal) {
        authFailures(refusal.reason()).increment();
    }

    private Counter authFailures(Refusal.Reason reason) {
        return registry.getOrCreate(
                Counter.builder(AUTH_FAILURES)
                        .description(
                                "calls and HTTP requests refused: missing_key, invalid_key, role,"
                                        + " scope")
                        .tags(List.of(Tag.create("reason", reason.label()))));
    }

    /** Held here: Micrometer keeps only a weak reference to a meter's state object. */
    private volatile Supplier<NodeStatus> raftStatus;

    /**
     * Starts the collection gauges over the store's (possibly recovered) collections, and a cluster
     * node's Raft meters.
     */
    public void bind(Store store) {
        this.store = store;
        if (store instanceof ReplicatedStore replica) {
            raftStatus = replica.admin()::local;
            RaftMeters.bindTo(registry, raftStatus);
        }
        registry.getOrCreate(
                Gauge.builder("vectaraft_collections", () -> store.database().list().size())
                        .description("collections"));
        store.database().list().forEach(c -> created(c.spec().name()));
    }

    @Override
    public void created(String collection) {
        Store s = store;
        registry.getOrCreate(
                Gauge.builder(
                                COLLECTION_VECTORS,
                                () ->
                                        s.database()
                                                .find(collection)
                                                .map(VectorCollection::size)
                                                .orElse(0L))
                        .description("vectors per collection")
                        .tags(List.of(Tag.create("collection", collection))));
        for (String kind : BYTE_KINDS) {
            registry.getOrCreate(
                    Gauge.builder(
                                    COLLECTION_BYTES,
                                    () ->
                                            s.database()
                                                    .find(collection)
                                                    .map(c -> bytes(c.stats(), kind))
                                                    .orElse(0L))
                            .description(
                                    "bytes per collection: quantized codes, full-precision vectors"
                                            + " on the heap and memory-mapped, graph links")
                            .tags(
                                    List.of(
                                            Tag.create("collection", collection),
                                            Tag.create("kind", kind))));
        }
    }

    private static long bytes(io.vectaraft.index.IndexStats stats, String kind) {
        return switch (kind) {
            case "codes" -> stats.codeBytes();
            case "vectors_heap" -> stats.vectorBytes();
            case "vectors_mapped" -> stats.vectorMappedBytes();
            default -> stats.graphBytes();
        };
    }

    @Override
    public void dropped(String collection) {
        registry.remove(COLLECTION_VECTORS, List.of(Tag.create("collection", collection)));
        registry.remove(RECALL_AT_K, List.of(Tag.create("collection", collection)));
        for (String kind : BYTE_KINDS) {
            registry.remove(
                    COLLECTION_BYTES,
                    List.of(Tag.create("collection", collection), Tag.create("kind", kind)));
        }
        recallSources.remove(collection);
    }

    /**
     * Exports a collection's live recall estimate (see {@code RecallMonitor}) as the gauge {@code
     * vectaraft_recall_at_k{collection=...}}; NaN while it has no sample.
     */
    public void recallGauge(String collection, Supplier<Double> recallAtK) {
        recallSources.put(collection, recallAtK);
        registry.getOrCreate(
                Gauge.builder(RECALL_AT_K, recallAtK)
                        .description(
                                "recall@k of sampled approximate searches against an exact re-run")
                        .tags(List.of(Tag.create("collection", collection))));
    }

    @Override
    public void upserted(String collection, long records) {
        upserted.increment(records);
    }

    @Override
    public void deleted(String collection, long records) {
        deleted.increment(records);
    }

    @Override
    public void writeRefused(String method) {
        heapRefusals.increment();
    }

    @Override
    public void queried(String collection, long queries, long scanned) {
        this.queries.increment(queries);
        this.scanned.increment(scanned);
    }

    private Counter counter(String name, String description) {
        return registry.getOrCreate(Counter.builder(name).description(description));
    }

    @Override
    public void close() {
        io.micrometer.core.instrument.MeterRegistry m =
                registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
        walMeters.forEach(m::remove);
        registry.close();
    }
}
