package io.vectaraft.server.trace;

import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vectaraft.server.config.TracingSettings;
import io.vectaraft.wal.WriteObserver;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The server's OpenTelemetry tracing: one SERVER span per RPC (continuing a caller's W3C {@code
 * traceparent}), with child spans for the log append, the fsync wait, the index apply and the
 * search. Off by default: then every piece is OpenTelemetry's no-op and costs next to nothing.
 */
public final class Tracing implements AutoCloseable {
    static final String INSTRUMENTATION = "io.vectaraft.server";
    static final int MAX_ATTRIBUTE_CHARS = 256;
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final ContextPropagators propagators;

    private Tracing(SdkTracerProvider provider, Tracer tracer, ContextPropagators propagators) {
        this.provider = provider;
        this.tracer = tracer;
        this.propagators = propagators;
    }

    /** Tracing off. */
    public static Tracing off() {
        OpenTelemetry noop = OpenTelemetry.noop();
        return new Tracing(null, noop.getTracer(INSTRUMENTATION), noop.getPropagators());
    }

    /** Tracing as configured: off, or batches of spans exported over OTLP. */
    public static Tracing from(TracingSettings settings) {
        if (!settings.enabled()) {
            return off();
        }
        SpanExporter exporter = exporter(settings.endpoint().orElseThrow(), settings.protocol());
        return with(BatchSpanProcessor.builder(exporter).build(), settings.sampleRatio());
    }

    /** Every sampled span handed to {@code exporter} as it ends (tests: an in-memory exporter). */
    public static Tracing exportingTo(SpanExporter exporter, double sampleRatio) {
        return with(SimpleSpanProcessor.create(exporter), sampleRatio);
    }

    private static Tracing with(SpanProcessor processor, double sampleRatio) {
        SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.getDefault()
                                        .merge(
                                                Resource.create(
                                                        Attributes.of(SERVICE_NAME, "vectaraft"))))
                        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                        // Attributes may quote client input (a collection name): bounded.
                        .setSpanLimits(
                                SpanLimits.builder()
                                        .setMaxAttributeValueLength(MAX_ATTRIBUTE_CHARS)
                                        .build())
                        .addSpanProcessor(processor)
                        .build();
        return new Tracing(
                provider,
                provider.get(INSTRUMENTATION),
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    }

    private static SpanExporter exporter(URI endpoint, TracingSettings.Protocol protocol) {
        return switch (protocol) {
            case GRPC -> OtlpGrpcSpanExporter.builder().setEndpoint(endpoint.toString()).build();
            case HTTP_PROTOBUF ->
                    OtlpHttpSpanExporter.builder()
                            .setEndpoint(tracesPath(endpoint).toString())
                            .build();
        };
    }

    /** OTLP/HTTP posts to {@code /v1/traces}; an endpoint given without a path means that one. */
    static URI tracesPath(URI endpoint) {
        String path = endpoint.getPath();
        return path == null || path.isEmpty() || path.equals("/")
                ? endpoint.resolve("/v1/traces")
                : endpoint;
    }

    public boolean enabled() {
        return provider != null;
    }

    /** Opens the RPC's span; install it outermost so that refused calls are traced too. */
    public ServerInterceptor interceptor() {
        return new TracingInterceptor(tracer, propagators);
    }

    /** Child spans of the current RPC's span for the stages of a write. */
    public WriteObserver writeObserver() {
        return enabled() ? new WriteSpans(tracer) : WriteObserver.NONE;
    }

    /** For spans of the service's own steps (the search). */
    public Tracer tracer() {
        return tracer;
    }

    /** Exports the spans still buffered, waiting a bounded time. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
