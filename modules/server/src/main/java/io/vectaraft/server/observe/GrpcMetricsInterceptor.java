package io.vectaraft.server.observe;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.vectaraft.server.auth.Caller;

/**
 * Times every gRPC call from its start to its close and reports method, status code and duration to
 * a {@link CallRecorder} ({@link GrpcCallMeters} turns them into meters). With keys on, also the
 * caller's key id, which the {@code CallerInterceptor} running before this one established.
 */
final class GrpcMetricsInterceptor implements ServerInterceptor {
    private final CallRecorder recorder;
    private final boolean keyLabel;

    GrpcMetricsInterceptor(CallRecorder recorder, boolean keyLabel) {
        this.recorder = recorder;
        this.keyLabel = keyLabel;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        String key = keyLabel ? Caller.current().keyLabel() : null;
        return next.startCall(
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        recorder.record(method, status.getCode(), key, System.nanoTime() - start);
                        super.close(status, trailers);
                    }
                },
                headers);
    }
}
