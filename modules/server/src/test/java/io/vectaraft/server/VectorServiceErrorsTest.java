package io.vectaraft.server;

import static io.vectaraft.server.Protos.and;
import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.packed;
import static io.vectaraft.server.Protos.packedRecord;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.CreateCollectionRequest;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.FilterList;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.HnswIndex;
import io.vectaraft.api.v1.IndexSpec;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.Value;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error status the API promises, over a real socket: the code, and a message that says what
 * was wrong and where.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorServiceErrorsTest {
    private TestServer server;
    private VectorServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
        stub = server.stub();
        stub.createCollection(Protos.create("e3", 3, Metric.EUCLIDEAN));
        stub.createCollection(Protos.create("c3", 3, Metric.COSINE));
        stub.upsert(upsert("e3", record("keep", new float[] {1, 1, 1}, Map.of("n", num(1)))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void assertStatus(Code code, String fragment, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(
                code,
                e.getStatus().getCode(),
                "status; message: " + e.getStatus().getDescription());
        String message = e.getStatus().getDescription();
        assertTrue(
                message != null && message.contains(fragment),
                "expected the message to contain [" + fragment + "], got [" + message + "]");
    }

    private void badUpsert(String fragment, String collection, Record... records) {
        assertStatus(
                Code.INVALID_ARGUMENT, fragment, () -> stub.upsert(upsert(collection, records)));
    }

    @Test
    void upsertRejectsBadRecordsNamingThem() {
        badUpsert(
                "record[1] id \"b\": expected dimension 3, got 2",
                "e3",
                record("a", 1, 2, 3),
                record("b", 1, 2));
        badUpsert(
                "record[0] id \"nan\": values[1]: expected a finite number, got NaN",
                "e3",
                record("nan", 1, Float.NaN, 3));
        badUpsert(
                "expected a finite number, got Infinity",
                "e3",
                record("inf", 1, Float.POSITIVE_INFINITY, 3));
        badUpsert("record[0]: id: expected 1..256 UTF-8 bytes, got 0", "e3", record("", 1, 2, 3));
        badUpsert("got 257", "e3", record("x".repeat(257), 1, 2, 3));
        badUpsert(
                "record[2] id \"a\": expected ids unique within a batch, got a duplicate of record[0]",
                "e3",
                record("a", 1, 2, 3),
                record("b", 1, 2, 3),
                record("a", 1, 2, 3));
        badUpsert(
                "record[0] id \"z\": expected a non-zero vector under COSINE",
                "c3",
                record("z", 0, 0, 0));
        badUpsert("records: expected at least one record, got none", "e3");
        badUpsert(
                "record[0] id \"m\" metadata \"k\": expected a string, int, double, bool or string list value",
                "e3",
                record("m", new float[] {1, 2, 3}, Map.of("k", Value.getDefaultInstance())));
        badUpsert(
                "metadata key: expected a non-empty string",
                "e3",
                record("m", new float[] {1, 2, 3}, Map.of("", num(1))));
    }

    @Test
    void aBadRecordRejectsTheWholeBatch() {
        badUpsert(
                "record[2]",
                "e3",
                record("new-1", 1, 2, 3),
                record("keep", 9, 9, 9),
                record("new-2", 1, 2));
        assertEquals(
                1,
                stub.count(CountRequest.newBuilder().setCollection("e3").build()).getCount(),
                "nothing added");
        Record keep =
                stub.get(
                                GetRequest.newBuilder()
                                        .setCollection("e3")
                                        .addIds("keep")
                                        .setIncludeValues(true)
                                        .build())
                        .getRecords(0);
        assertEquals(List.of(1f, 1f, 1f), keep.getValuesList(), "nothing replaced");
    }

    @Test
    void createRejectsBadParameters() {
        assertStatus(
                Code.INVALID_ARGUMENT,
                "collection name: expected 1-64 characters of [A-Za-z0-9_-], got \"bad name!\"",
                () -> stub.createCollection(Protos.create("bad name!", 3, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "collection name",
                () -> stub.createCollection(Protos.create("n".repeat(65), 3, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "collection name",
                () -> stub.createCollection(Protos.create("", 3, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "dimension: expected 1..65536, got 0",
                () -> stub.createCollection(Protos.create("d0", 0, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "got 65537",
                () -> stub.createCollection(Protos.create("d1", 65_537, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "got 4294967295",
                () -> stub.createCollection(Protos.create("d2", -1, Metric.DOT)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "metric: expected COSINE, DOT or EUCLIDEAN, got METRIC_UNSPECIFIED",
                () -> stub.createCollection(Protos.create("m0", 3, Metric.METRIC_UNSPECIFIED)));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "got unknown metric number 9",
                () ->
                        stub.createCollection(
                                CreateCollectionRequest.newBuilder()
                                        .setName("m9")
                                        .setDimension(3)
                                        .setMetricValue(9)
                                        .build()));
    }

    private void badHnsw(String fragment, HnswIndex.Builder hnsw) {
        assertStatus(
                Code.INVALID_ARGUMENT,
                fragment,
                () ->
                        stub.createCollection(
                                Protos.create("h", 3, Metric.DOT).toBuilder()
                                        .setIndex(IndexSpec.newBuilder().setHnsw(hnsw))
                                        .build()));
    }

    @Test
    void hnswParametersOutOfRangeAreInvalidArgumentAndCreateNothing() {
        badHnsw(
                "index.hnsw.m: expected 2..512 (0 for the default 16), got 1",
                HnswIndex.newBuilder().setM(1));
        badHnsw(
                "index.hnsw.m: expected 2..512 (0 for the default 16), got 513",
                HnswIndex.newBuilder().setM(513));
        badHnsw(
                "index.hnsw.ef_construction: expected 1..4096 (0 for the default 200), got 4097",
                HnswIndex.newBuilder().setEfConstruction(4097));
        badHnsw(
                "index.hnsw.ef_search: expected 1..4096 (0 for the default 64), got 4294967295",
                HnswIndex.newBuilder().setEfSearch(-1));
        assertStatus(
                Code.NOT_FOUND,
                "\"h\"",
                () ->
                        stub.describeCollection(
                                DescribeCollectionRequest.newBuilder().setName("h").build()));
    }

    @Test
    void queryEfOutOfRangeIsInvalidArgument() {
        assertStatus(
                Code.INVALID_ARGUMENT,
                "ef: expected 0..100000, got 100001",
                () ->
                        stub.query(
                                QueryRequest.newBuilder()
                                        .setCollection("e3")
                                        .addAllVector(List.of(1f, 1f, 1f))
                                        .setTopK(1)
                                        .setEf(100_001)
                                        .build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "ef: expected 0..100000, got 100001",
                () ->
                        stub.queryBatch(
                                QueryBatchRequest.newBuilder()
                                        .setCollection("e3")
                                        .addQueries(
                                                QueryVector.newBuilder()
                                                        .addAllValues(List.of(1f, 1f, 1f)))
                                        .setTopK(1)
                                        .setEf(100_001)
                                        .build()));
    }

    @Test
    void createOverDifferentParametersIsAlreadyExists() {
        assertStatus(
                Code.ALREADY_EXISTS,
                "collection \"e3\" already exists with dimension 3",
                () -> stub.createCollection(Protos.create("e3", 4, Metric.EUCLIDEAN)));
        assertStatus(
                Code.ALREADY_EXISTS,
                "metric DOT",
                () -> stub.createCollection(Protos.create("e3", 3, Metric.DOT)));
    }

    @Test
    void unknownCollectionIsNotFoundEverywhere() {
        String msg = "collection \"nope\" does not exist";
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () ->
                        stub.describeCollection(
                                DescribeCollectionRequest.newBuilder().setName("nope").build()));
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () ->
                        stub.deleteCollection(
                                DeleteCollectionRequest.newBuilder().setName("nope").build()));
        assertStatus(Code.NOT_FOUND, msg, () -> stub.upsert(upsert("nope", record("a", 1))));
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () -> stub.get(GetRequest.newBuilder().setCollection("nope").addIds("a").build()));
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () ->
                        stub.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("nope")
                                        .addIds("a")
                                        .build()));
        assertStatus(Code.NOT_FOUND, msg, () -> stub.query(query("nope", 1, 1, 1).build()));
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () -> stub.count(CountRequest.newBuilder().setCollection("nope").build()));
        assertStatus(
                Code.NOT_FOUND,
                msg,
                () -> stub.scroll(ScrollRequest.newBuilder().setCollection("nope").build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "collection: expected a collection name, got none",
                () -> stub.count(CountRequest.newBuilder().build()));
    }

    /**
     * A packed vector must be whole float32s and must not come beside the float form; its dimension
     * and values are checked as the float form's, naming the record. Nothing of the batch is
     * applied.
     */
    @Test
    void packedVectorsAreCheckedNamingTheRecord() {
        Record both = record("both", 1, 2, 3).toBuilder().setPackedValues(packed(1, 2, 3)).build();
        badUpsert(
                "record[1] id \"both\": expected one of values and packed_values, got both",
                "e3",
                packedRecord("ok", 1, 2, 3),
                both);
        Record ragged =
                Record.newBuilder()
                        .setId("ragged")
                        .setPackedValues(ByteString.copyFrom(new byte[10]))
                        .build();
        badUpsert(
                "record[1] id \"ragged\" packed_values: expected a multiple of 4 bytes"
                        + " (little-endian float32), got 10",
                "e3",
                packedRecord("ok", 1, 2, 3),
                ragged);
        badUpsert(
                "record[2] id \"short\": expected dimension 3, got 2",
                "e3",
                packedRecord("ok", 1, 2, 3),
                record("ok2", 1, 2, 3),
                packedRecord("short", 1, 2));
        badUpsert(
                "record[0] id \"nan\": values[2]: expected a finite number, got NaN",
                "e3",
                packedRecord("nan", 1, 2, Float.NaN));
        assertEquals(
                0,
                stub.get(GetRequest.newBuilder().setCollection("e3").addIds("ok").build())
                        .getRecordsCount(),
                "nothing of a refused batch is applied");

        assertStatus(
                Code.INVALID_ARGUMENT,
                "query: expected one of vector and packed_vector, got both",
                () -> stub.query(query("e3", 1, 2, 3).setPackedVector(packed(1, 2, 3)).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "query packed_vector: expected a multiple of 4 bytes (little-endian float32), got 5",
                () ->
                        stub.query(
                                query("e3")
                                        .setPackedVector(ByteString.copyFrom(new byte[5]))
                                        .build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "expected dimension 3, got 4",
                () -> stub.query(query("e3").setPackedVector(packed(1, 2, 3, 4)).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "queries[1] packed_values: expected a multiple of 4 bytes (little-endian float32),"
                        + " got 3",
                () ->
                        stub.queryBatch(
                                QueryBatchRequest.newBuilder()
                                        .setCollection("e3")
                                        .setTopK(1)
                                        .addQueries(
                                                QueryVector.newBuilder()
                                                        .setPackedValues(packed(1, 2, 3)))
                                        .addQueries(
                                                QueryVector.newBuilder()
                                                        .setPackedValues(
                                                                ByteString.copyFrom(new byte[3])))
                                        .build()));
    }

    @Test
    void queryRejectsBadVectorsAndTopK() {
        assertStatus(
                Code.INVALID_ARGUMENT,
                "top_k: expected 1..10000, got 0",
                () -> stub.query(query("e3", 1, 2, 3).setTopK(0).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "top_k: expected 1..10000, got 10001",
                () -> stub.query(query("e3", 1, 2, 3).setTopK(10_001).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "expected dimension 3, got 2",
                () -> stub.query(query("e3", 1, 2).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "expected a finite number, got NaN",
                () -> stub.query(query("e3", 1, Float.NaN, 2).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "expected a non-zero vector under COSINE",
                () -> stub.query(query("c3", 0, 0, 0).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "queries[1]: expected dimension 3, got 1",
                () ->
                        stub.queryBatch(
                                QueryBatchRequest.newBuilder()
                                        .setCollection("e3")
                                        .setTopK(1)
                                        .addQueries(
                                                QueryVector.newBuilder()
                                                        .addAllValues(List.of(1f, 2f, 3f)))
                                        .addQueries(QueryVector.newBuilder().addValues(1f))
                                        .build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "queries: expected at least one query, got none",
                () ->
                        stub.queryBatch(
                                QueryBatchRequest.newBuilder()
                                        .setCollection("e3")
                                        .setTopK(1)
                                        .build()));
    }

    @Test
    void malformedFiltersNameTheNode() {
        Filter inWithoutValues =
                Filter.newBuilder()
                        .setCondition(Condition.newBuilder().setKey("g").setOp(Condition.Op.IN))
                        .build();
        badFilter(
                "filter.and[1].condition: ",
                and(cond("n", Condition.Op.EQ, num(1)), inWithoutValues));
        badFilter("expected at least one value, got none", inWithoutValues);
        badFilter(
                "filter: expected one of condition, and, or, not; got an empty filter",
                Filter.getDefaultInstance());
        badFilter(
                "filter.not: expected one of condition, and, or, not",
                Filter.newBuilder().setNot(Filter.getDefaultInstance()).build());
        badFilter(
                "filter.and: ",
                Filter.newBuilder().setAnd(FilterList.getDefaultInstance()).build());
        badFilter(
                "filter.condition: expected op EQ, NE, GT, GTE, LT, LTE, IN, NIN or EXISTS, got OP_UNSPECIFIED",
                Filter.newBuilder()
                        .setCondition(Condition.newBuilder().setKey("g").setValue(str("x")))
                        .build());
        badFilter(
                "got unknown op number 42",
                Filter.newBuilder()
                        .setCondition(
                                Condition.newBuilder()
                                        .setKey("g")
                                        .setOpValue(42)
                                        .setValue(str("x")))
                        .build());
        badFilter("expected a number operand, got a string", cond("n", Condition.Op.GT, str("5")));
        badFilter(
                "expected an operand, got none",
                Filter.newBuilder()
                        .setCondition(Condition.newBuilder().setKey("g").setOp(Condition.Op.EQ))
                        .build());
        badFilter("condition key: expected a non-empty string", cond("", Condition.Op.EQ, num(1)));
        badFilter(
                "filter.condition.values[1]: expected a string, int, double, bool or string list value",
                Filter.newBuilder()
                        .setCondition(
                                Condition.newBuilder()
                                        .setKey("g")
                                        .setOp(Condition.Op.IN)
                                        .addValues(str("a"))
                                        .addValues(Value.getDefaultInstance()))
                        .build());
    }

    private void badFilter(String fragment, Filter filter) {
        assertStatus(
                Code.INVALID_ARGUMENT,
                fragment,
                () -> stub.query(query("e3", 1, 2, 3).setFilter(filter).build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                fragment,
                () ->
                        stub.count(
                                CountRequest.newBuilder()
                                        .setCollection("e3")
                                        .setFilter(filter)
                                        .build()));
    }

    @Test
    void deleteNeedsExactlyOneOfIdsAndFilter() {
        assertStatus(
                Code.INVALID_ARGUMENT,
                "delete: expected exactly one of ids and filter, got neither",
                () -> stub.delete(DeleteRequest.newBuilder().setCollection("e3").build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "got both",
                () ->
                        stub.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("e3")
                                        .addIds("keep")
                                        .setFilter(cond("n", Condition.Op.EQ, num(1)))
                                        .build()));
        assertEquals(
                1,
                stub.count(CountRequest.newBuilder().setCollection("e3").build()).getCount(),
                "nothing deleted");
    }

    @Test
    void scrollRejectsBadLimitsAndTokens() {
        assertStatus(
                Code.INVALID_ARGUMENT,
                "limit: expected 0..10000, got 10001",
                () ->
                        stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection("e3")
                                        .setLimit(10_001)
                                        .build()));
        assertStatus(
                Code.INVALID_ARGUMENT,
                "page_token: expected a next_page_token from a previous Scroll reply",
                () ->
                        stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection("e3")
                                        .setPageToken("not base64!")
                                        .build()));
        String notUtf8 =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe});
        assertStatus(
                Code.INVALID_ARGUMENT,
                "page_token",
                () ->
                        stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection("e3")
                                        .setPageToken(notUtf8)
                                        .build()));
        String valid =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("a".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                1,
                stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection("e3")
                                        .setPageToken(valid)
                                        .build())
                        .getRecordsCount(),
                "a well-formed token for an id that never existed continues after it");
    }

    private static QueryRequest.Builder query(String collection, float... vector) {
        QueryRequest.Builder b = QueryRequest.newBuilder().setCollection(collection).setTopK(5);
        for (float v : vector) {
            b.addVector(v);
        }
        return b;
    }
}
