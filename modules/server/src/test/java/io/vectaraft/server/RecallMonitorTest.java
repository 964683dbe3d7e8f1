package io.vectaraft.server;

import static io.vectaraft.server.HnswServiceTest.hnsw;
import static io.vectaraft.server.HnswServiceTest.ids;
import static io.vectaraft.server.HnswServiceTest.query;
import static io.vectaraft.server.HnswServiceTest.queryVector;
import static io.vectaraft.server.HnswServiceTest.upsertAll;
import static io.vectaraft.server.HnswServiceTest.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.api.v1.CollectionInfo;
import io.vectaraft.api.v1.DeleteCollectionRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryResponse;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.config.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live recall monitor over a real server: every approximate query sampled (rate 1), a sparse
 * graph with a tiny beam so recall is below 1, and the gauge and Describe compared with the recall
 * this test computes from the same replies and exact queries of its own.
 */
class RecallMonitorTest {
    private static final int DIM = 32;
    private static final long SEED = 777L;

    @Test
    void gaugeAndDescribeShowTheRecallOfTheSampledQueries(@TempDir Path dir) throws Exception {
        try (TestServer server =
                TestServer.start(
                        dir, "--metrics-addr", "127.0.0.1:0", "--recall-sample-rate", "1")) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(hnsw("low", DIM, Metric.EUCLIDEAN, 2, 8, 10));
            stub.createCollection(Protos.create("flat", DIM, Metric.EUCLIDEAN));
            upsertAll(stub, "low", HnswServiceTest.data(2000, DIM, SEED));
            upsertAll(stub, "flat", HnswServiceTest.data(10, DIM, SEED));

            Random random = new Random(SEED + 1);
            List<float[]> queries = new ArrayList<>();
            List<List<String>> returned = new ArrayList<>();
            for (int q = 0; q < 30; q++) {
                float[] v = vector(random, DIM);
                queries.add(v);
                returned.add(ids(stub.query(query("low", v, 10).build())));
                stub.query(query("flat", v, 5).build()); // flat: never sampled
            }
            QueryBatchRequest.Builder batch =
                    QueryBatchRequest.newBuilder().setCollection("low").setTopK(10);
            List<float[]> batched = new ArrayList<>();
            for (int q = 0; q < 10; q++) {
                float[] v = vector(random, DIM);
                batched.add(v);
                batch.addQueries(queryVector(v));
            }
            for (QueryResponse r : stub.queryBatch(batch.build()).getResultsList()) {
                returned.add(ids(r));
            }
            queries.addAll(batched);
            assertTrue(
                    server.server.recallMonitor().awaitIdle(Duration.ofSeconds(60)),
                    "monitor drained its queue");

            long hits = 0;
            long total = 0;
            for (int q = 0; q < queries.size(); q++) {
                // exact=true is not sampled, so this does not change what the monitor saw
                List<String> exact =
                        ids(stub.query(query("low", queries.get(q), 10).setExact(true).build()));
                hits += exact.stream().filter(returned.get(q)::contains).count();
                total += exact.size();
            }
            double expected = (double) hits / total;
            assertTrue(expected < 1, "the sparse graph misses some neighbours: " + expected);
            assertTrue(expected > 0, "and finds some: " + expected);

            CollectionInfo low = describe(stub, "low");
            assertEquals(40, low.getState().getRecallSamples(), "every approximate query sampled");
            assertEquals(expected, low.getState().getRecallAtK(), 1e-12, "Describe recall@k");
            assertEquals(0, describe(stub, "flat").getState().getRecallSamples(), "flat: none");
            assertEquals(0, server.server.recallMonitor().staleSamples(), "no writes meanwhile");

            HostPort metrics = server.server.metricsAddress().orElseThrow();
            String text = scrape(metrics);
            assertEquals(
                    expected,
                    gauge(text, "vectaraft_recall_at_k{collection=\"low\""),
                    1e-9,
                    "Prometheus gauge");
            assertFalse(
                    text.contains("vectaraft_recall_at_k{collection=\"flat\""),
                    "no recall gauge for a flat collection");

            stub.deleteCollection(DeleteCollectionRequest.newBuilder().setName("low").build());
            assertFalse(
                    scrape(metrics).contains("vectaraft_recall_at_k{collection=\"low\""),
                    "the gauge goes with its collection");
        }
    }

    @Test
    void rateZeroSamplesNothing(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir, "--recall-sample-rate", "0")) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(hnsw("off", DIM, Metric.EUCLIDEAN, 2, 8, 10));
            upsertAll(stub, "off", HnswServiceTest.data(500, DIM, SEED));
            stub.query(query("off", vector(new Random(1), DIM), 10).build());
            assertTrue(server.server.recallMonitor().awaitIdle(Duration.ofSeconds(10)), "idle");
            assertEquals(0, describe(stub, "off").getState().getRecallSamples(), "no samples");
        }
    }

    private static CollectionInfo describe(VectorServiceBlockingStub stub, String name) {
        return stub.describeCollection(
                DescribeCollectionRequest.newBuilder().setName(name).build());
    }

    private static String scrape(HostPort address) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + address + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "GET /metrics");
        return r.body();
    }

    private static double gauge(String text, String prefix) {
        List<String> lines = text.lines().filter(l -> l.startsWith(prefix)).toList();
        assertEquals(1, lines.size(), prefix + " in:\n" + text);
        String line = lines.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
