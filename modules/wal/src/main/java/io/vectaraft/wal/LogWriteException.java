package io.vectaraft.wal;

import io.vectaraft.index.StorageException;

/**
 * Writing or forcing the log failed (disk full, read-only file, failed fsync), or the log refuses
 * writes after an earlier fsync failure. The mutation that raised it was not applied; reads keep
 * working. The message names the file and byte offset.
 */
public class LogWriteException extends StorageException {
    public LogWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
