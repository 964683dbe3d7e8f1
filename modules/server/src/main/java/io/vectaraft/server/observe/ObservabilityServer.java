package io.vectaraft.server.observe;

import io.helidon.common.tls.Tls;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.vectaraft.server.config.HostPort;
import io.vectaraft.server.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

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
        return start(address, metrics, readiness, Optional.empty(), Optional.empty());
    }

    /**
     * @param auth the API-key filter, when keys are on (it covers every route, observers included)
     * @param tls HTTPS with this context, else plain HTTP
     */
    public static ObservabilityServer start(
            HostPort address,
            ServerMetrics metrics,
            Readiness readiness,
            Optional<Filter> auth,
            Optional<SSLContext> tls) {
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
        WebServerConfig.Builder builder =
                WebServer.builder()
                        .host(address.host())
                        .port(address.port())
                        .shutdownHook(false)
                        .addFeature(observe);
        auth.ifPresent(filter -> builder.routing(r -> r.addFilter(filter)));
        tls.ifPresent(
                context ->
                        builder.tls(
                                Tls.builder()
                                        .sslContext(context)
                                        .enabledProtocols(ServerTls.PROTOCOLS)
                                        .build()));
        WebServer server = builder.build();
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
