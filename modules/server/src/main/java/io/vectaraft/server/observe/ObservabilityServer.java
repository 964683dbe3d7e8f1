package io.vectaraft.server.observe;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.vectaraft.server.config.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The HTTP side, on Helidon SE's WebServer: {@code /metrics} (Prometheus text) and {@code /health},
 * {@code /health/live}, {@code /health/ready} on the metrics address, apart from the gRPC port.
 */
public final class ObservabilityServer implements AutoCloseable {
    private final WebServer server;

    private ObservabilityServer(WebServer server) {
        this.server = server;
    }

    public static ObservabilityServer start(
            HostPort address, ServerMetrics metrics, Readiness readiness) {
        ObserveFeature observe =
                ObserveFeature.builder()
                        .endpoint("/")
                        .observersDiscoverServices(false)
                        .addObserver(
                                MetricsObserver.builder()
                                        .endpoint("metrics")
                                        .meterRegistry(metrics.registry())
                                        .build())
                        .addObserver(
                                HealthObserver.builder()
                                        .endpoint("health")
                                        .details(true)
                                        .addCheck(readiness)
                                        .addCheck(
                                                () ->
                                                        HealthCheckResponse.builder()
                                                                .status(true)
                                                                .build(),
                                                HealthCheckType.LIVENESS,
                                                "process")
                                        .build())
                        .build();
        WebServer server =
                WebServer.builder()
                        .host(address.host())
                        .port(address.port())
                        .shutdownHook(false)
                        .addFeature(observe)
                        .build();
        // Helidon logs a listener that fails to bind and returns a server that is not running.
        server.start();
        if (!server.isRunning()) {
            server.stop();
            String message =
                    "cannot listen for HTTP (metrics and health) on "
                            + address
                            + ": address in use or not available";
            throw new UncheckedIOException(message, new IOException(message));
        }
        return new ObservabilityServer(server);
    }

    /** The bound port (useful when port 0 was asked). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
