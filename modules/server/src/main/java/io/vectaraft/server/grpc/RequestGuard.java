package io.vectaraft.server.grpc;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the request of every unary method itself, so that a client's protocol mistakes answer
 * {@code INVALID_ARGUMENT} with a short message: bytes that do not parse as the method's request
 * (nesting past protobuf's recursion limit included), no request, or more than one.
 *
 * <p>Without it, grpc-java (1.73) lets the exception of a failed parse escape the call: the client
 * gets {@code UNKNOWN: Application error processing RPC}, the log a SEVERE stack trace per call,
 * and the half-close that follows is answered "Half-closed without a request". Here the guarded
 * method carries a {@link Parsed} request instead: its marshaller keeps the failure rather than
 * throwing it, and the call's listener closes the call with the status. The methods handed on to
 * the wrapped handler are the original ones, so the interceptors inside see the real request types.
 *
 * <p>Upsert requests are parsed with their packed vectors left in grpc's receive buffers ({@link
 * AliasingParser}): the guard holds those buffers for the call and releases them once the handler
 * has returned from the half-close (unary handlers run the method there, synchronously, and the
 * service translates the vectors into arrays of its own before it returns) or the call ends.
 */
public final class RequestGuard {
    private static final System.Logger LOG = System.getLogger(RequestGuard.class.getName());

    /**
     * Methods whose requests are parsed with aliasing: Upsert, whose packed vectors are nearly all
     * of its bytes. Their handlers must not keep any part of the request past their return.
     */
    private static final Set<String> ALIASED =
            Set.of(VectorServiceGrpc.getUpsertMethod().getFullMethodName());

    private RequestGuard() {}

    /** {@code service} with each unary method's request read by the guard. */
    public static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(original.getName())
                        .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded =
                    m.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY
                            ? guard(m)
                            : m;
            descriptor.addMethod(guarded.getMethodDescriptor());
            methods.add(guarded);
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(
            ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        MethodDescriptor<Parsed<Q>, R> guarded =
                method.toBuilder(
                                new ParsingMarshaller<>(
                                        method.getRequestMarshaller(), aliasingParser(method)),
                                method.getResponseMarshaller())
                        .build();
        ServerCallHandler<Q, R> next = definition.getServerCallHandler();
        return ServerMethodDefinition.create(
                guarded, (call, headers) -> new Listener<>(call, method, next, headers));
    }

    /** The protobuf parser of an {@link #ALIASED} method's requests; null for other methods. */
    @SuppressWarnings("unchecked") // a PrototypeMarshaller<Q>'s prototype is a Q
    private static <Q> Parser<Q> aliasingParser(MethodDescriptor<Q, ?> method) {
        if (ALIASED.contains(method.getFullMethodName())
                && method.getRequestMarshaller() instanceof PrototypeMarshaller<Q> p
                && p.getMessagePrototype() instanceof MessageLite prototype) {
            return (Parser<Q>) prototype.getParserForType();
        }
        return null;
    }

    /**
     * A request as read: the message, or why it could not be parsed; {@code buffers} holds the
     * bytes an aliased message still points into (null when it was copied).
     */
    record Parsed<Q>(Q request, RuntimeException failure, InputStream buffers) {
        /** Gives the aliased bytes back to the transport (once the request is no longer read). */
        void release() {
            if (buffers != null) {
                AliasingParser.release(buffers);
            }
        }
    }

    /**
     * The method's own marshaller, with a parse failure kept rather than thrown; with {@code
     * aliasing} (not null) when the message can be parsed over grpc's buffers.
     */
    private record ParsingMarshaller<Q>(Marshaller<Q> parser, Parser<Q> aliasing)
            implements Marshaller<Parsed<Q>> {
        @Override
        public InputStream stream(Parsed<Q> value) {
            return parser.stream(value.request());
        }

        @Override
        public Parsed<Q> parse(InputStream stream) {
            try {
                AliasingParser.Aliased<Q> aliased =
                        aliasing == null ? null : AliasingParser.parse(stream, aliasing);
                return aliased != null
                        ? new Parsed<>(aliased.message(), null, aliased.buffers())
                        : new Parsed<>(parser.parse(stream), null, null);
            } catch (RuntimeException e) {
                return new Parsed<>(null, e, null);
            }
        }
    }

    /**
     * Hands one parsed request on, or closes the call. gRPC delivers one listener event at a time;
     * {@code closed} is atomic because the wrapped handler may close from elsewhere.
     */
    private static final class Listener<Q, R> extends ServerCall.Listener<Parsed<Q>> {
        private final ServerCall<Parsed<Q>, R> call;
        private final MethodDescriptor<Q, R> method;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ServerCall.Listener<Q> next;
        private boolean received;
        // The request handed on, until the call is done with it (events come one at a time).
        private Parsed<Q> held;

        Listener(
                ServerCall<Parsed<Q>, R> call,
                MethodDescriptor<Q, R> method,
                ServerCallHandler<Q, R> handler,
                Metadata headers) {
            this.call = call;
            this.method = method;
            this.next = handler.startCall(new TypedCall<>(call, method, closed), headers);
        }

        @Override
        public void onMessage(Parsed<Q> message) {
            if (closed.get()) {
                message.release();
                return;
            }
            if (received) {
                message.release();
                reject("expected one request message, got more");
                return;
            }
            received = true;
            if (message.failure() != null) {
                reject(MalformedRequest.describe(method, message.failure()));
                return;
            }
            held = message;
            next.onMessage(message.request());
        }

        @Override
        public void onHalfClose() {
            if (closed.get()) {
                release();
                return;
            }
            if (!received) {
                reject("expected one request message, got none");
                return;
            }
            try {
                next.onHalfClose(); // a unary handler runs the method here and returns after it
            } finally {
                release();
            }
        }

        @Override
        public void onCancel() {
            try {
                next.onCancel();
            } finally {
                release();
            }
        }

        @Override
        public void onComplete() {
            try {
                next.onComplete();
            } finally {
                release();
            }
        }

        /** Releases the request's aliased buffers, if any; the call reads it no more. */
        private void release() {
            Parsed<Q> request = held;
            held = null;
            if (request != null) {
                request.release();
            }
        }

        @Override
        public void onReady() {
            next.onReady();
        }

        private void reject(String description) {
            release();
            if (closed.compareAndSet(false, true)) {
                Status status = Status.INVALID_ARGUMENT.withDescription(description);
                FailedCallLogger.log(method.getBareMethodName(), status);
                call.close(status, new Metadata());
            }
        }
    }

    /**
     * The guarded call as the wrapped handler sees it: the original method, closed at most once.
     */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Parsed<Q>, R> call;
        private final MethodDescriptor<Q, R> method;
        private final AtomicBoolean closed;

        TypedCall(
                ServerCall<Parsed<Q>, R> call,
                MethodDescriptor<Q, R> method,
                AtomicBoolean closed) {
            this.call = call;
            this.method = method;
            this.closed = closed;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (closed.compareAndSet(false, true)) {
                call.close(status, trailers);
            } else {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "{0}: call already closed; dropped status {1}",
                        method.getBareMethodName(),
                        status.getCode());
            }
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }
    }
}
