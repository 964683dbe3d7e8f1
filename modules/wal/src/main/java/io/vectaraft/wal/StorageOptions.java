package io.vectaraft.wal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how a {@link StorageEngine} keeps its data. {@code walPath} is the active log file (its
 * segments sit beside it); snapshots go to {@code snapshotDir}. The log is rotated into a new
 * segment, and a snapshot is taken, once it passes {@code snapshotThresholdBytes}.
 */
public record StorageOptions(
        Path walPath,
        Path snapshotDir,
        FsyncPolicy fsync,
        Duration fsyncInterval,
        long snapshotThresholdBytes,
        RecoveryMode recovery) {

    /** What recovery does with a corrupt entry before the log's tail. */
    public enum RecoveryMode {
        /** Refuse to start, naming the file and byte offset. */
        STRICT,
        /** Keep the valid prefix, drop the rest, and say how much was dropped. */
        TRUNCATE
    }

    /**
     * Where {@code on_disk} collections map their vector files: {@code vectors/} beside the log.
     * The files are caches rebuilt from the snapshot and the log at every start.
     */
    public Path vectorDir() {
        return walPath.toAbsolutePath().resolveSibling("vectors");
    }

    public static StorageOptions defaults(Path walPath) {
        return new StorageOptions(
                walPath,
                walPath.resolveSibling("snapshots"),
                FsyncPolicy.ALWAYS,
                Duration.ofMillis(10),
                256L << 20,
                RecoveryMode.STRICT);
    }
}
