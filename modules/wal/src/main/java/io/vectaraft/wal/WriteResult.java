package io.vectaraft.wal;

/**
 * What a write did.
 *
 * @param count records upserted or deleted (0 for creating or dropping a collection)
 * @param lsn the log sequence number of the write: once the log has applied this far, the write is
 *     visible. A write that logged nothing (an idempotent create, a delete that matched nothing)
 *     reports the last sequence number at the time, which covers whatever it found. 0 without a log
 */
public record WriteResult(int count, long lsn) {}
