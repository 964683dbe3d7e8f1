package io.vectaraft.wal;

/**
 * A point-in-time view of the store's durability layer, for metrics and health checks.
 *
 * @param logEnabled false for a memory-only store (then the other numbers are zero)
 * @param writable false once the log refuses writes (after a failed fsync or rotation)
 * @param lastSequence the sequence number of the last logged mutation
 * @param activeLogBytes the size of the active log file (a snapshot is due past the threshold)
 * @param sealedSegments sealed log segments not yet covered by a snapshot
 * @param forces group-commit fsyncs of the log so far (fewer than writes under load)
 * @param forceNanos total time spent in those fsyncs
 */
public record StorageStats(
        boolean logEnabled,
        boolean writable,
        long lastSequence,
        long activeLogBytes,
        int sealedSegments,
        long forces,
        long forceNanos) {}
