package io.vectaraft.server;

import static io.vectaraft.server.HnswServiceTest.hnsw;
import static io.vectaraft.server.HnswServiceTest.upsertAll;
import static io.vectaraft.server.HnswServiceTest.vector;
import static io.vectaraft.server.Protos.and;
import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.in;
import static io.vectaraft.server.Protos.not;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.or;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static io.vectaraft.server.Protos.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateFieldIndexRequest;
import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.DeleteFieldIndexRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.FieldIndexInfo;
import io.vectaraft.api.v1.FieldIndexType;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.UpdateMetadataRequest;
import io.vectaraft.api.v1.Value;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field indexes over real gRPC: created, listed with their size, used by filters with the same
 * answers as without them, refused with the right status for bad input (changing nothing), and kept
 * across a restart from a snapshot plus the log.
 */
class FieldIndexServiceTest {
    private static final int DIM = 8;
    private static final String LONG_KEY = "k".repeat(70_000);
    private static final String[] COLORS = {"red", "green", "blue"};

    private static List<Record> data(int from, int to, long seed) {
        Random random = new Random(seed);
        List<Record> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Map<String, Value> meta = new HashMap<>();
            meta.put("color", str(COLORS[i % 3]));
            meta.put("n", num(i % 50));
            if (i % 7 == 0) {
                meta.put("tags", strings("a", COLORS[i % 3]));
            }
            if (i % 11 == 0) {
                meta.put("color", num(5)); // another kind than the index's
            }
            out.add(record("r" + i, vector(random, DIM), meta));
        }
        return out;
    }

    private static final List<Filter> FILTERS =
            List.of(
                    cond("color", Condition.Op.EQ, str("red")),
                    cond("color", Condition.Op.NE, str("red")),
                    cond("color", Condition.Op.EQ, num(5)),
                    in("tags", str("a"), str("blue")),
                    cond("n", Condition.Op.LT, num(10)),
                    cond("n", Condition.Op.GTE, Protos.real(24.5)),
                    and(
                            cond("color", Condition.Op.EQ, str("green")),
                            cond("n", Condition.Op.LTE, num(20))),
                    or(
                            cond("tags", Condition.Op.EQ, str("a")),
                            not(cond("n", Condition.Op.GT, num(3)))),
                    not(
                            cond(
                                    "color",
                                    Condition.Op.EXISTS,
                                    Value.newBuilder().setBoolValue(true).build())));

    private static List<Long> counts(VectorServiceBlockingStub stub, String collection) {
        List<Long> out = new ArrayList<>();
        for (Filter f : FILTERS) {
            out.add(
                    stub.count(
                                    CountRequest.newBuilder()
                                            .setCollection(collection)
                                            .setFilter(f)
                                            .build())
                            .getCount());
        }
        return out;
    }

    private static CreateFieldIndexRequest index(String collection, String key, FieldIndexType t) {
        return CreateFieldIndexRequest.newBuilder()
                .setCollection(collection)
                .setKey(key)
                .setType(t)
                .build();
    }

    private static CollectionInfo describe(VectorServiceBlockingStub stub, String name) {
        return stub.describeCollection(
                DescribeCollectionRequest.newBuilder().setName(name).build());
    }

    @Test
    void indexesAreListedWithTheirSizeAndGiveTheSameAnswers(@TempDir Path dir) {
        try (TestServer s = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = s.stub();
            stub.createCollection(Protos.create("c", DIM, Metric.EUCLIDEAN));
            upsertAll(stub, "c", data(0, 2000, 1));
            List<Long> unindexed = counts(stub, "c");
            stub.createFieldIndex(index("c", "color", FieldIndexType.FIELD_INDEX_KEYWORD));
            stub.createFieldIndex(index("c", "tags", FieldIndexType.FIELD_INDEX_KEYWORD));
            stub.createFieldIndex(index("c", "n", FieldIndexType.FIELD_INDEX_INTEGER));
            s.awaitGraphs(); // the background build
            List<FieldIndexInfo> indexes = describe(stub, "c").getFieldIndexesList();
            assertEquals(3, indexes.size());
            FieldIndexInfo color = indexes.getFirst();
            assertEquals("color", color.getKey());
            assertEquals(FieldIndexType.FIELD_INDEX_KEYWORD, color.getType());
            assertTrue(color.getReady());
            assertEquals(2000 - 182, color.getRecords(), "the integers under color are not held");
            assertEquals(3, color.getDistinctValues());
            assertTrue(color.getBytes() > 0);
            assertEquals(50, indexes.get(2).getDistinctValues());
            assertEquals(unindexed, counts(stub, "c"), "indexed answers equal the scan's");
            // Maintained by later writes: the same answers as a collection without indexes.
            upsertAll(stub, "c", data(1500, 2600, 2));
            stub.delete(
                    DeleteRequest.newBuilder()
                            .setCollection("c")
                            .addIds("r3")
                            .addIds("r4")
                            .build());
            stub.createCollection(Protos.create("plain", DIM, Metric.EUCLIDEAN));
            upsertAll(stub, "plain", data(0, 2000, 1));
            upsertAll(stub, "plain", data(1500, 2600, 2));
            stub.delete(
                    DeleteRequest.newBuilder()
                            .setCollection("plain")
                            .addIds("r3")
                            .addIds("r4")
                            .build());
            assertEquals(counts(stub, "plain"), counts(stub, "c"));
            // Metadata updated in place (no vectors resent) moves records between postings too.
            for (String collection : List.of("c", "plain")) {
                stub.updateMetadata(
                        UpdateMetadataRequest.newBuilder()
                                .setCollection(collection)
                                .setFilter(cond("n", Condition.Op.LT, num(5)))
                                .putSet("color", str("red"))
                                .putSet("n", num(49))
                                .addUnset("tags")
                                .build());
            }
            assertEquals(counts(stub, "plain"), counts(stub, "c"), "after metadata updates");
            stub.deleteFieldIndex(
                    DeleteFieldIndexRequest.newBuilder().setCollection("c").setKey("tags").build());
            assertEquals(2, describe(stub, "c").getFieldIndexesCount());
            assertEquals(counts(stub, "plain"), counts(stub, "c"));
        }
    }

    @Test
    void badInputsGetTheirStatusAndChangeNothing(@TempDir Path dir) {
        try (TestServer s = TestServer.start(dir)) {
            VectorServiceBlockingStub stub = s.stub();
            stub.createCollection(hnsw("c", DIM, Metric.COSINE, 8, 32, 32));
            upsertAll(stub, "c", data(0, 100, 3));
            stub.createFieldIndex(index("c", "color", FieldIndexType.FIELD_INDEX_KEYWORD));
            s.awaitGraphs(); // the background build, which would change readiness and size
            CollectionInfo before = describe(stub, "c");
            expect(
                    Status.Code.INVALID_ARGUMENT,
                    "type",
                    () ->
                            stub.createFieldIndex(
                                    index("c", "n", FieldIndexType.FIELD_INDEX_TYPE_UNSPECIFIED)));
            expect(
                    Status.Code.INVALID_ARGUMENT,
                    "an unknown value",
                    () ->
                            stub.createFieldIndex(
                                    index("c", "n", FieldIndexType.FIELD_INDEX_BOOL).toBuilder()
                                            .setTypeValue(42)
                                            .build()));
            expect(
                    Status.Code.INVALID_ARGUMENT,
                    "key",
                    () -> stub.createFieldIndex(index("c", "", FieldIndexType.FIELD_INDEX_BOOL)));
            expect(
                    Status.Code.NOT_FOUND,
                    "\"nope\"",
                    () ->
                            stub.createFieldIndex(
                                    index("nope", "n", FieldIndexType.FIELD_INDEX_INTEGER)));
            expect(
                    Status.Code.ALREADY_EXISTS,
                    "keyword index on key \"color\"",
                    () ->
                            stub.createFieldIndex(
                                    index("c", "color", FieldIndexType.FIELD_INDEX_INTEGER)));
            expect(
                    Status.Code.NOT_FOUND,
                    "no field index on key \"n\"",
                    () ->
                            stub.deleteFieldIndex(
                                    DeleteFieldIndexRequest.newBuilder()
                                            .setCollection("c")
                                            .setKey("n")
                                            .build()));
            assertEquals(before.getFieldIndexesList(), describe(stub, "c").getFieldIndexesList());
        }
    }

    @Test
    void indexesSurviveSnapshotAndReplay(@TempDir Path dir) {
        String wal = dir.resolve("data/wal.jsonl").toString();
        List<Long> before;
        try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
            VectorServiceBlockingStub stub = s.stub();
            stub.createCollection(hnsw("g", DIM, Metric.EUCLIDEAN, 8, 32, 32));
            upsertAll(stub, "g", data(0, 1500, 4));
            stub.createFieldIndex(index("g", "color", FieldIndexType.FIELD_INDEX_KEYWORD));
            stub.createFieldIndex(index("g", "tags", FieldIndexType.FIELD_INDEX_KEYWORD));
            // Past DataOutputStream.writeUTF's 64 KB (FuzzTest: every snapshot failed after it).
            stub.createFieldIndex(index("g", LONG_KEY, FieldIndexType.FIELD_INDEX_BOOL));
            stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            // Only in the log: more records, an index created, one deleted.
            upsertAll(stub, "g", data(1200, 1800, 5));
            stub.createFieldIndex(index("g", "n", FieldIndexType.FIELD_INDEX_FLOAT));
            stub.deleteFieldIndex(
                    DeleteFieldIndexRequest.newBuilder().setCollection("g").setKey("tags").build());
            s.awaitGraphs();
            before = counts(stub, "g");
        }
        // Once from snapshot + log, once more from the snapshot the stop wrote.
        for (int restart = 0; restart < 2; restart++) {
            try (TestServer s = TestServer.start(dir, "--wal-path", wal)) {
                s.awaitGraphs();
                List<FieldIndexInfo> indexes = describe(s.stub(), "g").getFieldIndexesList();
                assertEquals(
                        List.of("color", LONG_KEY, "n"),
                        indexes.stream().map(FieldIndexInfo::getKey).toList(),
                        "restart " + restart);
                assertEquals(FieldIndexType.FIELD_INDEX_FLOAT, indexes.get(2).getType());
                assertTrue(indexes.stream().allMatch(FieldIndexInfo::getReady));
                assertEquals(1800 - 164, indexes.get(0).getRecords());
                assertEquals(before, counts(s.stub(), "g"), "restart " + restart);
            }
        }
    }

    private static void expect(Status.Code code, String text, Supplier<?> call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(
                e.getStatus().getDescription().contains(text),
                e.getStatus().getDescription() + " should mention " + text);
    }
}
