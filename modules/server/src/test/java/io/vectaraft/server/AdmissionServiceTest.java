package io.vectaraft.server;

import static io.vectaraft.server.Protos.and;
import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.in;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.Record;
import io.vectaraft.api.v1.ScrollRequest;
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

/**
 * The per-request cost bounds over a real socket, with small limits set by flags: each RPC that
 * asks for too much gets INVALID_ARGUMENT naming the limit and its setting, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionServiceTest {
    private static final int DIMENSION = 64;

    private TestServer server;
    private VectorServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path dir) {
        server =
                TestServer.start(
                        dir,
                        "--max-results",
                        "50",
                        "--max-response-bytes",
                        "10000",
                        "--max-filter-terms",
                        "4");
        stub = server.stub();
        stub.createCollection(Protos.create("docs", DIMENSION, Metric.EUCLIDEAN));
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            float[] v = new float[DIMENSION];
            v[i % DIMENSION] = 1 + i;
            records.add(record("r" + i, v, Map.of("n", num(i))));
        }
        stub.upsert(upsert("docs", records.toArray(Record[]::new)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static void assertRefused(String fragment, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertTrue(
                e.getStatus().getDescription().contains(fragment),
                "expected [" + fragment + "] in [" + e.getStatus().getDescription() + "]");
    }

    private static QueryRequest.Builder query(int topK) {
        QueryRequest.Builder b = QueryRequest.newBuilder().setCollection("docs").setTopK(topK);
        for (int i = 0; i < DIMENSION; i++) {
            b.addVector(i == 0 ? 1 : 0);
        }
        return b;
    }

    private static QueryVector vector() {
        QueryVector.Builder b = QueryVector.newBuilder();
        for (int i = 0; i < DIMENSION; i++) {
            b.addValues(i == 1 ? 1 : 0);
        }
        return b.build();
    }

    private long count() {
        return stub.count(CountRequest.newBuilder().setCollection("docs").build()).getCount();
    }

    @Test
    void searchesOverTheResultLimit() {
        assertEquals(50, stub.query(query(50).build()).getMatchesCount(), "at the limit");
        assertRefused(
                "Query: top_k 51 = 51 results: expected at most 50 per request (setting"
                        + " limits.max-results)",
                () -> stub.query(query(51).build()));
        assertRefused("Query: ef 60 = 60 results", () -> stub.query(query(5).setEf(60).build()));
        QueryBatchRequest.Builder batch =
                QueryBatchRequest.newBuilder().setCollection("docs").setTopK(10);
        for (int i = 0; i < 6; i++) {
            batch.addQueries(vector());
        }
        assertRefused(
                "QueryBatch: 6 queries x top_k 10 = 60 results",
                () -> stub.queryBatch(batch.build()));
        assertEquals(
                6,
                stub.queryBatch(batch.setTopK(8).build()).getResultsCount(),
                "6 x 8 fits: one result list per query");
    }

    @Test
    void getsAndScrollsOverTheResultLimit() {
        GetRequest.Builder get = GetRequest.newBuilder().setCollection("docs");
        for (int i = 0; i < 51; i++) {
            get.addIds("r" + i);
        }
        assertRefused("Get: 51 ids = 51 results", () -> stub.get(get.build()));
        assertRefused(
                "Scroll: limit 51 = 51 results",
                () ->
                        stub.scroll(
                                ScrollRequest.newBuilder()
                                        .setCollection("docs")
                                        .setLimit(51)
                                        .build()));
        assertEquals(
                50,
                stub.scroll(ScrollRequest.newBuilder().setCollection("docs").setLimit(50).build())
                        .getRecordsCount());
    }

    @Test
    void repliesOverTheEstimatedSize() {
        assertEquals(
                20,
                stub.query(query(20).setIncludeValues(true).build()).getMatchesCount(),
                "20 x (128 + 4 x 64) bytes");
        assertEquals(30, stub.query(query(30).build()).getMatchesCount(), "no values: 30 x 128");
        assertRefused(
                "Query: top_k 30 with values of dimension 64: an estimated 11520 reply bytes,"
                        + " expected at most 10000 (setting limits.max-response-bytes)",
                () -> stub.query(query(30).setIncludeValues(true).build()));
    }

    @Test
    void filtersOverTheTermLimitChangeNothing() {
        Filter five = and(in("n", num(1), num(2), num(3)), cond("n", Condition.Op.NE, num(9)));
        Filter four = and(in("n", num(1), num(2)), cond("n", Condition.Op.NE, num(9)));
        assertEquals(
                2,
                stub.count(CountRequest.newBuilder().setCollection("docs").setFilter(four).build())
                        .getCount());
        String limit =
                "filter: expected at most 4 conditions and operand values, got more (at"
                        + " filter.and[1].condition; setting limits.max-filter-terms)";
        assertRefused(
                limit,
                () ->
                        stub.count(
                                CountRequest.newBuilder()
                                        .setCollection("docs")
                                        .setFilter(five)
                                        .build()));
        long before = count();
        assertRefused(
                limit,
                () ->
                        stub.delete(
                                DeleteRequest.newBuilder()
                                        .setCollection("docs")
                                        .setFilter(five)
                                        .build()));
        assertEquals(before, count(), "nothing deleted");
    }
}
