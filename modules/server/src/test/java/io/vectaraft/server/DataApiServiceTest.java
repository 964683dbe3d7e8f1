package io.vectaraft.server;

import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.create;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Alias;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateAliasRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteAliasRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.ListAliasesRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoreThreshold;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.SwitchAliasRequest;
import io.vectaraft.api.v1.UpdateMetadataRequest;
import io.vectaraft.api.v1.UpdateMetadataResponse;
import io.vectaraft.api.v1.Value;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.TestKeys.Entry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data API of issue 16 over real sockets: metadata updates in place, score thresholds and
 * offsets, per-query filters in a batch, and aliases; each bad input answered with its status and
 * nothing changed; updates and aliases surviving a restart (log replay) and a snapshot.
 */
class DataApiServiceTest {

    private static TestServer durable(Path dir) {
        return TestServer.start(dir, "--wal-path", dir.resolve("data/wal.jsonl").toString());
    }

    private static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    private static StatusRuntimeException refused(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run);
    }

    /** Ten records x0..x9 on a line, "n" = i, "tag" = even/odd. */
    private static void seed(VectorServiceBlockingStub stub, String name, Metric metric) {
        stub.createCollection(create(name, 2, metric));
        Record[] records = new Record[10];
        for (int i = 0; i < 10; i++) {
            records[i] =
                    record(
                            "x" + i,
                            new float[] {1, i},
                            Map.of("n", num(i), "tag", str(i % 2 == 0 ? "even" : "odd")));
        }
        stub.upsert(upsert(name, records));
    }

    private static Map<String, Value> metadata(
            VectorServiceBlockingStub stub, String c, String id) {
        return stub.get(
                        GetRequest.newBuilder()
                                .setCollection(c)
                                .addIds(id)
                                .setIncludeMetadata(true)
                                .setIncludeValues(true)
                                .build())
                .getRecords(0)
                .getMetadataMap();
    }

    private static List<Float> values(VectorServiceBlockingStub stub, String c, String id) {
        return stub.get(
                        GetRequest.newBuilder()
                                .setCollection(c)
                                .addIds(id)
                                .setIncludeValues(true)
                                .build())
                .getRecords(0)
                .getValuesList();
    }

    private static long count(VectorServiceBlockingStub stub, String c, String key, Value v) {
        return stub.count(
                        CountRequest.newBuilder()
                                .setCollection(c)
                                .setFilter(cond(key, Condition.Op.EQ, v))
                                .build())
                .getCount();
    }

    // ---- UpdateMetadata

    @Test
    void updateMetadataByIdsAndByFilterLeavesVectorsAndSurvivesRestartAndSnapshot(
            @TempDir Path dir) {
        long lsn;
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "docs", Metric.EUCLIDEAN);
            List<Float> before = values(stub, "docs", "x3");
            UpdateMetadataResponse byIds =
                    stub.updateMetadata(
                            UpdateMetadataRequest.newBuilder()
                                    .setCollection("docs")
                                    .addIds("x3")
                                    .addIds("x4")
                                    .addIds("missing")
                                    .putSet("color", str("red"))
                                    .putSet("n", num(100))
                                    .addUnset("tag")
                                    .build());
            assertEquals(2, byIds.getUpdatedCount(), "missing ids are skipped");
            assertTrue(byIds.getLsn() > 0, "a logged write has an lsn");
            assertEquals(Map.of("color", str("red"), "n", num(100)), metadata(stub, "docs", "x3"));
            assertEquals(before, values(stub, "docs", "x3"), "the vector is untouched");

            UpdateMetadataResponse byFilter =
                    stub.updateMetadata(
                            UpdateMetadataRequest.newBuilder()
                                    .setCollection("docs")
                                    .setFilter(cond("tag", Condition.Op.EQ, str("odd")))
                                    .putSet("color", str("blue"))
                                    .build());
            assertEquals(4, byFilter.getUpdatedCount(), "x1, x5, x7, x9 (x3 lost its tag)");
            assertTrue(byFilter.getLsn() > byIds.getLsn());
            assertEquals(4, count(stub, "docs", "color", str("blue")), "filters see the update");
            assertEquals(2, count(stub, "docs", "color", str("red")), "x3 and x4");
            lsn = byFilter.getLsn();
        }
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(4, count(stub, "docs", "color", str("blue")), "replayed from the log");
            assertEquals(Map.of("color", str("red"), "n", num(100)), metadata(stub, "docs", "x3"));
            stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            stub.updateMetadata(
                    UpdateMetadataRequest.newBuilder()
                            .setCollection("docs")
                            .addIds("x0")
                            .addUnset("n")
                            .build());
            assertTrue(lsn > 0);
        }
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(4, count(stub, "docs", "color", str("blue")), "from the snapshot");
            assertEquals(Map.of("tag", str("even")), metadata(stub, "docs", "x0"), "and the log");
        }
    }

    @Test
    void badMetadataUpdatesAreRefusedAndChangeNothing(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "docs", Metric.DOT);
            Map<String, Value> before = metadata(stub, "docs", "x1");
            UpdateMetadataRequest base =
                    UpdateMetadataRequest.newBuilder()
                            .setCollection("docs")
                            .addIds("x1")
                            .putSet("a", num(1))
                            .build();
            Map<String, UpdateMetadataRequest> bad =
                    Map.of(
                            "neither ids nor filter",
                            base.toBuilder().clearIds().build(),
                            "both ids and filter",
                            base.toBuilder().setFilter(cond("n", Condition.Op.EQ, num(1))).build(),
                            "nothing to change",
                            base.toBuilder().clearSet().build(),
                            "an empty key",
                            base.toBuilder().putSet("", num(2)).build(),
                            "a key set and unset",
                            base.toBuilder().addUnset("a").build(),
                            "an empty value",
                            base.toBuilder().putSet("b", Value.getDefaultInstance()).build(),
                            "a bad filter",
                            base.toBuilder()
                                    .clearIds()
                                    .setFilter(cond("n", Condition.Op.OP_UNSPECIFIED, num(1)))
                                    .build());
            bad.forEach(
                    (what, request) -> {
                        StatusRuntimeException e = refused(() -> stub.updateMetadata(request));
                        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), what);
                        assertEquals(before, metadata(stub, "docs", "x1"), what);
                    });
            assertEquals(
                    Status.Code.NOT_FOUND,
                    code(
                            () ->
                                    stub.updateMetadata(
                                            base.toBuilder().setCollection("nope").build())));
            assertEquals(before, metadata(stub, "docs", "x1"));
        }
    }

    // ---- score_threshold, offset, per-query filters

    private static QueryRequest.Builder query(String c, float... v) {
        QueryRequest.Builder b = QueryRequest.newBuilder().setCollection(c).setTopK(10);
        for (float f : v) {
            b.addVector(f);
        }
        return b;
    }

    private static List<String> ids(QueryResponse r) {
        return r.getMatchesList().stream().map(ScoredRecord::getId).toList();
    }

    @Test
    void thresholdFollowsTheMetricAndOffsetPages(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "dist", Metric.EUCLIDEAN);
            seed(stub, "sim", Metric.DOT);

            // Euclidean distances from (1, 0) are 0, 1, 2, ...: keep those at most 2.5.
            QueryResponse near =
                    stub.query(
                            query("dist", 1, 0)
                                    .setScoreThreshold(ScoreThreshold.newBuilder().setValue(2.5))
                                    .build());
            assertEquals(List.of("x0", "x1", "x2"), ids(near));
            // Dot products with (0, 1) are 0..9: keep those at least 7.
            QueryResponse high =
                    stub.query(
                            query("sim", 0, 1)
                                    .setScoreThreshold(ScoreThreshold.newBuilder().setValue(7))
                                    .build());
            assertEquals(List.of("x9", "x8", "x7"), ids(high));
            // Zero is a bound, not "unset".
            assertEquals(
                    10,
                    stub.query(
                                    query("sim", 0, 1)
                                            .setScoreThreshold(
                                                    ScoreThreshold.newBuilder().setValue(0))
                                            .build())
                            .getMatchesCount());

            QueryResponse all = stub.query(query("dist", 1, 0).build());
            QueryResponse page = stub.query(query("dist", 1, 0).setTopK(3).setOffset(4).build());
            assertEquals(ids(all).subList(4, 7), ids(page));
            assertEquals(all.getMatchesList().subList(4, 7), page.getMatchesList(), "scores too");
            assertEquals(
                    List.of("x8", "x9"),
                    ids(stub.query(query("dist", 1, 0).setTopK(5).setOffset(8).build())),
                    "the last page is short");
            assertEquals(
                    List.of(),
                    ids(stub.query(query("dist", 1, 0).setTopK(5).setOffset(20).build())));
            assertEquals(
                    List.of("x2"),
                    ids(
                            stub.query(
                                    query("dist", 1, 0)
                                            .setOffset(2)
                                            .setScoreThreshold(
                                                    ScoreThreshold.newBuilder().setValue(2.5))
                                            .build())),
                    "offset and threshold together");
        }
    }

    @Test
    void badThresholdsAndOffsetsAreInvalid(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "dist", Metric.EUCLIDEAN);
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                StatusRuntimeException e =
                        refused(
                                () ->
                                        stub.query(
                                                query("dist", 1, 0)
                                                        .setScoreThreshold(
                                                                ScoreThreshold.newBuilder()
                                                                        .setValue(bad))
                                                        .build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                assertTrue(
                        e.getStatus().getDescription().startsWith("score_threshold:"),
                        e.getMessage());
            }
            StatusRuntimeException deep =
                    refused(() -> stub.query(query("dist", 1, 0).setOffset(10_001).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, deep.getStatus().getCode());
            assertEquals("offset: expected 0..10000, got 10001", deep.getStatus().getDescription());
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    code(() -> stub.query(query("dist", 1, 0).setOffset(-1).build())),
                    "2^32 - 1 as uint32");
            StatusRuntimeException sum =
                    refused(
                            () ->
                                    stub.query(
                                            query("dist", 1, 0)
                                                    .setTopK(5000)
                                                    .setOffset(6000)
                                                    .build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, sum.getStatus().getCode());
            assertTrue(
                    sum.getStatus().getDescription().startsWith("top_k + offset:"),
                    sum.getMessage());
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    code(
                            () ->
                                    stub.queryBatch(
                                            QueryBatchRequest.newBuilder()
                                                    .setCollection("dist")
                                                    .setTopK(1)
                                                    .setOffset(10_001)
                                                    .addQueries(
                                                            QueryVector.newBuilder()
                                                                    .addValues(1)
                                                                    .addValues(0))
                                                    .build())));
        }
    }

    @Test
    void aBatchTakesAFilterPerQueryWithTheBatchFilterAsDefault(@TempDir Path dir) {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "docs", Metric.EUCLIDEAN);
            var even = cond("tag", Condition.Op.EQ, str("even"));
            var odd = cond("tag", Condition.Op.EQ, str("odd"));
            var small = cond("n", Condition.Op.LT, num(3));
            QueryBatchRequest.Builder batch =
                    QueryBatchRequest.newBuilder()
                            .setCollection("docs")
                            .setTopK(3)
                            .setFilter(even)
                            .setIncludeMetadata(true);
            List<io.vectaraft.api.v1.Filter> own = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] v = {1, random.nextFloat() * 10};
                QueryVector.Builder q = QueryVector.newBuilder().addValues(v[0]).addValues(v[1]);
                io.vectaraft.api.v1.Filter f =
                        switch (random.nextInt(3)) {
                            case 0 -> null;
                            case 1 -> odd;
                            default -> small;
                        };
                if (f != null) {
                    q.setFilter(f);
                }
                own.add(f == null ? even : f);
                batch.addQueries(q);
            }
            var results = stub.queryBatch(batch.build()).getResultsList();
            assertEquals(8, results.size());
            for (int i = 0; i < 8; i++) {
                QueryVector q = batch.getQueries(i);
                QueryResponse single =
                        stub.query(
                                query("docs", q.getValues(0), q.getValues(1))
                                        .setTopK(3)
                                        .setFilter(own.get(i))
                                        .setIncludeMetadata(true)
                                        .build());
                assertEquals(single, results.get(i), "query " + i + " (seed " + seed + ")");
            }
        }
    }

    // ---- aliases

    private static CreateAliasRequest alias(String alias, String collection) {
        return CreateAliasRequest.newBuilder().setAlias(alias).setCollection(collection).build();
    }

    private static SwitchAliasRequest switchTo(String alias, String collection) {
        return SwitchAliasRequest.newBuilder().setAlias(alias).setCollection(collection).build();
    }

    private static List<Alias> aliases(VectorServiceBlockingStub stub) {
        return stub.listAliases(ListAliasesRequest.getDefaultInstance()).getAliasesList();
    }

    private static Alias pair(String alias, String collection) {
        return Alias.newBuilder().setAlias(alias).setCollection(collection).build();
    }

    @Test
    void anAliasIsAcceptedWhereverACollectionIsAndSwitchesAtomically(@TempDir Path dir) {
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "v1", Metric.EUCLIDEAN);
            stub.createCollection(create("v2", 2, Metric.EUCLIDEAN));
            stub.upsert(upsert("v2", record("y", 1, 0)));
            long created = stub.createAlias(alias("live", "v1")).getLsn();
            assertTrue(created > 0);
            assertEquals(
                    created,
                    stub.createAlias(alias("live", "v1")).getLsn(),
                    "idempotent: nothing logged");
            assertEquals(List.of(pair("live", "v1")), aliases(stub));

            assertEquals(List.of("x0"), ids(stub.query(query("live", 1, 0).setTopK(1).build())));
            assertEquals(
                    "v1",
                    stub.describeCollection(
                                    DescribeCollectionRequest.newBuilder().setName("live").build())
                            .getName(),
                    "the reply names the collection behind the alias");
            stub.upsert(upsert("live", record("z", 5, 5)));
            stub.updateMetadata(
                    UpdateMetadataRequest.newBuilder()
                            .setCollection("live")
                            .addIds("z")
                            .putSet("via", str("alias"))
                            .build());
            assertEquals(Map.of("via", str("alias")), metadata(stub, "v1", "z"));

            stub.switchAlias(switchTo("live", "v2"));
            assertEquals(List.of("y"), ids(stub.query(query("live", 1, 0).build())));
            assertEquals(List.of(pair("live", "v2")), aliases(stub));
        }
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(List.of(pair("live", "v2")), aliases(stub), "replayed from the log");
            stub.createAlias(alias("old", "v1"));
            stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
        }
        try (TestServer server = durable(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            assertEquals(
                    List.of(pair("live", "v2"), pair("old", "v1")),
                    aliases(stub),
                    "from the snapshot");
            stub.deleteAlias(DeleteAliasRequest.newBuilder().setAlias("old").build());
            assertEquals(
                    Status.Code.NOT_FOUND,
                    code(() -> stub.query(query("old", 1, 0).build())),
                    "a deleted alias names nothing");
            stub.deleteCollection(DeleteCollectionRequest.newBuilder().setName("v2").build());
            assertEquals(List.of(), aliases(stub), "a dropped collection takes its aliases");
        }
        try (TestServer server = durable(dir)) {
            assertEquals(List.of(), aliases(server.stub()));
        }
    }

    @Test
    void badAliasRequestsAreRefusedAndChangeNothing(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            seed(stub, "c1", Metric.DOT);
            seed(stub, "c2", Metric.DOT);
            stub.createAlias(alias("a", "c1"));
            List<Alias> before = aliases(stub);

            StatusRuntimeException missing = refused(() -> stub.createAlias(alias("b", "nope")));
            assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
            assertEquals(
                    "alias \"b\": collection \"nope\" does not exist",
                    missing.getStatus().getDescription());
            StatusRuntimeException taken = refused(() -> stub.createAlias(alias("c2", "c1")));
            assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
            assertTrue(
                    taken.getStatus().getDescription().contains("a collection has that name"),
                    taken.getMessage());
            assertEquals(
                    Status.Code.ALREADY_EXISTS,
                    code(() -> stub.createAlias(alias("a", "c2"))),
                    "an alias of another collection");
            assertEquals(
                    Status.Code.NOT_FOUND,
                    code(() -> stub.createAlias(alias("b", "a"))),
                    "an alias of an alias");
            assertEquals(
                    Status.Code.INVALID_ARGUMENT, code(() -> stub.createAlias(alias("", "c1"))));
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    code(() -> stub.createAlias(alias("bad name!", "c1"))));
            assertEquals(
                    Status.Code.NOT_FOUND, code(() -> stub.switchAlias(switchTo("nope", "c2"))));
            assertEquals(
                    Status.Code.NOT_FOUND, code(() -> stub.switchAlias(switchTo("a", "nope"))));
            assertEquals(
                    Status.Code.NOT_FOUND,
                    code(
                            () ->
                                    stub.deleteAlias(
                                            DeleteAliasRequest.newBuilder()
                                                    .setAlias("nope")
                                                    .build())));
            assertEquals(
                    Status.Code.ALREADY_EXISTS,
                    code(() -> stub.createCollection(create("a", 2, Metric.DOT))),
                    "a collection may not take an alias's name");
            assertEquals(
                    Status.Code.FAILED_PRECONDITION,
                    code(
                            () ->
                                    stub.deleteCollection(
                                            DeleteCollectionRequest.newBuilder()
                                                    .setName("a")
                                                    .build())),
                    "a collection is deleted by its own name");
            assertEquals(before, aliases(stub), "nothing changed");
            assertEquals(
                    10,
                    stub.count(CountRequest.newBuilder().setCollection("c1").build()).getCount());
        }
    }

    /**
     * A key's collections limit both names: the alias it sends (checked by the role table) and the
     * collection behind it (checked by the service), so an alias never widens a key's reach.
     */
    @Test
    void keyScopesApplyToTheAliasAndTheCollectionBehindIt(@TempDir Path dir) throws Exception {
        Entry ops = Entry.of("ops", "admin");
        Entry aAdmin = Entry.of("a-admin", "admin", "a-*");
        Entry aReader = Entry.of("a-reader", "read-only", "a-*");
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), ops, aAdmin, aReader);
        try (TestServer server = TestServer.start(dir, "--api-keys-file", keys.toString())) {
            VectorServiceBlockingStub root = TestKeys.as(server.stub(), ops);
            seed(root, "a-docs", Metric.DOT);
            seed(root, "b-docs", Metric.DOT);
            root.createAlias(alias("a-window", "b-docs")); // an alias into another tenant
            root.createAlias(alias("b-window", "a-docs"));

            VectorServiceBlockingStub reader = TestKeys.as(server.stub(), aReader);
            StatusRuntimeException through =
                    refused(() -> reader.query(query("a-window", 0, 1).build()));
            assertEquals(Status.Code.PERMISSION_DENIED, through.getStatus().getCode());
            assertTrue(
                    through.getStatus().getDescription().contains("leads to collection \"b-docs\""),
                    through.getMessage());
            assertEquals(
                    Status.Code.PERMISSION_DENIED,
                    code(() -> reader.query(query("b-window", 0, 1).build())),
                    "an alias outside the scope, even into it");
            assertEquals(List.of(), aliases(reader), "neither alias has both names in scope");

            VectorServiceBlockingStub admin = TestKeys.as(server.stub(), aAdmin);
            assertEquals(
                    Status.Code.PERMISSION_DENIED,
                    code(() -> admin.createAlias(alias("a-new", "b-docs"))));
            assertEquals(
                    Status.Code.PERMISSION_DENIED,
                    code(() -> admin.switchAlias(switchTo("a-window", "a-docs"))),
                    "the alias leads out of the scope now");
            assertEquals(
                    Status.Code.PERMISSION_DENIED,
                    code(() -> reader.updateMetadata(UpdateMetadataRequest.getDefaultInstance())),
                    "UpdateMetadata needs the read-write role");
            admin.createAlias(alias("a-mine", "a-docs"));
            assertEquals(10, reader.query(query("a-mine", 0, 1).build()).getMatchesCount());
            assertEquals(List.of(pair("a-mine", "a-docs")), aliases(reader));
            assertEquals(3, aliases(root).size());
        }
    }
}
