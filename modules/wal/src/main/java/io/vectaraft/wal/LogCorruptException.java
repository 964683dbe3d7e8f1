package io.vectaraft.wal;

import io.vectaraft.index.StorageException;

/**
 * Recovery found a log or snapshot it cannot use: corruption before the log's tail, a gap in the
 * sequence numbers, or an unknown format version. The message names the file and byte offset.
 */
public class LogCorruptException extends StorageException {
    public LogCorruptException(String message) {
        super(message);
    }

    public LogCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
