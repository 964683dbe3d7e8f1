package io.vectaraft.cluster;

/**
 * A membership request names a node that is not a member ({@link Reason#NOT_MEMBER}) or adds one
 * that is, or whose address another member has ({@link Reason#ALREADY_MEMBER}). The message says
 * which; the server maps the reason to NOT_FOUND or ALREADY_EXISTS.
 */
public final class MembershipException extends RuntimeException {
    /** What was wrong with the node named. */
    public enum Reason {
        NOT_MEMBER,
        ALREADY_MEMBER
    }

    private final Reason reason;

    MembershipException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
