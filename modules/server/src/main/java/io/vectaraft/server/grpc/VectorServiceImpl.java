package io.vectaraft.server.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
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
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Match;
import io.vectaraft.index.Page;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.server.auth.Caller;
import io.vectaraft.server.grpc.RecordTranslator.Include;
import io.vectaraft.server.recall.RecallMonitor;
import io.vectaraft.wal.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code vectaraft.v1.VectorService} over a {@link StorageEngine}: translates each request,
 * calls the store (mutations) or its database (reads), and translates the reply. Every failure goes
 * through {@link StatusMapper} to {@code onError}. Transport-agnostic: any gRPC server can bind it.
 */
public final class VectorServiceImpl extends VectorServiceGrpc.VectorServiceImplBase {
    public static final int DEFAULT_SCROLL_LIMIT = 100;
    public static final int MAX_SCROLL_LIMIT = 10_000;

    private final StorageEngine store;
    private final String version;
    private final long startNanos = System.nanoTime();
    private final boolean durable;
    private final ServiceEvents events;
    private final RecallMonitor recall;

    /**
     * @param durable whether the store has a log (snapshots exist only then)
     */
    public VectorServiceImpl(
            StorageEngine store, String version, boolean durable, ServiceEvents events) {
        this(store, version, durable, events, RecallMonitor.disabled());
    }

    /**
     * @param durable whether the store has a log (snapshots exist only then)
     * @param recall samples approximate searches (owned by the caller, which closes it)
     */
    public VectorServiceImpl(
            StorageEngine store,
            String version,
            boolean durable,
            ServiceEvents events,
            RecallMonitor recall) {
        this.store = store;
        this.version = version;
        this.durable = durable;
        this.events = events;
        this.recall = recall;
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
                    VectorCollection c =
                            store.createCollection(CollectionTranslator.toSpec(request));
                    events.created(c.spec().name());
                    return info(c);
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
        respond(reply, () -> info(collection(request.getName())));
    }

    @Override
    public void deleteCollection(
            DeleteCollectionRequest request, StreamObserver<DeleteCollectionResponse> reply) {
        respond(
                reply,
                () -> {
                    store.dropCollection(name(request.getName()));
                    events.dropped(request.getName());
                    recall.forget(request.getName());
                    return DeleteCollectionResponse.getDefaultInstance();
                });
    }

    @Override
    public void upsert(UpsertRequest request, StreamObserver<UpsertResponse> reply) {
        respond(
                reply,
                () -> {
                    String name = name(request.getCollection());
                    if (request.getRecordsCount() == 0) {
                        throw new InvalidArgumentException(
                                "records: expected at least one record, got none");
                    }
                    int n =
                            store.upsert(
                                    name, RecordTranslator.toRecords(request.getRecordsList()));
                    events.upserted(name, n);
                    return UpsertResponse.newBuilder().setUpsertedCount(n).build();
                });
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> reply) {
        respond(
                reply,
                () -> {
                    Include include =
                            new Include(request.getIncludeValues(), request.getIncludeMetadata());
                    GetResponse.Builder b = GetResponse.newBuilder();
                    collection(request.getCollection())
                            .get(request.getIdsList())
                            .forEach(r -> b.addRecords(RecordTranslator.toProto(r, include)));
                    return b.build();
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
                    int n =
                            byIds
                                    ? store.delete(name, request.getIdsList())
                                    : store.deleteMatching(
                                            name,
                                            FilterTranslator.toFilter(
                                                    "filter", request.getFilter()));
                    events.deleted(name, n);
                    return DeleteResponse.newBuilder().setDeletedCount(n).build();
                });
    }

    @Override
    public void query(QueryRequest request, StreamObserver<QueryResponse> reply) {
        respond(
                reply,
                () -> {
                    VectorCollection c = collection(request.getCollection());
                    SearchRequest search =
                            new SearchRequest(
                                    RecordTranslator.floats(
                                            request.getVectorCount(), request::getVector),
                                    Unsigned.toInt(
                                            "top_k", request.getTopK(), 1, SearchRequest.MAX_K),
                                    FilterTranslator.optional(
                                            request.hasFilter(), request.getFilter()),
                                    Unsigned.toInt("ef", request.getEf(), 0, SearchRequest.MAX_EF),
                                    request.getExact());
                    long writes = c.writeCount();
                    SearchResults results = c.searchCounted(search);
                    List<Match> found = results.matches().getFirst();
                    if (recall.sampled(c, search.exact())) {
                        recall.submit(c, search, writes, found);
                    }
                    QueryResponse response =
                            matches(
                                    found,
                                    new Include(
                                            request.getIncludeValues(),
                                            request.getIncludeMetadata()));
                    events.queried(c.spec().name(), 1, results.visited());
                    return response;
                });
    }

