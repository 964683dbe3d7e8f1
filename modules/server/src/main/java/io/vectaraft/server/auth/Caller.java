package io.vectaraft.server.auth;

import io.grpc.Context;

/**
 * Who is calling, as the server established it from the call's API key: put in the gRPC {@link
 * Context} by {@link CallerInterceptor}, read by authorization, metrics and the service (which
 * lists only the collections a caller {@link #sees}).
 *
 * @param state how the call authenticated
 * @param key the key, when {@link State#AUTHENTICATED}
 */
public record Caller(State state, ApiKey key) {
    /** Keys are off: every caller may do everything. */
    public static final Caller UNRESTRICTED = new Caller(State.UNRESTRICTED, null);

    public static final Caller MISSING = new Caller(State.MISSING, null);
    public static final Caller INVALID = new Caller(State.INVALID, null);

    /** The label of calls without a valid key in logs and metrics. */
    public static final String NO_KEY = "none";

    static final Context.Key<Caller> CONTEXT = Context.key("vectaraft.caller");

    /** How a call authenticated. */
    public enum State {
        /** Keys are off. */
        UNRESTRICTED,
        /** Keys are on and the call sent none. */
        MISSING,
        /** Keys are on and the call sent one the server does not know. */
        INVALID,
        /** A known key. */
        AUTHENTICATED
    }

    public static Caller of(ApiKey key) {
        return new Caller(State.AUTHENTICATED, key);
    }

    /** The caller of the gRPC call running on this thread ({@link #UNRESTRICTED} if none set). */
    public static Caller current() {
        Caller c = CONTEXT.get();
        return c == null ? UNRESTRICTED : c;
    }

    /** Whether the caller may go further than authentication. */
    public boolean admitted() {
        return state == State.UNRESTRICTED || state == State.AUTHENTICATED;
    }

    /** Whether the caller may see and touch the collection named {@code collection}. */
    public boolean sees(String collection) {
        return switch (state) {
            case UNRESTRICTED -> true;
            case AUTHENTICATED -> key.scope().permits(collection);
            case MISSING, INVALID -> false;
        };
    }

    /** Whether the caller may see every collection (server-wide RPCs and endpoints). */
    public boolean seesAll() {
        return state == State.UNRESTRICTED || (state == State.AUTHENTICATED && key.scope().all());
    }

    /** The key id for logs and metric labels, or {@value #NO_KEY}. */
    public String keyLabel() {
        return state == State.AUTHENTICATED ? key.id() : NO_KEY;
    }
}
