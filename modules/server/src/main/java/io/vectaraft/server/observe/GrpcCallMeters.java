package io.vectaraft.server.observe;

import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.List;

/**
 * Counts every gRPC call by method and status code, and by key id when API keys are on ({@code
 * vectaraft_grpc_requests_total}: the ids are the operator's, so the label stays bounded), and
 * records its latency by method ({@code vectaraft_grpc_request_duration_seconds}, a histogram from
 * 50 µs to 10 s).
 */
final class GrpcCallMeters implements CallRecorder {
    static final String REQUESTS = "vectaraft_grpc_requests";
    static final String DURATION = "vectaraft_grpc_request_duration";

    private static final Duration[] BUCKETS = {
        Duration.ofNanos(50_000),
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofNanos(2_500_000),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofNanos(2_500_000_000L),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final MeterRegistry registry;

    GrpcCallMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(String method, Status.Code code, String key, long nanos) {
        List<Tag> tags =
                key == null
                        ? List.of(Tag.create("method", method), Tag.create("code", code.name()))
                        : List.of(
                                Tag.create("method", method),
                                Tag.create("code", code.name()),
                                Tag.create("key", key));
        registry.getOrCreate(
                        Counter.builder(REQUESTS)
                                .description(
                                        "gRPC requests by method and status code (and API key id"
                                                + " when keys are on)")
                                .tags(tags))
                .increment();
        registry.getOrCreate(
                        Timer.builder(DURATION)
                                .description("gRPC request latency by method")
                                .tags(List.of(Tag.create("method", method)))
                                .buckets(BUCKETS)
                                // Helidon adds default percentiles otherwise; quantile labels
                                // on a histogram fail promtool's lint.
                                .percentiles(new double[0]))
                .record(Duration.ofNanos(nanos));
    }
}
