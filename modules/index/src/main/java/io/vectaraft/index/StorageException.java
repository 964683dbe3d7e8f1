package io.vectaraft.index;

/**
 * Durable storage failed (disk full, read-only file, broken log). The operation that raised it was
 * not applied. Subclassed by the storage layer.
 */
public non-sealed class StorageException extends VectaraftException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
