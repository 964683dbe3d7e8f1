package io.vectaraft.server.auth;

import io.grpc.Status;
import java.time.Instant;

/**
 * One call or HTTP request refused for want of a key or of a right.
 *
 * @param time when it was refused
 * @param peer the client's address (and certificate subject under mutual TLS)
 * @param key the key id, or {@value Caller#NO_KEY}
 * @param method the full gRPC method name, or the HTTP method and path
 * @param collection the collection the request named, or "" when not read (unauthenticated calls
 *     are refused before their request is read)
 * @param status UNAUTHENTICATED or PERMISSION_DENIED
 * @param reason why, as the {@code reason} label of {@code vectaraft_auth_failures_total}
 */
public record Refusal(
        Instant time,
        String peer,
        String key,
        String method,
        String collection,
        Status.Code status,
        Reason reason) {

    /** Why a request was refused. */
    public enum Reason {
        /** No key sent. */
        MISSING_KEY("missing_key"),
        /** A key the server does not know. */
        INVALID_KEY("invalid_key"),
        /** The key's role does not allow the RPC. */
        ROLE("role"),
        /** The collection (or every collection) is outside the key's collections. */
        SCOPE("scope");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where refusals are reported (the audit log, the metrics). Thread-safe. */
    public interface Listener {
        void refused(Refusal refusal);
    }
}
