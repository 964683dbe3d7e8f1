package io.vectaraft.index;

/** The request itself is wrong (dimension, id, filter, range); nothing was changed. */
public final class InvalidArgumentException extends VectaraftException {
    public InvalidArgumentException(String message) {
        super(message);
    }

    /** The same failure, located: {@code "record[3]: " + message}. */
    public InvalidArgumentException at(String where) {
        return new InvalidArgumentException(where + ": " + getMessage());
    }
}
