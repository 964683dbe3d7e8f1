package io.vectaraft.server;

import static io.vectaraft.server.Protos.num;
import static io.vectaraft.server.Protos.record;
import static io.vectaraft.server.Protos.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.CreateSnapshotRequest;
import io.vectaraft.api.v1.ListSnapshotsRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.SnapshotInfo;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over a real write-ahead log: snapshots by RPC, and state that survives a restart. */
class DurableServerTest {

    private static TestServer start(Path dir) {
        return TestServer.start(dir, "--wal-path", dir.resolve("data/wal.jsonl").toString());
    }

    private static QueryRequest query() {
        return QueryRequest.newBuilder()
                .setCollection("docs")
                .addAllVector(List.of(1f, 0.5f, 0f))
                .setTopK(3)
                .setIncludeValues(true)
                .setIncludeMetadata(true)
                .build();
    }

    @Test
    void restartAnswersTheSameQueriesWithTheSameScores(@TempDir Path dir) {
        QueryResponse before;
        try (TestServer server = start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(Protos.create("docs", 3, Metric.COSINE));
            stub.upsert(
                    Protos.upsert(
                            "docs",
                            record("a", new float[] {1, 0, 0}, Map.of("k", str("x"))),
                            record("b", new float[] {0.3f, 0.7f, 0.1f}, Map.of("n", num(7))),
                            record("c", new float[] {0, 0, 1})));
            before = stub.query(query());
            assertEquals(3, before.getMatchesCount());
        }
        try (TestServer server = start(dir)) {
            assertEquals(
                    before, server.stub().query(query()), "same ids, scores, values, metadata");
        }
    }

    @Test
    void readinessAndMetricsReportTheLog(@TempDir Path dir) throws Exception {
        try (TestServer server =
                TestServer.start(
                        dir,
                        "--wal-path",
                        dir.resolve("data/wal.jsonl").toString(),
                        "--metrics-addr",
                        "127.0.0.1:0")) {
            server.stub().createCollection(Protos.create("docs", 3, Metric.DOT));
            HttpResponse<String> ready =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://"
                                                                    + server.server
                                                                            .metricsAddress()
                                                                            .orElseThrow()
                                                                    + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("\"collections\":1"), ready.body());
            assertTrue(ready.body().contains("\"writable\":true"), ready.body());
            assertTrue(ready.body().matches(".*\"walUsableBytes\":[1-9][0-9]*.*"), ready.body());

            String metrics =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://"
                                                                    + server.server
                                                                            .metricsAddress()
                                                                            .orElseThrow()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            assertTrue(
                    metrics.contains("\nvectaraft_wal_last_sequence 1.0\n"),
                    "one logged mutation:\n" + metrics);
            assertTrue(metrics.contains("\nvectaraft_wal_writable 1.0\n"), metrics);
            assertTrue(metrics.contains("vectaraft_wal_fsync_seconds_total"), metrics);
            assertTrue(metrics.contains("vectaraft_wal_active_log_bytes"), metrics);
            assertFalse(
                    metrics.contains("\nvectaraft_wal_fsyncs_total 0.0\n"),
                    "fsync=always forced the log");
        }
    }

    @Test
    void snapshotsOnDemandAreListedNewestFirst(@TempDir Path dir) {
        try (TestServer server = start(dir)) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(Protos.create("docs", 3, Metric.DOT));
            stub.upsert(Protos.upsert("docs", record("a", 1, 2, 3)));
            SnapshotInfo first = stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());
            stub.upsert(Protos.upsert("docs", record("b", 1, 2, 3)));
            SnapshotInfo second = stub.createSnapshot(CreateSnapshotRequest.getDefaultInstance());

            assertTrue(second.getSequence() > first.getSequence(), first + " then " + second);
            assertEquals(1, second.getCollections());
            assertTrue(Files.isRegularFile(Path.of(second.getPath())), second.getPath());
            assertTrue(second.getSizeBytes() > 0);
            assertTrue(second.getCreatedUnixMs() > 0);
            List<SnapshotInfo> listed =
                    stub.listSnapshots(ListSnapshotsRequest.getDefaultInstance())
                            .getSnapshotsList();
            assertEquals(second, listed.getFirst(), "newest first");
        }
    }
}
