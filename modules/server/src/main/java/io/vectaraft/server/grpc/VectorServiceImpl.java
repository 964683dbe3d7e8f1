package io.vectaraft.server.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vectaraft.api.v1.AddNodeRequest;
import io.vectaraft.api.v1.Alias;
import io.vectaraft.api.v1.AliasResponse;
import io.vectaraft.api.v1.ClusterStatusRequest;
import io.vectaraft.api.v1.ClusterStatusResponse;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CountResponse;
import io.vectaraft.api.v1.CreateAliasRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteAliasRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionResponse;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DeleteResponse;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.GetResponse;
import io.vectaraft.api.v1.ListAliasesRequest;
import io.vectaraft.api.v1.ListAliasesResponse;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.ListCollectionsResponse;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.ListSnapshotsResponse;
import io.vectaraft.api.v1.MembershipResponse;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryBatchResponse;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.ReadConsistency;
import io.vectaraft.api.v1.RemoveNodeRequest;
import io.vectaraft.api.v1.RestoreSnapshotRequest;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.SwitchAliasRequest;
import io.vectaraft.api.v1.TransferLeadershipRequest;
import io.vectaraft.api.v1.TransferLeadershipResponse;
import io.vectaraft.api.v1.UpdateMetadataRequest;
import io.vectaraft.api.v1.UpdateMetadataResponse;
import io.vectaraft.api.v1.UpsertRequest;
import io.vectaraft.api.v1.UpsertResponse;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.ContentDigest;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Match;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.Page;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.server.auth.Caller;
import io.vectaraft.server.config.Limits;
import io.vectaraft.server.grpc.RecordTranslator.Include;
import io.vectaraft.server.recall.RecallMonitor;
import io.vectaraft.wal.CollectionCreated;
import io.vectaraft.wal.Store;
import io.vectaraft.wal.WriteResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final ClusterRpcs cluster;

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
        this.cluster = new ClusterRpcs(store);
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
                    roomToWrite("CreateCollection");
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
                    VectorCollection c = collection(request.getName());
                    CollectionInfo info = info(c);
                    if (!request.getIncludeDigest()) {
                        return info;
                    }
                    // Reads every record: it takes a search slot.
                    String digest = admission.admitted(() -> ContentDigest.of(c));
                    return info.toBuilder().setContentDigest(digest).build();
                });
    }

    @Override
    public void deleteCollection(
            DeleteCollectionRequest request, StreamObserver<DeleteCollectionResponse> reply) {
        respond(
                reply,
                () -> {
                    String name = name(request.getName());
                    String target = store.database().aliases().get(name);
                    if (target != null) {
                        throw new PreconditionException(
                                "DeleteCollection: "
                                        + io.vectaraft.index.ClientText.quote(name)
                                        + " is an alias (of collection "
                                        + io.vectaraft.index.ClientText.quote(target)
                                        + "); expected a collection's own name (DeleteAlias"
                                        + " removes an alias)");
                    }
                    WriteResult r = store.dropCollection(name);
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
                    roomToWrite("Upsert");
                    String name = resolved(request.getCollection());
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
                    String name = resolved(request.getCollection());
                    boolean byIds =
                            byIdsOrFilter("delete", request.getIdsCount(), request.hasFilter());
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
                    ResultWindow window =
                            ResultWindow.of(
                                    request.getTopK(),
                                    request.getOffset(),
                                    request.hasScoreThreshold(),
                                    request.getScoreThreshold());
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
                                    window.searchK(),
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
                                        window.cut(results.matches().getFirst(), c.spec().metric()),
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
                    ResultWindow window =
                            ResultWindow.of(
                                    request.getTopK(),
                                    request.getOffset(),
                                    request.hasScoreThreshold(),
                                    request.getScoreThreshold());
                    Filter batchFilter = filters.optional(request.hasFilter(), request.getFilter());
                    List<float[]> queries = new ArrayList<>(request.getQueriesCount());
                    // Queries with the same filter search together (one pass over the data);
                    // a query without a filter of its own takes the batch's.
                    Map<Filter, List<Integer>> byFilter = new LinkedHashMap<>();
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
                        Filter filter =
                                q.hasFilter()
                                        ? filters.toFilter(
                                                "queries[" + i + "].filter", q.getFilter())
                                        : batchFilter;
                        byFilter.computeIfAbsent(filter, f -> new ArrayList<>()).add(i);
                    }
                    // ef and exact matter only to HNSW; a flat index is always exact.
                    List<SearchRequest> searches = new ArrayList<>(byFilter.size());
                    for (Map.Entry<Filter, List<Integer>> group : byFilter.entrySet()) {
                        searches.add(
                                new SearchRequest(
                                        group.getValue().stream().map(queries::get).toList(),
                                        window.searchK(),
                                        group.getKey(),
                                        Unsigned.toInt("ef", request.getEf()),
                                        request.getExact(),
                                        request.getIncludeValues(),
                                        !request.getSkipRescore(),
                                        request.getOversample()));
                    }
                    if (searches.isEmpty()) {
                        // No queries: the index refuses the empty batch with its own message.
                        searches.add(
                                new SearchRequest(
                                        queries,
                                        window.searchK(),
                                        batchFilter,
                                        Unsigned.toInt("ef", request.getEf()),
                                        request.getExact(),
                                        request.getIncludeValues(),
                                        !request.getSkipRescore(),
                                        request.getOversample()));
                    }
                    admit("QueryBatch", c, searches.getFirst(), queries.size());
                    List<List<Integer>> positions = new ArrayList<>(byFilter.values());
                    return admission.admitted(
                            () -> {
                                List<List<Match>> ordered = new ArrayList<>(queries.size());
                                for (int i = 0; i < queries.size(); i++) {
                                    ordered.add(null);
                                }
                                long visited = 0;
                                for (int g = 0; g < searches.size(); g++) {
                                    SearchResults results = search(c, searches.get(g));
                                    visited += results.visited();
                                    for (int j = 0; j < results.matches().size(); j++) {
                                        ordered.set(
                                                positions.get(g).get(j),
                                                window.cut(
                                                        results.matches().get(j),
                                                        c.spec().metric()));
                                    }
                                }
                                Include include =
                                        include(searches.getFirst(), request.getIncludeMetadata());
                                QueryBatchResponse.Builder b = QueryBatchResponse.newBuilder();
                                ordered.forEach(r -> b.addResults(matches(r, include)));
                                events.queried(c.spec().name(), queries.size(), visited);
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
    public void updateMetadata(
            UpdateMetadataRequest request, StreamObserver<UpdateMetadataResponse> reply) {
        respond(
                reply,
                () -> {
                    roomToWrite("UpdateMetadata");
                    String name = resolved(request.getCollection());
                    boolean byIds =
                            byIdsOrFilter("update", request.getIdsCount(), request.hasFilter());
                    MetadataPatch patch =
                            new MetadataPatch(
                                            RecordTranslator.toMetadata(
                                                    () -> "set", request.getSetMap()),
                                            request.getUnsetList())
                                    .validated();
                    WriteResult r =
                            byIds
                                    ? store.updateMetadata(name, request.getIdsList(), null, patch)
                                    : admission.admitted(
                                            () ->
                                                    store.updateMetadata(
                                                            name,
                                                            List.of(),
                                                            filters.toFilter(
                                                                    "filter", request.getFilter()),
                                                            patch));
                    return UpdateMetadataResponse.newBuilder()
                            .setUpdatedCount(r.count())
                            .setLsn(r.lsn())
                            .build();
                });
    }

    @Override
    public void createAlias(CreateAliasRequest request, StreamObserver<AliasResponse> reply) {
        respond(
                reply,
                () -> {
                    roomToWrite("CreateAlias");
                    String alias = aliasName(request.getAlias());
                    String target = target(request.getCollection());
                    return aliasResponse(store.createAlias(alias, target));
                });
    }

    @Override
    public void switchAlias(SwitchAliasRequest request, StreamObserver<AliasResponse> reply) {
        respond(
                reply,
                () -> {
                    String alias = aliasName(request.getAlias());
                    String target = target(request.getCollection());
                    seen(alias, store.database().aliases().get(alias));
                    return aliasResponse(store.switchAlias(alias, target));
                });
    }

    @Override
    public void deleteAlias(DeleteAliasRequest request, StreamObserver<AliasResponse> reply) {
        respond(
                reply,
                () -> {
                    String alias = aliasName(request.getAlias());
                    seen(alias, store.database().aliases().get(alias));
                    return aliasResponse(store.deleteAlias(alias));
                });
    }

    @Override
    public void listAliases(ListAliasesRequest request, StreamObserver<ListAliasesResponse> reply) {
        respond(
                reply,
                () -> {
                    // A key limited to some collections sees the aliases whose name and target
                    // are both in its scope.
                    Caller caller = Caller.current();
                    ListAliasesResponse.Builder b = ListAliasesResponse.newBuilder();
                    store.database()
                            .aliases()
                            .forEach(
                                    (alias, collection) -> {
                                        if (caller.sees(alias) && caller.sees(collection)) {
                                            b.addAliases(
                                                    Alias.newBuilder()
                                                            .setAlias(alias)
                                                            .setCollection(collection));
                                        }
                                    });
                    return b.build();
                });
    }

    private static AliasResponse aliasResponse(WriteResult r) {
        return AliasResponse.newBuilder().setLsn(r.lsn()).build();
    }

    /** The alias a request names (the role table checked the caller's scope on it). */
    private static String aliasName(String alias) {
        if (alias.isEmpty()) {
            throw new InvalidArgumentException("alias: expected an alias name, got none");
        }
        try {
            CollectionSpec.checkName(alias);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("alias: " + e.getMessage());
        }
        return alias;
    }

    /** The collection an alias is to point at: a collection's own name, in the caller's scope. */
    private static String target(String collection) {
        String name = name(collection);
        seen(name, null);
        return name;
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<SnapshotInfo> reply) {
        respond(reply, () -> snapshotInfo(store.snapshot()));
    }

    @Override
    public void restoreSnapshot(
            RestoreSnapshotRequest request, StreamObserver<SnapshotInfo> reply) {
        respond(
                reply,
                () -> {
                    roomToWrite("RestoreSnapshot");
                    java.nio.file.Path file =
                            switch (request.getSourceCase()) {
                                case PATH -> {
                                    if (request.getPath().isEmpty()) {
                                        throw new InvalidArgumentException(
                                                "path: expected a snapshot file path, got \"\"");
                                    }
                                    yield snapshotPath(request.getPath());
                                }
                                case SNAPSHOT_NAME -> snapshotNamed(request.getSnapshotName());
                                case SOURCE_NOT_SET ->
                                        throw new InvalidArgumentException(
                                                "RestoreSnapshot: expected a path or a snapshot_name, got"
                                                        + " neither");
                            };
                    List<String> before =
                            store.database().list().stream().map(c -> c.spec().name()).toList();
                    SnapshotInfo info = snapshotInfo(store.restore(file));
                    before.forEach(recall::forget); // estimates of the replaced collections
                    return info;
                });
    }

    /**
     * Whether a request that takes ids or a filter, exactly one of them, names ids.
     *
     * @throws InvalidArgumentException when it sends both or neither
     */
    private static boolean byIdsOrFilter(String what, int ids, boolean hasFilter) {
        boolean byIds = ids > 0;
        if (byIds == hasFilter) {
            throw new InvalidArgumentException(
                    what
                            + ": expected exactly one of ids and filter, got "
                            + (byIds ? "both" : "neither"));
        }
        return byIds;
    }

    /** Longest snapshot path accepted: Linux's PATH_MAX. */
    private static final int MAX_PATH = 4096;

    /**
     * A client's path as a {@link java.nio.file.Path}; one the file system cannot name is refused.
     */
    private static java.nio.file.Path snapshotPath(String path) {
        if (path.length() > MAX_PATH) {
            throw new InvalidArgumentException(
                    "path: expected at most "
                            + MAX_PATH
                            + " characters, got "
                            + io.vectaraft.index.ClientText.quote(path));
        }
        try {
            return java.nio.file.Path.of(path);
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidArgumentException(
                    "path: expected a file path, got "
                            + io.vectaraft.index.ClientText.quote(path)
                            + " ("
                            + e.getReason()
                            + ")");
        }
    }

    /** The snapshot of that file name in the server's snapshot directory. */
    private java.nio.file.Path snapshotNamed(String name) {
        return store.snapshots().stream()
                .map(io.vectaraft.wal.SnapshotFile::path)
                .filter(p -> p.getFileName().toString().equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                io.vectaraft.index.CollectionNotFoundException.described(
                                        "snapshot "
                                                + io.vectaraft.index.ClientText.quote(name)
                                                + " is not in the snapshot directory (ListSnapshots"
                                                + " shows those that are)"));
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

    @Override
    public void createFieldIndex(
            io.vectaraft.api.v1.CreateFieldIndexRequest request,
            StreamObserver<io.vectaraft.api.v1.FieldIndexResponse> reply) {
        respond(
                reply,
                () -> {
                    roomToWrite("CreateFieldIndex");
                    String name = name(request.getCollection());
                    io.vectaraft.index.FieldIndexSpec index =
                            new io.vectaraft.index.FieldIndexSpec(
                                    request.getKey(),
                                    CollectionTranslator.fromProto(request.getType()));
                    WriteResult r = store.createFieldIndex(name, index);
                    return io.vectaraft.api.v1.FieldIndexResponse.newBuilder()
                            .setLsn(r.lsn())
                            .build();
                });
    }

    @Override
    public void deleteFieldIndex(
            io.vectaraft.api.v1.DeleteFieldIndexRequest request,
            StreamObserver<io.vectaraft.api.v1.FieldIndexResponse> reply) {
        respond(
                reply,
                () -> {
                    String name = name(request.getCollection());
                    if (request.getKey().isEmpty()) {
                        throw new InvalidArgumentException(
                                "key: expected a non-empty metadata key");
                    }
                    WriteResult r = store.deleteFieldIndex(name, request.getKey());
                    return io.vectaraft.api.v1.FieldIndexResponse.newBuilder()
                            .setLsn(r.lsn())
                            .build();
                });
    }

    @Override
    public void clusterStatus(
            ClusterStatusRequest request, StreamObserver<ClusterStatusResponse> reply) {
        respond(reply, cluster::status);
    }

    @Override
    public void addNode(AddNodeRequest request, StreamObserver<MembershipResponse> reply) {
        respond(reply, () -> cluster.addNode(request));
    }

    @Override
    public void removeNode(RemoveNodeRequest request, StreamObserver<MembershipResponse> reply) {
        respond(reply, () -> cluster.removeNode(request));
    }

    @Override
    public void transferLeadership(
            TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> reply) {
        respond(reply, () -> cluster.transferLeadership(request));
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
        admit(method, c, search, search.queries().size());
    }

    /** As above, for {@code n} queries with the k and ef of {@code search}. */
    private void admit(String method, VectorCollection c, SearchRequest search, int n) {
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
     * The most of a call's remaining time that a freshness wait leaves unused (a tenth of it below
     * two seconds), so that a read which cannot be made fresh in time answers UNAVAILABLE, naming
     * what it waited for, before the caller's deadline fires: a bare DEADLINE_EXCEEDED would not
     * say whether the node, the network or the log was behind.
     */
    private static final long MAX_ANSWER_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

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
        store.awaitFresh(linearizable, minLsn, System.nanoTime() + freshnessWait());
    }

    private static long freshnessWait() {
        Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return DEFAULT_READ_WAIT_NANOS;
        }
        long remaining = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        return remaining - Math.min(remaining / 10, MAX_ANSWER_MARGIN_NANOS);
    }

    private VectorCollection collection(String name) {
        return store.database().get(resolved(name));
    }

    /**
     * The collection a request's name means: the name itself, or the collection of the alias of
     * that name. The role table checked the caller's scope on the name as sent; a key must also
     * cover the collection an alias leads to, so an alias never widens a key's reach.
     */
    private String resolved(String requested) {
        String name = name(requested);
        String target = store.database().resolve(name);
        if (!target.equals(name)) {
            seen(name, target);
            Span.current().setAttribute("vectaraft.alias", name);
        }
        return target;
    }

    /**
     * Refuses with PERMISSION_DENIED when the caller's key does not cover {@code target} (the
     * collection behind alias {@code name}; nothing to check when null).
     */
    private static void seen(String name, String target) {
        Caller caller = Caller.current();
        String checked = target == null ? name : target;
        if (!caller.sees(checked)) {
            throw io.grpc.Status.PERMISSION_DENIED
                    .withDescription(
                            "key \""
                                    + caller.key().id()
                                    + "\" may not use "
                                    + (target == null
                                            ? "collection "
                                                    + io.vectaraft.index.ClientText.quote(name)
                                            : "alias "
                                                    + io.vectaraft.index.ClientText.quote(name)
                                                    + ": it leads to collection "
                                                    + io.vectaraft.index.ClientText.quote(target))
                                    + ", and the key is limited to "
                                    + caller.key().scope())
                    .asRuntimeException();
        }
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

    /**
     * Refuses a write that adds data while the heap is nearly full ({@link WriteHeapLimit}), first
     * thing in the call: on a cluster node before the write goes to the group, so that followers
     * applying the log never refuse.
     */
    private void roomToWrite(String method) {
        Optional<io.grpc.Status> refusal = admission.writeRefusal();
        if (refusal.isPresent()) {
            events.writeRefused(method);
            throw refusal.get().asRuntimeException();
        }
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
