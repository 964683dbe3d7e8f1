package io.vectaraft.server.trace;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a SERVER span per call, as a child of the caller's W3C {@code traceparent} if it sent one,
 * makes it current while each listener callback runs (so the service's and the log's child spans
 * find it), and ends it with the call's status.
 */
final class TracingInterceptor implements ServerInterceptor {
    /**
     * Server-side statuses that are the server's failure rather than the caller's mistake
     * (OpenTelemetry's gRPC conventions); the others leave the span's status unset.
     */
    private static final Set<Status.Code> SERVER_ERRORS =
            Set.of(
                    Status.Code.UNKNOWN,
                    Status.Code.DEADLINE_EXCEEDED,
                    Status.Code.UNIMPLEMENTED,
                    Status.Code.INTERNAL,
                    Status.Code.UNAVAILABLE,
                    Status.Code.DATA_LOSS);

    private static final TextMapGetter<Metadata> HEADERS =
            new TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Metadata carrier) {
                    return carrier.keys();
                }

                @Override
                public String get(Metadata carrier, String key) {
                    return carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
                            ? null
                            : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                }
            };

    private final Tracer tracer;
    private final ContextPropagators propagators;

    TracingInterceptor(Tracer tracer, ContextPropagators propagators) {
        this.tracer = tracer;
        this.propagators = propagators;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Context parent =
                propagators.getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        Span span =
                tracer.spanBuilder(method)
                        .setParent(parent)
                        .setSpanKind(SpanKind.SERVER)
                        .setAttribute("rpc.system", "grpc")
                        .setAttribute("rpc.service", serviceOf(method))
                        .setAttribute("rpc.method", methodOf(method))
                        .startSpan();
        Context context = parent.with(span);
        SpanEnd end = new SpanEnd(span);
        ServerCall<Q, R> traced =
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        end.with(status);
                        super.close(status, trailers);
                    }
                };
        ServerCall.Listener<Q> delegate =
                context.wrapSupplier(() -> next.startCall(traced, headers)).get();
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                context.wrap(() -> super.onMessage(message)).run();
            }

            @Override
            public void onHalfClose() {
                context.wrap(() -> super.onHalfClose()).run();
            }

            @Override
            public void onCancel() {
                try {
                    context.wrap(super::onCancel).run();
                } finally {
                    end.with(Status.CANCELLED);
                }
            }

            @Override
            public void onComplete() {
                context.wrap(() -> super.onComplete()).run();
            }

            @Override
            public void onReady() {
                context.wrap(() -> super.onReady()).run();
            }
        };
    }

    private static String serviceOf(String fullMethod) {
        int slash = fullMethod.lastIndexOf('/');
        return slash < 0 ? fullMethod : fullMethod.substring(0, slash);
    }

    private static String methodOf(String fullMethod) {
        return fullMethod.substring(fullMethod.lastIndexOf('/') + 1);
    }

    /** Ends the span once, with the first status that reaches it. */
    private static final class SpanEnd {
        private final Span span;
        private final AtomicBoolean ended = new AtomicBoolean();

        SpanEnd(Span span) {
            this.span = span;
        }

        void with(Status status) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            span.setAttribute("rpc.grpc.status_code", status.getCode().value());
            if (SERVER_ERRORS.contains(status.getCode())) {
                // The code only: a description may quote client input.
                span.setStatus(StatusCode.ERROR, status.getCode().name());
            }
            span.end();
        }
    }
}
