package io.vectaraft.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CountResponse;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionResponse;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DeleteResponse;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.GetResponse;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.ListCollectionsResponse;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.ListSnapshotsResponse;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryBatchResponse;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.ReadConsistency;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Match;
import io.vectaraft.index.Page;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.server.auth.Caller;
import io.vectaraft.server.config.Limits;
import io.vectaraft.server.grpc.RecordTranslator.Include;
import io.vectaraft.server.recall.RecallMonitor;
import io.vectaraft.wal.CollectionCreated;
import io.vectaraft.wal.Store;
import io.vectaraft.wal.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@code vectaraft.v1.VectorService} over a {@link Store} (standalone or a cluster replica):
 * translates each request, calls the store (mutations) or its database (reads), and translates the
 * reply. Every failure goes through {@link StatusMapper} to {@code onError}. Transport-agnostic:
 * any gRPC server can bind it.
 */
public final class VectorServiceImpl extends VectorServiceGrpc.VectorServiceImplBase {
    private final Store store;
    private final String version;
    private final long startNanos = System.nanoTime();
    private final ServiceEvents events;
    private final RecallMonitor recall;
    private final Tracer tracer;
    private final Admission admission;
    private final FilterTranslator filters;

    public VectorServiceImpl(Store store, String version, ServiceEvents events) {
        this(
                store,
                version,
                events,
                RecallMonitor.disabled(),
                OpenTelemetry.noop().getTracer(""),
                new Admission(Limits.defaults()));
    }

    /**
     * @param recall samples approximate searches (owned by the caller, which closes it)
     * @param tracer for a span around each search, a child of the call's span
     * @param admission what one request may cost, and the slots of searches and scans
     */
    public VectorServiceImpl(
            Store store,
            String version,
            ServiceEvents events,
            RecallMonitor recall,
            Tracer tracer,
            Admission admission) {
        this.store = store;
        this.version = version;
        this.events = events;
        this.recall = recall;
        this.tracer = tracer;
        this.admission = admission;
        this.filters = new FilterTranslator(admission.limits().maxFilterTerms());
    }

    @Override
    public void ping(PingRequest request, StreamObserver<PingResponse> reply) {
        respond(
                reply,
                () ->
                        PingResponse.newBuilder()
                                .setVersion(version)
                                .setUptimeMs((System.nanoTime() - startNanos) / 1_000_000)
                                .build());
    }

    @Override
    public void createCollection(
            CreateCollectionRequest request, StreamObserver<CollectionInfo> reply) {
        respond(
                reply,
                () -> {
                    CollectionCreated created =
                            store.createCollection(CollectionTranslator.toSpec(request));
                    VectorCollection c = created.collection();
                    events.created(c.spec().name());
                    return info(c).toBuilder().setLsn(created.lsn()).build();
                });
    }

    @Override
    public void listCollections(
            ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> reply) {
        respond(
                reply,
                () -> {
                    ListCollectionsResponse.Builder b = ListCollectionsResponse.newBuilder();
                    // A key limited to some collections sees only those.
                    Caller caller = Caller.current();
                    store.database().list().stream()
                            .filter(c -> caller.sees(c.spec().name()))
                            .forEach(c -> b.addCollections(info(c)));
                    return b.build();
                });
    }

