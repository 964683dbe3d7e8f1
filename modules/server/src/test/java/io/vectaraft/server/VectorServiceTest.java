package io.vectaraft.server;

import static io.vectaraft.server.Protos.and;
import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.in;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.packed;
import static io.vectaraft.server.Protos.packedRecord;
import static io.vectaraft.server.Protos.real;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static io.vectaraft.server.Protos.strings;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.Condition.Op;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.GetResponse;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.ListCollectionsRequest;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.PingResponse;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryBatchResponse;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScoredRecord;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.ScrollResponse;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every RPC over a real socket, on its success path. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorServiceTest {
    private TestServer server;
    private VectorServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
        stub = server.stub();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Four records on a line and off it; distances from the origin are 0, 1, 2, 3. */
    private void movies(String name) {
        stub.createCollection(Protos.create(name, 3, Metric.EUCLIDEAN));
        stub.upsert(
                upsert(
                        name,
                        record(
                                "a",
                                new float[] {0, 0, 0},
                                Map.of("genre", str("sf"), "year", num(1990))),
                        record(
                                "b",
                                new float[] {1, 0, 0},
                                Map.of("genre", str("noir"), "year", num(1985))),
                        record(
                                "c",
                                new float[] {0, 2, 0},
                                Map.of(
                                        "genre",
                                        str("sf"),
                                        "year",
                                        num(2001),
                                        "tags",
                                        strings("x", "y"))),
                        record(
                                "d",
                                new float[] {3, 0, 0},
                                Map.of("genre", str("drama"), "year", real(1990.5)))));
    }

    @Test
    void pingReportsVersionAndUptime() {
        PingResponse r = stub.ping(PingRequest.getDefaultInstance());
        assertEquals(Version.get(), r.getVersion(), "version from the POM");
        assertFalse(r.getVersion().isBlank() || r.getVersion().equals("unknown"), r.getVersion());
        assertTrue(r.getUptimeMs() >= 0, "uptime " + r.getUptimeMs());
    }

    @Test
    void collectionLifecycle() {
        CollectionInfo created = stub.createCollection(Protos.create("life", 4, Metric.COSINE));
        assertEquals("life", created.getName());
        assertEquals(4, created.getDimension());
        assertEquals(Metric.COSINE, created.getMetric());
        assertEquals(
                IndexSpec.KindCase.FLAT, created.getIndex().getKindCase(), "unset index = flat");
        assertEquals(0, created.getCount());

        CollectionInfo again = stub.createCollection(Protos.create("life", 4, Metric.COSINE));
        assertEquals(created, again, "same parameters: idempotent");

        stub.upsert(upsert("life", record("x", 1, 2, 3, 4)));
        CollectionInfo described =
                stub.describeCollection(
                        DescribeCollectionRequest.newBuilder().setName("life").build());
        assertEquals(1, described.getCount(), "count after one upsert");
        assertTrue(
                stub
                        .listCollections(ListCollectionsRequest.getDefaultInstance())
                        .getCollectionsList()
                        .stream()
                        .anyMatch(c -> c.getName().equals("life") && c.getCount() == 1),
                "listed with its count");

        stub.deleteCollection(DeleteCollectionRequest.newBuilder().setName("life").build());
        StatusRuntimeException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                stub.describeCollection(
                                        DescribeCollectionRequest.newBuilder()
                                                .setName("life")
                                                .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void upsertReplacesAndGetReturnsFoundRecordsInOrder() {
        movies("get");
        stub.upsert(upsert("get", record("b", new float[] {5, 5, 5}, Map.of("genre", str("new")))));
        GetResponse r =
                stub.get(
                        GetRequest.newBuilder()
                                .setCollection("get")
                                .addAllIds(List.of("b", "missing", "a"))
                                .setIncludeValues(true)
                                .setIncludeMetadata(true)
                                .build());
        assertEquals(
                List.of("b", "a"),
                r.getRecordsList().stream().map(Record::getId).toList(),
                "missing id absent");
        Record b = r.getRecords(0);
        assertEquals(List.of(5f, 5f, 5f), b.getValuesList(), "vector replaced");
        assertEquals(
                Map.of("genre", str("new")), b.getMetadataMap(), "metadata replaced, not merged");

        Record bare =
                stub.get(GetRequest.newBuilder().setCollection("get").addIds("a").build())
                        .getRecords(0);
        assertEquals(0, bare.getValuesCount(), "values only when asked");
        assertEquals(0, bare.getMetadataCount(), "metadata only when asked");
    }

    @Test
    void deleteByIdsAndByFilter() {
        movies("del");
        assertEquals(
                1,
                stub.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("del")
                                        .addIds("a")
                                        .addIds("zz")
                                        .build())
                        .getDeletedCount(),
                "only existing ids count");
        assertEquals(
                2,
                stub.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("del")
                                        .setFilter(cond("year", Op.LT, num(1991)))
                                        .build())
                        .getDeletedCount(),
                "b (1985) and d (1990.5)");
        assertEquals(
                1, stub.count(CountRequest.newBuilder().setCollection("del").build()).getCount());
    }

    @Test
    void queryRanksByEuclideanDistanceWithFilters() {
        movies("q");
        QueryResponse r =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("q")
                                .addAllVector(List.of(0f, 0f, 0f))
                                .setTopK(3)
                                .setIncludeValues(true)
                                .setIncludeMetadata(true)
                                .build());
        assertEquals(List.of("a", "b", "c"), ids(r));
        assertEquals(
                List.of(0f, 1f, 2f),
                r.getMatchesList().stream().map(ScoredRecord::getScore).toList(),
                "distance, not squared");
        assertEquals(List.of(0f, 2f, 0f), r.getMatches(2).getValuesList());
        assertEquals(str("sf"), r.getMatches(2).getMetadataOrThrow("genre"));

        QueryResponse filtered =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("q")
                                .addAllVector(List.of(0f, 0f, 0f))
                                .setTopK(10)
                                .setFilter(
                                        and(
                                                in("genre", str("sf"), str("noir")),
                                                cond("year", Op.GTE, num(1990))))
                                .build());
        assertEquals(List.of("a", "c"), ids(filtered), "genre in (sf, noir) and year >= 1990");
    }

    @Test
    void queryScoresCosineAndDotDescending() {
        stub.createCollection(Protos.create("cos", 2, Metric.COSINE));
        stub.upsert(
                upsert(
                        "cos",
                        record("same", 2, 0),
                        record("right", 0, 3),
                        record("opposite", -1, 0)));
        QueryResponse cos =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("cos")
                                .addAllVector(List.of(5f, 0f))
                                .setTopK(3)
                                .build());
        assertEquals(List.of("same", "right", "opposite"), ids(cos));
        assertEquals(1f, cos.getMatches(0).getScore(), 1e-6f);
        assertEquals(0f, cos.getMatches(1).getScore(), 1e-6f);
        assertEquals(-1f, cos.getMatches(2).getScore(), 1e-6f);

        stub.createCollection(Protos.create("dot", 2, Metric.DOT));
        stub.upsert(
                upsert(
                        "dot",
                        record("small", 0.5f, 0.5f),
                        record("big", 3, 4),
                        record("tie-b", 2, 0),
                        record("tie-a", 0, 2)));
        QueryResponse dot =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("dot")
                                .addAllVector(List.of(1f, 1f))
                                .setTopK(4)
                                .build());
        assertEquals(
                List.of("big", "tie-a", "tie-b", "small"), ids(dot), "ties broken by id ascending");
        assertEquals(7f, dot.getMatches(0).getScore(), 1e-6f);
    }

    @Test
    void queryBatchAnswersEachQueryInOrder() {
        movies("qb");
        QueryBatchResponse r =
                stub.queryBatch(
                        QueryBatchRequest.newBuilder()
                                .setCollection("qb")
                                .addQueries(
                                        QueryVector.newBuilder().addAllValues(List.of(3f, 0f, 0f)))
                                .addQueries(
                                        QueryVector.newBuilder().addAllValues(List.of(0f, 2f, 0f)))
                                .setTopK(1)
                                .build());
        assertEquals(2, r.getResultsCount());
        assertEquals(List.of("d"), ids(r.getResults(0)));
        assertEquals(List.of("c"), ids(r.getResults(1)));
    }

    /**
     * The packed form (little-endian float32 bytes) stores and searches the same vectors as the
     * repeated float form, in upserts, queries and batch queries alike.
     */
    @Test
    void packedVectorsAreTheSameVectorsAsFloats() {
        stub.createCollection(Protos.create("packed", 3, Metric.DOT));
        float[] odd = {0.1f, -3.4028235e38f, 1.17549435e-38f};
        stub.upsert(
                upsert(
                        "packed",
                        record("floats", odd),
                        packedRecord("bytes", odd),
                        packedRecord("far", 0f, 0f, 9f)));
        GetResponse got =
                stub.get(
                        GetRequest.newBuilder()
                                .setCollection("packed")
                                .addAllIds(List.of("floats", "bytes"))
                                .setIncludeValues(true)
                                .build());
        assertEquals(
                got.getRecords(0).getValuesList(),
                got.getRecords(1).getValuesList(),
                "the same vector in both forms");
        assertEquals(
                List.of(0.1f, -3.4028235e38f, 1.17549435e-38f), got.getRecords(1).getValuesList());

        QueryResponse byFloats =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("packed")
                                .addAllVector(List.of(0f, 0f, 1f))
                                .setTopK(3)
                                .build());
        QueryResponse byBytes =
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("packed")
                                .setPackedVector(packed(0f, 0f, 1f))
                                .setTopK(3)
                                .build());
        assertEquals(byFloats, byBytes, "a packed query answers as the float query");
        assertEquals("far", byBytes.getMatches(0).getId());

        QueryBatchResponse batch =
                stub.queryBatch(
                        QueryBatchRequest.newBuilder()
                                .setCollection("packed")
                                .addQueries(
                                        QueryVector.newBuilder()
                                                .setPackedValues(packed(0f, 0f, 1f)))
                                .addQueries(
                                        QueryVector.newBuilder().addAllValues(List.of(0f, 0f, 1f)))
                                .setTopK(3)
                                .build());
        assertEquals(byFloats, batch.getResults(0), "packed batch query");
        assertEquals(byFloats, batch.getResults(1), "float batch query beside it");
    }

    @Test
    void countWithAndWithoutFilter() {
        movies("count");
        assertEquals(
                4, stub.count(CountRequest.newBuilder().setCollection("count").build()).getCount());
        assertEquals(
                2,
                stub.count(
                                CountRequest.newBuilder()
                                        .setCollection("count")
                                        .setFilter(cond("genre", Op.EQ, str("sf")))
                                        .build())
                        .getCount());
        assertEquals(
                1,
                stub.count(
                                CountRequest.newBuilder()
                                        .setCollection("count")
                                        .setFilter(cond("tags", Op.EQ, str("y")))
                                        .build())
                        .getCount(),
                "EQ on a list matches any element");
    }

    @Test
    void scrollPagesCoverEveryRecordOnceInUtf8ByteOrder() {
        stub.createCollection(Protos.create("scroll", 1, Metric.DOT));
        // UTF-16 order would put the emoji (a surrogate pair) before U+FFFF; UTF-8 puts it after.
        List<String> expected = List.of("A", "Z", "a", "b", "\u00e9", "\uffff", "\ud83d\ude00");
        List<Record> records = new ArrayList<>();
        for (String id : expected.reversed()) {
            records.add(record(id, 1));
        }
        stub.upsert(upsert("scroll", records.toArray(Record[]::new)));

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ScrollResponse page =
                    stub.scroll(
                            ScrollRequest.newBuilder()
                                    .setCollection("scroll")
                                    .setLimit(3)
                                    .setPageToken(token)
                                    .build());
            page.getRecordsList().forEach(r -> seen.add(r.getId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertEquals(expected, seen, "every record once, in UTF-8 byte order");
        assertEquals(3, pages);

        ScrollResponse all =
                stub.scroll(ScrollRequest.newBuilder().setCollection("scroll").build());
        assertEquals(expected.size(), all.getRecordsCount(), "limit 0 means 100");
        assertEquals("", all.getNextPageToken(), "no token after the last page");
    }

    @Test
    void scrollStaysStableWhileRecordsChange() {
        stub.createCollection(Protos.create("moving", 1, Metric.DOT));
        stub.upsert(
                upsert("moving", record("b", 1), record("d", 1), record("f", 1), record("h", 1)));
        ScrollResponse first =
                stub.scroll(ScrollRequest.newBuilder().setCollection("moving").setLimit(2).build());
        assertEquals(
                List.of("b", "d"), first.getRecordsList().stream().map(Record::getId).toList());

        stub.upsert(
                upsert("moving", record("a", 1), record("e", 1))); // before and after the cursor
        stub.delete(DeleteRequest.newBuilder().setCollection("moving").addIds("h").build());
        ScrollResponse rest =
                stub.scroll(
                        ScrollRequest.newBuilder()
                                .setCollection("moving")
                                .setPageToken(first.getNextPageToken())
                                .build());
        assertEquals(
                List.of("e", "f"),
                rest.getRecordsList().stream().map(Record::getId).toList(),
                "continues after d: sees e (added after the cursor), not a (before it) nor h (deleted)");
        assertEquals("", rest.getNextPageToken());
    }

    @Test
    void matchesCarryValuesOnlyWhenAsked() {
        movies("iv");
        QueryRequest.Builder query =
                QueryRequest.newBuilder()
                        .setCollection("iv")
                        .addAllVector(List.of(0f, 0f, 0f))
                        .setTopK(3)
                        .setIncludeMetadata(true);
        for (ScoredRecord m : stub.query(query.build()).getMatchesList()) {
            assertEquals(0, m.getValuesCount(), "no values for " + m.getId());
            assertTrue(m.getMetadataCount() > 0, "metadata still sent for " + m.getId());
        }
        assertEquals(
                List.of(0f, 0f, 0f),
                stub.query(query.setIncludeValues(true).build()).getMatches(0).getValuesList(),
                "values when asked");
        QueryBatchResponse batch =
                stub.queryBatch(
                        QueryBatchRequest.newBuilder()
                                .setCollection("iv")
                                .addQueries(
                                        QueryVector.newBuilder().addAllValues(List.of(0f, 0f, 0f)))
                                .addQueries(
                                        QueryVector.newBuilder().addAllValues(List.of(1f, 0f, 0f)))
                                .setTopK(2)
                                .build());
        assertEquals(2, batch.getResultsCount());
        batch.getResultsList()
                .forEach(
                        r ->
                                r.getMatchesList()
                                        .forEach(
                                                m ->
                                                        assertEquals(
                                                                0,
                                                                m.getValuesCount(),
                                                                "batch: no values for "
                                                                        + m.getId())));
        ScrollResponse page =
                stub.scroll(ScrollRequest.newBuilder().setCollection("iv").setLimit(10).build());
        page.getRecordsList()
                .forEach(r -> assertEquals(0, r.getValuesCount(), "scroll: no values"));
    }

    @Test
    void snapshotsNeedTheLog() {
        StatusRuntimeException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(
                e.getStatus().getDescription().contains("--no-wal"),
                e.getStatus().getDescription());
        assertEquals(
                0,
                stub.listSnapshots(ListSnapshotsRequest.getDefaultInstance()).getSnapshotsCount());
    }

    private static List<String> ids(QueryResponse r) {
        return r.getMatchesList().stream().map(ScoredRecord::getId).toList();
    }
}
