package io.vectaraft.server.observe;

import io.grpc.Status;

/** Where {@link GrpcMetricsInterceptor} reports each finished gRPC call. Thread-safe. */
interface CallRecorder {
    /**
     * @param key the caller's key id ({@code none} without a valid key), or null when keys are off
     */
    void record(String method, Status.Code code, String key, long nanos);
}