    @Override
    public void describeCollection(
            DescribeCollectionRequest request, StreamObserver<CollectionInfo> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    return info(collection(request.getName()));
                });
    }

    @Override
    public void deleteCollection(
            DeleteCollectionRequest request, StreamObserver<DeleteCollectionResponse> reply) {
        respond(
                reply,
                () -> {
                    WriteResult r = store.dropCollection(name(request.getName()));
                    events.dropped(request.getName());
                    recall.forget(request.getName());
                    return DeleteCollectionResponse.newBuilder().setLsn(r.lsn()).build();
                });
    }

    @Override
    public void upsert(UpsertRequest request, StreamObserver<UpsertResponse> reply) {
        respond(
                reply,
                () -> {
                    String name = name(request.getCollection());
                    WriteResult r =
                            store.upsert(
                                    name, RecordTranslator.toRecords(request.getRecordsList()));
                    events.upserted(name, r.count());
                    return UpsertResponse.newBuilder()
                            .setUpsertedCount(r.count())
                            .setLsn(r.lsn())
                            .build();
                });
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    Include include =
                            new Include(request.getIncludeValues(), request.getIncludeMetadata());
                    VectorCollection c = collection(request.getCollection());
                    admission.results(
                            "Get: " + request.getIdsCount() + " ids",
                            request.getIdsCount(),
                            include.values(),
                            c.spec().dimension());
                    return admission.admitted(
                            () -> {
                                GetResponse.Builder b = GetResponse.newBuilder();
                                c.get(request.getIdsList(), include.values())
                                        .forEach(
                                                r ->
                                                        b.addRecords(
                                                                RecordTranslator.toProto(
                                                                        r, include)));
                                return b.build();
                            });
                });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> reply) {
        respond(
                reply,
                () -> {
                    String name = name(request.getCollection());
                    boolean byIds = request.getIdsCount() > 0;
                    if (byIds == request.hasFilter()) {
                        throw new InvalidArgumentException(
                                "delete: expected exactly one of ids and filter, got "
                                        + (byIds ? "both" : "neither"));
                    }
                    WriteResult r =
                            byIds
                                    ? store.delete(name, request.getIdsList())
                                    : deleteMatching(
                                            name, filters.toFilter("filter", request.getFilter()));
                    events.deleted(name, r.count());
                    return DeleteResponse.newBuilder()
                            .setDeletedCount(r.count())
                            .setLsn(r.lsn())
                            .build();
                });
    }

    /** A delete by filter scans the collection: it takes a search slot. */
    private WriteResult deleteMatching(String name, io.vectaraft.index.filter.Filter filter) {
        return admission.admitted(() -> store.deleteMatching(name, filter));
    }

    @Override
    public void query(QueryRequest request, StreamObserver<QueryResponse> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    VectorCollection c = collection(request.getCollection());
                    SearchRequest search =
                            new SearchRequest(
                                    List.of(
                                            RecordTranslator.vector(
                                                    () -> "query",
                                                    "vector",
                                                    request.getVectorCount(),
                                                    request::getVector,
                                                    "packed_vector",
                                                    request.getPackedVector())),
                                    Unsigned.toInt("top_k", request.getTopK()),
                                    filters.optional(request.hasFilter(), request.getFilter()),
                                    Unsigned.toInt("ef", request.getEf()),
                                    request.getExact(),
                                    request.getIncludeValues(),
                                    !request.getSkipRescore(),
                                    request.getOversample());
                    admit("Query", c, search);
                    return admission.admitted(
                            () -> {
                                SearchResults results = search(c, search);
                                events.queried(c.spec().name(), 1, results.visited());
                                return matches(
                                        results.matches().getFirst(),
                                        include(search, request.getIncludeMetadata()));
                            });
                });
    }

    @Override
    public void queryBatch(QueryBatchRequest request, StreamObserver<QueryBatchResponse> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    VectorCollection c = collection(request.getCollection());
                    List<float[]> queries = new ArrayList<>(request.getQueriesCount());
                    for (int i = 0; i < request.getQueriesCount(); i++) {
                        QueryVector q = request.getQueries(i);
                        int index = i;
                        queries.add(
                                RecordTranslator.vector(
                                        () -> "queries[" + index + "]",
                                        "values",
                                        q.getValuesCount(),
                                        q::getValues,
                                        "packed_values",
                                        q.getPackedValues()));
                    }
                    // ef and exact matter only to HNSW; a flat index is always exact.
                    SearchRequest search =
                            new SearchRequest(
                                    queries,
                                    Unsigned.toInt("top_k", request.getTopK()),
                                    filters.optional(request.hasFilter(), request.getFilter()),
                                    Unsigned.toInt("ef", request.getEf()),
                                    request.getExact(),
                                    request.getIncludeValues(),
                                    !request.getSkipRescore(),
                                    request.getOversample());
                    admit("QueryBatch", c, search);
                    return admission.admitted(
                            () -> {
                                SearchResults results = search(c, search);
                                Include include = include(search, request.getIncludeMetadata());
                                QueryBatchResponse.Builder b = QueryBatchResponse.newBuilder();
                                results.matches().forEach(r -> b.addResults(matches(r, include)));
                                events.queried(c.spec().name(), queries.size(), results.visited());
                                return b.build();
                            });
                });
    }

    @Override
    public void count(CountRequest request, StreamObserver<CountResponse> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    VectorCollection c = collection(request.getCollection());
                    io.vectaraft.index.filter.Filter filter =
                            filters.optional(request.hasFilter(), request.getFilter());
                    long n = admission.admitted(() -> c.count(filter));
                    return CountResponse.newBuilder().setCount(n).build();
                });
    }

    @Override
    public void scroll(ScrollRequest request, StreamObserver<ScrollResponse> reply) {
        respond(
                reply,
                () -> {
                    fresh(request.getConsistency(), request.getMinLsn());
                    VectorCollection c = collection(request.getCollection());
                    io.vectaraft.index.ScrollRequest scroll =
                            new io.vectaraft.index.ScrollRequest(
                                    filters.optional(request.hasFilter(), request.getFilter()),
                                    PageToken.decode(request.getPageToken()),
                                    Unsigned.toInt("limit", request.getLimit()),
                                    request.getIncludeValues());
                    admission.results(
                            "Scroll: limit " + scroll.limit(),
                            scroll.limit(),
                            scroll.includeValues(),
                            c.spec().dimension());
                    Include include =
                            new Include(request.getIncludeValues(), request.getIncludeMetadata());
                    return admission.admitted(
                            () -> {
                                Page page = c.scroll(scroll);
                                ScrollResponse.Builder b =
                                        ScrollResponse.newBuilder()
                                                .setNextPageToken(PageToken.encode(page.lastId()));
                                page.records()
                                        .forEach(
                                                r ->
                                                        b.addRecords(
                                                                RecordTranslator.toProto(
                                                                        r, include)));
                                return b.build();
                            });
                });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<SnapshotInfo> reply) {
        respond(reply, () -> snapshotInfo(store.snapshot()));
    }

    @Override
    public void listSnapshots(
            ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> reply) {
        respond(
                reply,
                () -> {
                    ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
                    store.snapshots().forEach(s -> b.addSnapshots(snapshotInfo(s)));
                    return b.build();
                });
    }

    private static SnapshotInfo snapshotInfo(io.vectaraft.wal.SnapshotFile s) {
        return SnapshotInfo.newBuilder()
                .setSequence(s.sequence())
                .setPath(s.path().toString())
                .setSizeBytes(s.sizeBytes())
                .setCreatedUnixMs(s.created().toEpochMilli())
                .setCollections(s.collections())
                .build();
    }

    private CollectionInfo info(VectorCollection c) {
        return CollectionTranslator.toInfo(c, recall.estimate(c.spec().name()));
    }

    private static QueryResponse matches(List<Match> matches, Include include) {
        QueryResponse.Builder b = QueryResponse.newBuilder();
        matches.forEach(m -> b.addMatches(RecordTranslator.toProto(m, include)));
        return b.build();
    }

    /**
     * Checks a search's results against the limits: queries x max(top_k, ef), since the HNSW beam
     * holds ef candidates per query.
     */
    private void admit(String method, VectorCollection c, SearchRequest search) {
        int n = search.queries().size();
        boolean beam = search.ef() > search.k();
        admission.results(
                method
                        + ": "
                        + (n > 1 ? n + " queries x " : "")
                        + (beam ? "ef " + search.ef() : "top_k " + search.k()),
                (long) n * (beam ? search.ef() : search.k()),
                search.includeValues(),
                c.spec().dimension());
    }

    /**
     * Runs a search in its own span and hands its approximate queries to the recall monitor's
     * sampling.
     */
    private SearchResults search(VectorCollection c, SearchRequest request) {
        long writes = c.writeCount();
        String path =
                c.spec().index() instanceof IndexSpec.Hnsw && !request.exact() ? "hnsw" : "flat";
        Span.current()
                .setAttribute("vectaraft.top_k", request.k())
                .setAttribute("vectaraft.queries", request.queries().size())
                .setAttribute("vectaraft.filter", request.filter() != null)
                .setAttribute("vectaraft.index", path);
        Span span = tracer.spanBuilder("search").startSpan();
        SearchResults results;
        Scope scope = span.makeCurrent();
        try {
            results = c.search(request);
            span.setAttribute("vectaraft.candidates_scanned", results.visited());
        } finally {
            scope.close();
            span.end();
        }
        Span.current().setAttribute("vectaraft.candidates_scanned", results.visited());
        for (int i = 0; i < results.matches().size(); i++) {
            if (recall.sampled(c, request.exact())) {
                recall.submit(
                        c,
                        request.withQuery(request.queries().get(i)),
                        writes,
                        results.matches().get(i));
            }
        }
        return results;
    }

    private static Include include(SearchRequest search, boolean metadata) {
        return new Include(search.includeValues(), metadata);
    }

    /** How long a read waits for freshness when the call has no deadline. */
    private static final long DEFAULT_READ_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Waits until this node may answer a read as fresh as asked: {@code LINEARIZABLE} reflects
     * every write acknowledged before the read began (a ReadIndex in a cluster), {@code min_lsn}
     * waits until this node has applied that log position; both bounded by the call's deadline.
     */
    private void fresh(ReadConsistency consistency, long minLsn) {
        boolean linearizable =
                switch (consistency) {
                    case READ_CONSISTENCY_LOCAL -> false;
                    case READ_CONSISTENCY_LINEARIZABLE -> true;
                    case UNRECOGNIZED ->
                            throw new InvalidArgumentException(
                                    "consistency: expected LOCAL (0) or LINEARIZABLE (1), got an"
                                            + " unknown value");
                };
        if (!linearizable && minLsn == 0) {
            return;
        }
        Deadline deadline = Context.current().getDeadline();
        long wait =
                deadline == null
                        ? DEFAULT_READ_WAIT_NANOS
                        : deadline.timeRemaining(TimeUnit.NANOSECONDS);
        store.awaitFresh(linearizable, minLsn, System.nanoTime() + wait);
    }

    private VectorCollection collection(String name) {
        return store.database().get(name(name));
    }

    /** The collection named by a request, also recorded on the call's span. */
    private static String name(String collection) {
        Span.current().setAttribute("vectaraft.collection", collection);
        if (collection.isEmpty()) {
            throw new InvalidArgumentException("collection: expected a collection name, got none");
        }
        CollectionSpec.checkName(collection);
        return collection;
    }

    /** Runs one unary call: its reply, or its failure mapped to a status. */
    private static <T> void respond(StreamObserver<T> reply, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            reply.onError(StatusMapper.toStatusException(e));
            return;
        }
        reply.onNext(value);
        reply.onCompleted();
    }
}
