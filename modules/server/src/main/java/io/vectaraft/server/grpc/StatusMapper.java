package io.vectaraft.server.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.vectaraft.cluster.MembershipException;
import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.index.StorageException;
import io.vectaraft.index.VectaraftException;
import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * The one place where failures become gRPC statuses. Domain exceptions carry messages written for
 * the client and pass through; anything else is a bug, reported to the client as INTERNAL with a
 * reference and logged here with its stack trace (which never reaches the client).
 */
public final class StatusMapper {
    private static final System.Logger LOG = System.getLogger(StatusMapper.class.getName());

    private StatusMapper() {}

    public static StatusRuntimeException toStatusException(Throwable failure) {
        return toStatus(failure).asRuntimeException();
    }

    static Status toStatus(Throwable failure) {
        return switch (failure) {
            case StatusRuntimeException e -> e.getStatus();
            case StatusException e -> e.getStatus();
            case VectaraftException e -> domain(e);
            case MembershipException e ->
                    (e.reason() == MembershipException.Reason.NOT_MEMBER
                                    ? Status.NOT_FOUND
                                    : Status.ALREADY_EXISTS)
                            .withDescription(bounded(e.getMessage()));
            default -> internal(failure);
        };
    }

    private static Status domain(VectaraftException e) {
        Status status =
                switch (e) {
                    case InvalidArgumentException x -> Status.INVALID_ARGUMENT;
                    case CollectionNotFoundException x -> Status.NOT_FOUND;
                    case CollectionConflictException x -> Status.ALREADY_EXISTS;
                    case io.vectaraft.index.FieldIndexConflictException x -> Status.ALREADY_EXISTS;
                    case io.vectaraft.index.FieldIndexNotFoundException x -> Status.NOT_FOUND;
                    case PreconditionException x -> Status.FAILED_PRECONDITION;
                    case StorageException x ->
                            outOfSpace(x) ? Status.RESOURCE_EXHAUSTED : Status.UNAVAILABLE;
                };
        return status.withDescription(bounded(e.getMessage()));
    }

    /**
     * Longest description sent. Messages quote client input cut short already; this is the net for
     * one that does not (a file path, say), so that the trailer stays far below the 8 KiB of
     * headers a gRPC client accepts: beyond that the client sees only a reset stream.
     */
    static final int MAX_DESCRIPTION = 1024;

    static String bounded(String message) {
        if (message == null || message.length() <= MAX_DESCRIPTION) {
            return message;
        }
        return message.substring(0, MAX_DESCRIPTION)
                + "... (cut, "
                + message.length()
                + " characters)";
    }

    /** A full disk is the client's to wait out or the operator's to fix, not a transient fault. */
    private static boolean outOfSpace(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String message = c.getMessage();
            if (message != null && message.contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    private static Status internal(Throwable failure) {
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.log(Level.ERROR, "unexpected failure, reference " + reference, failure);
        return Status.INTERNAL.withDescription(
                "internal error (reference " + reference + " in the server log)");
    }
}
