package io.vectaraft.server;

import static io.vectaraft.server.Protos.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.vectaraft.api.v1.DeleteRequest;
import io.vectaraft.api.v1.DescribeCollectionRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.QueryBatchRequest;
import io.vectaraft.api.v1.QueryRequest;
import io.vectaraft.api.v1.QueryVector;
import io.vectaraft.api.v1.VectorServiceGrpc.VectorServiceBlockingStub;
import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.HostPort;
import io.vectaraft.wal.StorageEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /health, gRPC health and reflection on a server started in this JVM. */
class ObservabilityTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HostPort address, String path)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + address + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessIsDownUntilTheStoreIsServedThenUpWithDetails(@TempDir Path dir) throws Exception {
        var config =
                ConfigLoader.load(
                                CommandLine.parse(
                                        List.of(
                                                "--port",
                                                "0",
                                                "--no-wal",
                                                "--metrics-addr",
                                                "127.0.0.1:0")),
                                Map.of(),
                                dir)
                        .config();
        try (VectaraftServer server = VectaraftServer.create(config)) {
            HostPort metrics = server.metricsAddress().orElseThrow();
            HttpResponse<String> before = get(metrics, "/health/ready");
            assertEquals(503, before.statusCode(), before.body());
            assertTrue(before.body().contains("\"status\":\"DOWN\""), before.body());
            assertEquals(200, get(metrics, "/health/live").statusCode(), "alive while recovering");

            server.serve(StorageEngine.inMemory());
            HttpResponse<String> after = get(metrics, "/health/ready");
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(after.body().contains("\"status\":\"UP\""), after.body());
            assertTrue(after.body().contains("\"collections\":0"), after.body());
        }
    }

    @Test
    void metricsCountAKnownSequenceOfCallsExactly(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir, "--metrics-addr", "127.0.0.1:0")) {
            VectorServiceBlockingStub stub = server.stub();
            stub.createCollection(Protos.create("m", 2, Metric.EUCLIDEAN));
            stub.upsert(
                    Protos.upsert("m", record("a", 0, 0), record("b", 1, 0), record("c", 2, 0)));
            assertThrows(
                    StatusRuntimeException.class,
                    () -> stub.upsert(Protos.upsert("m", record("bad", 1))));
            for (int i = 0; i < 2; i++) {
                stub.query(
                        QueryRequest.newBuilder()
                                .setCollection("m")
                                .addVector(0)
                                .addVector(0)
                                .setTopK(2)
                                .build());
            }
            QueryVector q = QueryVector.newBuilder().addValues(1).addValues(1).build();
            stub.queryBatch(
                    QueryBatchRequest.newBuilder()
                            .setCollection("m")
                            .setTopK(1)
                            .addQueries(q)
                            .addQueries(q)
                            .addQueries(q)
                            .build());
            stub.delete(DeleteRequest.newBuilder().setCollection("m").addIds("a").build());
            assertThrows(
                    StatusRuntimeException.class,
                    () ->
                            stub.describeCollection(
                                    DescribeCollectionRequest.newBuilder()
                                            .setName("none")
                                            .build()));

            String text = get(server.server.metricsAddress().orElseThrow(), "/metrics").body();
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"CreateCollection\"",
                            "code=\"OK\""),
                    text);
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Upsert\"",
                            "code=\"OK\""));
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Upsert\"",
                            "code=\"INVALID_ARGUMENT\""));
            assertEquals(
                    2,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Query\"",
                            "code=\"OK\""));
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"DescribeCollection\"",
                            "code=\"NOT_FOUND\""));
            assertEquals(
                    2,
                    sample(
                            text,
                            "vectaraft_grpc_request_duration_seconds_count",
                            "method=\"Query\""));
            assertEquals(
                    2,
                    sample(
                            text,
                            "vectaraft_grpc_request_duration_seconds_bucket",
                            "method=\"Query\"",
                            "le=\"+Inf\""));
            assertEquals(3, sample(text, "vectaraft_vectors_upserted_total"));
            assertEquals(1, sample(text, "vectaraft_vectors_deleted_total"));
            assertEquals(5, sample(text, "vectaraft_queries_total"), "2 queries + a batch of 3");
            assertEquals(
                    15,
                    sample(text, "vectaraft_query_candidates_scanned_total"),
                    "5 searches x 3 vectors");
            assertEquals(1, sample(text, "vectaraft_collections"));
            assertEquals(2, sample(text, "vectaraft_collection_vectors", "collection=\"m\""));
            assertEquals(0, sample(text, "vectaraft_heap_full_refusals_total"), "no write refused");
            double heap = sample(text, "vectaraft_heap_after_gc_ratio");
            assertTrue(heap >= 0 && heap < 1, "heap after GC, of the maximum: " + heap);
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters present");
            assertTrue(text.contains("process_cpu_usage"), "process meters present");
            promtoolAccepts(text);
        }
    }

    /** The value of the one sample of {@code name} whose labels contain all of {@code labels}. */
    static double sample(String text, String name, String... labels) {
        List<String> lines =
                text.lines()
                        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                        .filter(l -> List.of(labels).stream().allMatch(l::contains))
                        .toList();
        assertEquals(1, lines.size(), name + " " + List.of(labels) + " in:\n" + lines);
        String line = lines.getFirst();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    static void promtoolAccepts(String text) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("promtool", "check", "metrics")
                        .redirectErrorStream(true)
                        .start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
    }

    @Test
    void grpcHealthAndReflection(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ManagedChannel channel = server.channel;
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertEquals(
                    ServingStatus.SERVING,
                    health.check(
                                    HealthCheckRequest.newBuilder()
                                            .setService("vectaraft.v1.VectorService")
                                            .build())
                            .getStatus());
            assertEquals(
                    ServingStatus.SERVING,
                    health.check(HealthCheckRequest.getDefaultInstance()).getStatus());

            CompletableFuture<ServerReflectionResponse> reply = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> requests =
                    ServerReflectionGrpc.newStub(channel)
                            .serverReflectionInfo(
                                    new StreamObserver<>() {
                                        @Override
                                        public void onNext(ServerReflectionResponse value) {
                                            reply.complete(value);
                                        }

                                        @Override
                                        public void onError(Throwable t) {
                                            reply.completeExceptionally(t);
                                        }

                                        @Override
                                        public void onCompleted() {}
                                    });
            requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
            List<String> services =
                    reply
                            .get(30, TimeUnit.SECONDS)
                            .getListServicesResponse()
                            .getServiceList()
                            .stream()
                            .map(ServiceResponse::getName)
                            .toList();
            requests.onCompleted();
            assertTrue(services.contains("vectaraft.v1.VectorService"), services.toString());
            assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
        }
    }

    @Test
    void healthReportsNotServingAfterShutdown(@TempDir Path dir) throws Exception {
        TestServer server = TestServer.start(dir);
        HostPort a = server.server.grpcAddress();
        server.close();
        ManagedChannel channel =
                ManagedChannelBuilder.forAddress(a.host(), a.port()).usePlaintext().build();
        try {
            assertThrows(
                    StatusRuntimeException.class,
                    () ->
                            HealthGrpc.newBlockingStub(channel)
                                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                                    .check(HealthCheckRequest.getDefaultInstance()),
                    "stopped: no longer accepting calls");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