    @Override
    public void queryBatch(QueryBatchRequest request, StreamObserver<QueryBatchResponse> reply) {
        respond(
                reply,
                () -> {
                    VectorCollection c = collection(request.getCollection());
                    List<float[]> queries = new ArrayList<>(request.getQueriesCount());
                    for (QueryVector q : request.getQueriesList()) {
                        queries.add(RecordTranslator.floats(q.getValuesCount(), q::getValues));
                    }
                    int k = Unsigned.toInt("top_k", request.getTopK(), 1, SearchRequest.MAX_K);
                    Filter filter =
                            FilterTranslator.optional(request.hasFilter(), request.getFilter());
                    // ef and exact matter only to HNSW; a flat index is always exact.
                    int ef = Unsigned.toInt("ef", request.getEf(), 0, SearchRequest.MAX_EF);
                    long writes = c.writeCount();
                    SearchResults counted =
                            c.searchBatchCounted(queries, k, filter, ef, request.getExact());
                    List<List<Match>> results = counted.matches();
                    for (int i = 0; i < results.size(); i++) {
                        if (recall.sampled(c, request.getExact())) {
                            recall.submit(
                                    c,
                                    new SearchRequest(
                                            queries.get(i), k, filter, ef, request.getExact()),
                                    writes,
                                    results.get(i));
                        }
                    }
                    Include include =
                            new Include(request.getIncludeValues(), request.getIncludeMetadata());
                    QueryBatchResponse.Builder b = QueryBatchResponse.newBuilder();
                    results.forEach(r -> b.addResults(matches(r, include)));
                    events.queried(c.spec().name(), queries.size(), counted.visited());
                    return b.build();
                });
    }

    @Override
    public void count(CountRequest request, StreamObserver<CountResponse> reply) {
        respond(
                reply,
                () -> {
                    VectorCollection c = collection(request.getCollection());
                    long n =
                            c.count(
                                    FilterTranslator.optional(
                                            request.hasFilter(), request.getFilter()));
                    return CountResponse.newBuilder().setCount(n).build();
                });
    }

    @Override
    public void scroll(ScrollRequest request, StreamObserver<ScrollResponse> reply) {
        respond(
                reply,
                () -> {
                    VectorCollection c = collection(request.getCollection());
                    int limit = Unsigned.toInt("limit", request.getLimit(), 0, MAX_SCROLL_LIMIT);
                    Page page =
                            c.scroll(
                                    FilterTranslator.optional(
                                            request.hasFilter(), request.getFilter()),
                                    PageToken.decode(request.getPageToken()),
                                    limit == 0 ? DEFAULT_SCROLL_LIMIT : limit);
                    Include include =
                            new Include(request.getIncludeValues(), request.getIncludeMetadata());
                    ScrollResponse.Builder b =
                            ScrollResponse.newBuilder()
                                    .setNextPageToken(PageToken.encode(page.lastId()));
                    page.records().forEach(r -> b.addRecords(RecordTranslator.toProto(r, include)));
                    return b.build();
                });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<SnapshotInfo> reply) {
        respond(
                reply,
                () -> {
                    requireDurable();
                    return snapshotInfo(store.snapshot());
                });
    }

    @Override
    public void listSnapshots(
            ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> reply) {
        respond(
                reply,
                () -> {
                    ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
                    if (durable) {
                        store.snapshots().forEach(s -> b.addSnapshots(snapshotInfo(s)));
                    }
                    return b.build();
                });
    }

    private void requireDurable() {
        if (!durable) {
            throw Status.FAILED_PRECONDITION
                    .withDescription(
                            "snapshot: expected a server with a write-ahead log, got one started"
                                    + " with --no-wal")
                    .asRuntimeException();
        }
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

    private VectorCollection collection(String name) {
        return store.database().get(name(name));
    }

    private static String name(String collection) {
        if (collection.isEmpty()) {
            throw new InvalidArgumentException("collection: expected a collection name, got none");
        }
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
