package io.vectaraft.server;

import static io.vectaraft.server.ObservabilityTest.promtoolAccepts;
import static io.vectaraft.server.ObservabilityTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.CountRequest;
import io.vectaraft.api.v1.Metric;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.server.TestKeys.Entry;
import io.vectaraft.server.config.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys on the HTTP side ({@code /metrics}, {@code /health/ready} need a key that sees every
 * collection; {@code /health/live} never does) and the auth meters: refusals by reason, requests by
 * key id.
 */
class AuthHttpTest {
    private static final Entry OPS = Entry.of("ops", "admin");
    private static final Entry RO = Entry.of("ro", "read-only");
    private static final Entry TENANT = Entry.of("tenant-a", "read-write", "a-*");

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(HostPort address, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + address + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void observabilityNeedsAnUnscopedKeyButLivenessNever(@TempDir Path dir) throws Exception {
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), OPS, RO, TENANT);
        try (TestServer server =
                TestServer.start(
                        dir, "--api-keys-file", keys.toString(), "--metrics-addr", "127.0.0.1:0")) {
            HostPort metrics = server.server.metricsAddress().orElseThrow();
            assertEquals(200, get(metrics, "/health/live").statusCode(), "probes need no key");
            for (String path :
                    List.of("/metrics", "/health/ready", "/health", "/health/live/../ready")) {
                HttpResponse<String> none = get(metrics, path);
                assertEquals(401, none.statusCode(), path + ": " + none.body());
                assertTrue(
                        none.headers()
                                .firstValue("www-authenticate")
                                .orElse("")
                                .startsWith("Bearer"),
                        path);
                assertEquals(
                        401,
                        get(metrics, path, "api-key", "wrong-key-0123456789").statusCode(),
                        path);
                assertEquals(
                        403,
                        get(metrics, path, "authorization", "Bearer " + TENANT.secret())
                                .statusCode(),
                        path + " with a scoped key");
            }
            assertEquals(
                    200,
                    get(metrics, "/health/ready", "api-key", RO.secret()).statusCode(),
                    "a read-only unscoped key");

            // Refusals of each reason, then the meters.
            assertThrows(
                    StatusRuntimeException.class,
                    () -> server.stub().ping(PingRequest.getDefaultInstance()));
            assertThrows(
                    StatusRuntimeException.class,
                    () ->
                            server.stub()
                                    .withInterceptors(TestKeys.apiKey("nope-0123456789abc"))
                                    .ping(PingRequest.getDefaultInstance()));
            assertThrows(
                    StatusRuntimeException.class,
                    () ->
                            TestKeys.as(server.stub(), RO)
                                    .createCollection(Protos.create("a-x", 2, Metric.DOT)));
            assertThrows(
                    StatusRuntimeException.class,
                    () ->
                            TestKeys.as(server.stub(), TENANT)
                                    .count(CountRequest.newBuilder().setCollection("b").build()));
            TestKeys.as(server.stub(), TENANT).ping(PingRequest.getDefaultInstance());

            HttpResponse<String> scrape =
                    get(metrics, "/metrics", "authorization", "Bearer " + OPS.secret());
            assertEquals(200, scrape.statusCode());
            String text = scrape.body();
            // 4 HTTP paths x (missing, invalid) + 1 missing and 1 invalid on gRPC; the scoped key
            // refused on 4 paths and once on gRPC.
            assertEquals(
                    5,
                    sample(text, "vectaraft_auth_failures_total", "reason=\"missing_key\""),
                    text);
            assertEquals(
                    5, sample(text, "vectaraft_auth_failures_total", "reason=\"invalid_key\""));
            assertEquals(1, sample(text, "vectaraft_auth_failures_total", "reason=\"role\""));
            assertEquals(5, sample(text, "vectaraft_auth_failures_total", "reason=\"scope\""));
            assertEquals(
                    2,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Ping\"",
                            "code=\"UNAUTHENTICATED\"",
                            "key=\"none\""));
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"CreateCollection\"",
                            "code=\"PERMISSION_DENIED\"",
                            "key=\"ro\""));
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Count\"",
                            "code=\"PERMISSION_DENIED\"",
                            "key=\"tenant-a\""));
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Ping\"",
                            "code=\"OK\"",
                            "key=\"tenant-a\""));
            promtoolAccepts(text);
        }
    }

    @Test
    void openObservabilityServesMetricsAndReadinessWithoutAKey(@TempDir Path dir) throws Exception {
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), OPS);
        try (TestServer server =
                TestServer.start(
                        dir,
                        "--api-keys-file",
                        keys.toString(),
                        "--metrics-addr",
                        "127.0.0.1:0",
                        "--open-observability")) {
            HostPort metrics = server.server.metricsAddress().orElseThrow();
            assertEquals(200, get(metrics, "/metrics").statusCode());
            assertEquals(200, get(metrics, "/health/ready").statusCode());
            assertThrows(
                    StatusRuntimeException.class,
                    () -> server.stub().ping(PingRequest.getDefaultInstance()),
                    "gRPC still needs a key");
        }
    }

    @Test
    void withoutKeysNothingChanges(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir, "--metrics-addr", "127.0.0.1:0")) {
            server.stub().ping(PingRequest.getDefaultInstance());
            HostPort metrics = server.server.metricsAddress().orElseThrow();
            String text = get(metrics, "/metrics").body();
            assertTrue(!text.contains("vectaraft_auth_failures"), "no auth meters without keys");
            assertTrue(!text.contains("key=\""), "no key label without keys");
            assertEquals(
                    1,
                    sample(
                            text,
                            "vectaraft_grpc_requests_total",
                            "method=\"Ping\"",
                            "code=\"OK\""));
        }
    }
}
