package io.vectaraft.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Establishes the {@link Caller} of every call from its metadata and puts it in the gRPC {@link
 * Context}, refusing nothing: it runs first, so that the interceptors after it (metrics, then
 * {@link AuthorizationInterceptor}) see who called, refused calls included.
 */
public final class CallerInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(Authenticator.AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY =
            Metadata.Key.of(Authenticator.API_KEY, Metadata.ASCII_STRING_MARSHALLER);

    private final Authenticator authenticator;

    public CallerInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Caller caller = authenticator.identify(headers.get(AUTHORIZATION), headers.get(API_KEY));
        return Contexts.interceptCall(
                Context.current().withValue(Caller.CONTEXT, caller), call, headers, next);
    }
}
