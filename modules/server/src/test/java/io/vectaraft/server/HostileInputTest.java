package io.vectaraft.server;

import static io.vectaraft.server.Protos.and;
import static io.vectaraft.server.Protos.cond;
import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static io.vectaraft.server.Protos.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Filter;
import io.vectaraft.api.v1.GetRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.ScrollRequest;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile but well-formed requests over a real socket: filters nested past the documented depth and
 * past protobuf's own limit, names and keys of 100,000 characters, names that try to forge a log
 * line. Each gets INVALID_ARGUMENT with a short message the client can read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    /** What gRPC clients accept in response headers and trailers by default. */
    private static final int CLIENT_HEADER_LIMIT = 8 * 1024;

    private static final int HUGE = 100_000;

    private TestServer server;
    private VectorServiceBlockingStub stub;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
        stub = server.stub();
        stub.createCollection(Protos.create("docs", 2, Metric.EUCLIDEAN));
        stub.upsert(upsert("docs", record("a", new float[] {1, 0}, Map.of("n", num(1)))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static Status status(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus();
    }

    private static void assertShortInvalidArgument(Status s, String fragment) {
        assertEquals(Code.INVALID_ARGUMENT, s.getCode(), String.valueOf(s));
        String d = s.getDescription();
        assertTrue(d.contains(fragment), "expected [" + fragment + "] in [" + d + "]");
        assertTrue(
                d.getBytes(StandardCharsets.UTF_8).length * 3 < CLIENT_HEADER_LIMIT,
                "fits a trailer even percent-encoded: " + d.length() + " chars");
    }

    private static Filter nested(int levels, UnaryOperator<Filter> wrap) {
        Filter f = cond("n", Condition.Op.EQ, num(1));
        for (int i = 0; i < levels; i++) {
            f = wrap.apply(f);
        }
        return f;
    }

    private long count(Filter filter) {
        return stub.count(CountRequest.newBuilder().setCollection("docs").setFilter(filter).build())
                .getCount();
    }

    @Test
    void filtersNestUpToTheDocumentedDepth() {
        assertEquals(1, count(nested(32, Protos::not)), "32 levels of not");
        assertEquals(1, count(nested(32, f -> and(f))), "32 levels of and");
        assertEquals(0, count(nested(31, Protos::not)), "31 levels of not");
    }

    @Test
    void deeperFiltersNameTheLimit() {
        assertShortInvalidArgument(
                status(() -> count(nested(33, Protos::not))), "nested at most 32 levels deep");
        assertShortInvalidArgument(
                status(() -> count(nested(40, f -> and(f)))), "nested at most 32 levels deep");
    }

    @Test
    void filtersPastProtobufsRecursionLimitAreInvalidArgumentToo() {
        assertShortInvalidArgument(
                status(() -> count(nested(150, Protos::not))),
                "expected at most 100 levels of nested messages, got more (filters may nest at"
                        + " most 32 levels)");
        assertShortInvalidArgument(
                status(() -> count(nested(120, f -> and(f)))), "at most 100 levels");
    }

    @Test
    void aHugeCollectionNameIsCutShort() {
        String name = "n".repeat(HUGE);
        for (Runnable call :
                new Runnable[] {
                    () -> stub.createCollection(Protos.create(name, 2, Metric.COSINE)),
                    () ->
                            stub.describeCollection(
                                    DescribeCollectionRequest.newBuilder().setName(name).build()),
                    () -> stub.upsert(upsert(name, record("a", 1, 0))),
                    () ->
                            stub.query(
                                    QueryRequest.newBuilder()
                                            .setCollection(name)
                                            .addVector(1)
                                            .addVector(0)
                                            .setTopK(1)
                                            .build())
                }) {
            assertShortInvalidArgument(status(call), "(100000 chars)");
        }
    }

    @Test
    void hugeKeysIdsAndTokensAreCutShort() {
        String key = "k".repeat(HUGE);
        assertShortInvalidArgument(
                status(() -> count(cond(key, Condition.Op.GT, str("x")))), "(100000 chars)");
        assertShortInvalidArgument(
                status(
                        () ->
                                stub.scroll(
                                        ScrollRequest.newBuilder()
                                                .setCollection("docs")
                                                .setPageToken("~".repeat(HUGE))
                                                .build())),
                "(100000 chars)");
        assertShortInvalidArgument(
                status(
                        () ->
                                stub.upsert(
                                        upsert("docs", record("\uD800" + "x".repeat(HUGE), 1, 0)))),
                "got 100001");
        assertEquals(
                0,
                stub.get(
                                GetRequest.newBuilder()
                                        .setCollection("docs")
                                        .addIds("i".repeat(HUGE))
                                        .build())
                        .getRecordsCount(),
                "an unknown huge id is simply absent");
    }

    @Test
    void aNameCannotForgeALogLine() {
        String forged = "2026-12-05T07:00:00.000 SEVERE io.vectaraft.server.Main: disk wiped";
        try (LogCapture log = LogCapture.start()) {
            Status s =
                    status(
                            () ->
                                    stub.describeCollection(
                                            DescribeCollectionRequest.newBuilder()
                                                    .setName("docs\n" + forged + "\r\n")
                                                    .build()));
            assertShortInvalidArgument(s, "\\n" + forged + "\\r\\n");
            String text = log.text(Level.ALL);
            assertTrue(text.contains("\\n" + forged), "the name is logged, escaped:\n" + text);
            for (String line : text.lines().toList()) {
                assertFalse(line.startsWith(forged), "a forged line:\n" + text);
            }
        }
    }
}
