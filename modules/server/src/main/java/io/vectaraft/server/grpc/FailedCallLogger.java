package io.vectaraft.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.vectaraft.index.ClientText;
import java.lang.System.Logger.Level;

/**
 * Logs one line per failed call: method, status code and description. Descriptions come from {@link
 * StatusMapper} and never contain vector values; they are escaped once more here (one line,
 * bounded) whatever they quote.
 */
public final class FailedCallLogger implements ServerInterceptor {
    /** Descriptions quote client text already cut short; this bounds whatever else they hold. */
    private static final int MAX_DESCRIPTION_CHARS = 1024;

    private static final System.Logger LOG = System.getLogger(FailedCallLogger.class.getName());

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        if (!status.isOk()) {
                            log(call.getMethodDescriptor().getBareMethodName(), status);
                        }
                        super.close(status, trailers);
                    }
                },
                headers);
    }

    /** The line of one failed call (also for calls refused before this interceptor runs). */
    static void log(String method, Status status) {
        LOG.log(
                Level.WARNING,
                "request failed: method={0} status={1} message={2}",
                method,
                status.getCode(),
                ClientText.line(status.getDescription(), MAX_DESCRIPTION_CHARS));
    }
}
