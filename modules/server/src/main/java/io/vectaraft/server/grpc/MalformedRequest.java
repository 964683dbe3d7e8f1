package io.vectaraft.server.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;

/** What a client is told about a request that does not parse. */
final class MalformedRequest {
    /**
     * Message levels protobuf's parser reads before it gives up (its {@code CodedInputStream}
     * default, which grpc-java keeps). A filter's {@code not} is one level, {@code and}/{@code or}
     * two; {@link FilterTranslator#MAX_DEPTH} stays well below.
     */
    static final int PROTOBUF_RECURSION_LIMIT = 100;

    private MalformedRequest() {}

    /**
     * E.g. "request: expected a vectaraft.v1.QueryRequest message, got bytes that do not parse".
     */
    static String describe(MethodDescriptor<?, ?> method, Throwable failure) {
        InvalidProtocolBufferException cause = protobufCause(failure);
        String reason = cause == null ? null : cause.getMessage();
        if (reason != null && reason.contains("too many levels of nesting")) {
            return "request: expected at most "
                    + PROTOBUF_RECURSION_LIMIT
                    + " levels of nested messages, got more (filters may nest at most "
                    + FilterTranslator.MAX_DEPTH
                    + " levels)";
        }
        return "request: expected a "
                + requestType(method)
                + " message, got bytes that do not parse"
                + (reason == null ? "" : " (" + firstSentence(reason) + ")");
    }

    private static InvalidProtocolBufferException protobufCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException e) {
                return e;
            }
        }
        return null;
    }

    private static String requestType(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                && p.getMessagePrototype() instanceof Message m) {
            return m.getDescriptorForType().getFullName();
        }
        return method.getBareMethodName() + " request";
    }

    /**
     * Protobuf's messages run on with advice for the server's author; the client needs the fact.
     */
    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        String first = end < 0 ? text : text.substring(0, end);
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }
}
