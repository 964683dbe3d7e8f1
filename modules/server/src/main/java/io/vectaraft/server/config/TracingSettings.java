package io.vectaraft.server.config;

import java.net.URI;
import java.util.Optional;

/**
 * OpenTelemetry tracing: off unless an OTLP endpoint is set.
 *
 * @param endpoint the collector, e.g. {@code http://127.0.0.1:4318} (HTTP) or {@code :4317} (gRPC)
 * @param protocol how spans travel to it
 * @param sampleRatio the fraction of new traces recorded; a caller's sampled {@code traceparent} is
 *     always followed
 */
public record TracingSettings(Optional<URI> endpoint, Protocol protocol, double sampleRatio) {
    /** OTLP transports. */
    public enum Protocol {
        GRPC,
        HTTP_PROTOBUF;

        static Protocol parse(String value) {
            return value.equals("grpc") ? GRPC : HTTP_PROTOBUF;
        }
    }

    /** Tracing off. */
    public static TracingSettings off() {
        return new TracingSettings(Optional.empty(), Protocol.HTTP_PROTOBUF, 1.0);
    }

    public boolean enabled() {
        return endpoint.isPresent();
    }
}
