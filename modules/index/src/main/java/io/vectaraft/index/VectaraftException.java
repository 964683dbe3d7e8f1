package io.vectaraft.index;

/**
 * A failure whose message is meant for the client: it says what was wrong and where, never carries
 * vector contents, and is mapped to one status code by the transport.
 */
public abstract sealed class VectaraftException extends RuntimeException
        permits InvalidArgumentException,
                CollectionNotFoundException,
                CollectionConflictException,
                PreconditionException,
                StorageException,
                FieldIndexConflictException,
                FieldIndexNotFoundException {

    protected VectaraftException(String message) {
        super(message);
    }

    protected VectaraftException(String message, Throwable cause) {
        super(message, cause);
    }
}
