package io.vectaraft.index;

/**
 * The request is well-formed but the server is not in a state that allows it (e.g. a snapshot of a
 * server that runs without a write-ahead log); retrying does not help until that changes.
 */
public final class PreconditionException extends VectaraftException {
    public PreconditionException(String message) {
        super(message);
    }
}
