package io.vectaraft.server.auth;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.vectaraft.index.ClientText;
import io.vectaraft.server.auth.Refusal.Reason;
import io.vectaraft.server.auth.RpcRules.Rule;
import io.vectaraft.server.auth.RpcRules.Target;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.time.Clock;
import java.util.function.Function;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Refuses calls the {@link Caller} (set by {@link CallerInterceptor}) may not make, by the {@link
 * RpcRules} of the method:
 *
 * <ul>
 *   <li>no key or an unknown one: {@code UNAUTHENTICATED} ("missing API key" / "invalid API key"),
 *       at once, before the request is read;
 *   <li>a key whose role does not allow the RPC, or whose collections do not include the one the
 *       request names: {@code PERMISSION_DENIED} naming the key id, the method and the collection,
 *       once the request is read. The answer depends only on the name asked for, never on whether
 *       such a collection exists, so a key learns nothing about collections outside its own.
 * </ul>
 *
 * Every refusal goes to the {@link Refusal.Listener} (audit log and metrics).
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
    static final String MISSING =
            "missing API key (send the metadata \"authorization: Bearer <key>\" or \"api-key:"
                    + " <key>\")";
    static final String INVALID = "invalid API key";

    private final Function<MethodDescriptor<?, ?>, Rule> rules;
    private final Refusal.Listener listener;
    private final Clock clock;

    /**
     * @param rules the rule of each method (e.g. {@link RpcRules#of} by full name, or {@link
     *     RpcRules#ANY_KEY} for reflection)
     */
    public AuthorizationInterceptor(
            Function<MethodDescriptor<?, ?>, Rule> rules, Refusal.Listener listener) {
        this(rules, listener, Clock.systemUTC());
    }

    AuthorizationInterceptor(
            Function<MethodDescriptor<?, ?>, Rule> rules, Refusal.Listener listener, Clock clock) {
        this.rules = rules;
        this.listener = listener;
        this.clock = clock;
    }

    /** For the VectorService: the role table. */
    public static AuthorizationInterceptor forVectorService(Refusal.Listener listener) {
        return new AuthorizationInterceptor(m -> RpcRules.of(m.getFullMethodName()), listener);
    }

    /** For services that need a key but no role (reflection). */
    public static AuthorizationInterceptor anyKey(Refusal.Listener listener) {
        return new AuthorizationInterceptor(m -> RpcRules.ANY_KEY, listener);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Caller caller = Caller.current();
        if (!caller.admitted()) {
            boolean missing = caller.state() == Caller.State.MISSING;
            refuse(
                    call,
                    caller,
                    "",
                    Status.UNAUTHENTICATED.withDescription(missing ? MISSING : INVALID),
                    missing ? Reason.MISSING_KEY : Reason.INVALID_KEY);
            return new ServerCall.Listener<>() {};
        }
        if (caller.state() == Caller.State.UNRESTRICTED) {
            return next.startCall(call, headers);
        }
        Rule rule = rules.apply(call.getMethodDescriptor());
        if (rule.target() != Target.COLLECTION) {
            String denial = denial(caller, call.getMethodDescriptor(), rule, "");
            if (denial != null) {
                refuse(
                        call,
                        caller,
                        "",
                        Status.PERMISSION_DENIED.withDescription(denial),
                        reason(caller, rule));
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
        return new CollectionCheck<>(next.startCall(call, headers), call, caller, rule);
    }

    /**
     * Checks the collection of a request once it is read; a refused call's request never reaches
     * the service. gRPC delivers one listener event at a time, so {@code refused} needs no lock.
     */
    private final class CollectionCheck<Q, R> extends SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final Caller caller;
        private final Rule rule;
        private boolean refused;

        CollectionCheck(
                ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Caller caller, Rule rule) {
            super(delegate);
            this.call = call;
            this.caller = caller;
            this.rule = rule;
        }

        @Override
        public void onMessage(Q message) {
            if (refused) {
                return;
            }
            String collection = rule.collectionOf(message);
            String denial = denial(caller, call.getMethodDescriptor(), rule, collection);
            if (denial == null) {
                super.onMessage(message);
                return;
            }
            refused = true;
            refuse(
                    call,
                    caller,
                    collection,
                    Status.PERMISSION_DENIED.withDescription(denial),
                    reason(caller, rule));
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                super.onHalfClose();
            }
        }
    }

    /** Why the caller may not make this call, or null if it may. */
    private static String denial(
            Caller caller, MethodDescriptor<?, ?> method, Rule rule, String collection) {
        ApiKey key = caller.key();
        String name = method.getBareMethodName();
        String on = collection.isEmpty() ? "" : " on collection " + ClientText.quote(collection);
        if (!key.role().allows(rule.access())) {
            return "key \""
                    + key.id()
                    + "\" ("
                    + key.role()
                    + ") may not call "
                    + name
                    + on
                    + ": "
                    + name
                    + " needs the "
                    + (rule.access() == Access.WRITE ? "read-write" : "admin")
                    + " role";
        }
        return switch (rule.target()) {
            case NONE, LISTING -> null;
            case SERVER ->
                    caller.seesAll()
                            ? null
                            : "key \""
                                    + key.id()
                                    + "\" may not call "
                                    + name
                                    + ": it covers every collection and the key is limited to "
                                    + key.scope();
            // An empty name goes on to the service, which rejects it as INVALID_ARGUMENT.
            case COLLECTION ->
                    collection.isEmpty() || caller.sees(collection)
                            ? null
                            : "key \""
                                    + key.id()
                                    + "\" may not call "
                                    + name
                                    + on
                                    + ": the key is limited to "
                                    + key.scope();
        };
    }

    private static Reason reason(Caller caller, Rule rule) {
        return caller.key().role().allows(rule.access()) ? Reason.SCOPE : Reason.ROLE;
    }

    private void refuse(
            ServerCall<?, ?> call, Caller caller, String collection, Status status, Reason reason) {
        // Audited before the client hears of it: a refusal the client saw is always on record.
        listener.refused(
                new Refusal(
                        clock.instant(),
                        peer(call),
                        caller.keyLabel(),
                        call.getMethodDescriptor().getFullMethodName(),
                        collection,
                        status.getCode(),
                        reason));
        call.close(status, new Metadata());
    }

    /** {@code host:port}, and the certificate subject when the client presented one. */
    static String peer(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String address =
                remote instanceof InetSocketAddress inet
                        ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                        : String.valueOf(remote);
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (tls != null) {
            try {
                Principal subject = tls.getPeerPrincipal();
                return address + " cert=" + ClientText.quote(subject.getName());
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate
            }
        }
        return address;
    }
}
