package io.vectaraft.server.observe;

import io.grpc.Status;

/** Where {@link GrpcMetricsInterceptor} reports each finished gRPC call. Thread-safe. */
interface CallRecorder {
    void record(String method, Status.Code code, long nanos);
}
