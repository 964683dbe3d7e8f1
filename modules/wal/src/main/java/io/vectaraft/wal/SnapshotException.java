package io.vectaraft.wal;

import io.vectaraft.index.StorageException;

/** Writing a snapshot failed; the log is untouched, so no data was lost. */
public class SnapshotException extends StorageException {
    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
