package io.vectaraft.wal;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import java.nio.file.Path;
import java.util.List;

/**
 * What the server writes to and reads from: a standalone {@link StorageEngine} (its own log), or a
 * replica of a Raft group (the cluster module). Every mutation goes through one of these and is
 * acknowledged once it is durable and visible here; {@link WriteResult#lsn()} is its place in the
 * log, increasing.
 */
public interface Store extends AutoCloseable {

    /** The collections, read-only. */
    Database database();

    /** Whether writes are accepted now. */
    boolean writable();

    /** Counters and sizes of the log, for metrics and health checks. */
    StorageStats stats();

    /** Creates a collection (idempotent for identical parameters). */
    CollectionCreated createCollection(CollectionSpec spec);

    /** Deletes a collection and its records. */
    WriteResult dropCollection(String name);

    /** Inserts or replaces a batch, all or nothing; the count is the number of records. */
    WriteResult upsert(String collection, List<VectorRecord> records);

    /** Deletes records by id; the count is how many existed. */
    WriteResult delete(String collection, List<String> ids);

    /** Deletes the records matching a filter; the count is how many there were. */
    WriteResult deleteMatching(String collection, Filter filter);

    /**
     * Changes the metadata of the records with these ids, or of those matching {@code filter} when
     * it is not null (then {@code ids} is ignored), all or nothing; vectors are untouched. The
     * count is how many records were updated.
     */
    WriteResult updateMetadata(
            String collection, List<String> ids, Filter filter, MetadataPatch patch);

    /**
     * Creates an alias of a collection (idempotent when it exists with the same target).
     *
     * @throws io.vectaraft.index.CollectionNotFoundException when the collection does not exist
     * @throws io.vectaraft.index.CollectionConflictException when the name is a collection or an
     *     alias of another collection
     */
    WriteResult createAlias(String alias, String collection);

    /** Points an existing alias at another collection in one step. */
    WriteResult switchAlias(String alias, String collection);

    /**
     * Removes an alias (its collection stays).
     *
     * @throws io.vectaraft.index.CollectionNotFoundException when there is no such alias
     */
    WriteResult deleteAlias(String alias);

    /**
     * Replaces every collection and alias with a snapshot file's, durably, or refuses and changes
     * nothing.
     *
     * @throws io.vectaraft.index.InvalidArgumentException when the file is missing, damaged or not
     *     a snapshot, naming the reason
     * @throws io.vectaraft.index.PreconditionException where a restore cannot go through safely
     */
    SnapshotFile restore(Path file);

    /**
     * Creates a field index, logged like any write and built over the present records in the
     * background.
     *
     * @throws io.vectaraft.index.FieldIndexConflictException when the key has an index already
     */
    WriteResult createFieldIndex(String collection, FieldIndexSpec index);

    /**
     * Removes a field index.
     *
     * @throws io.vectaraft.index.FieldIndexNotFoundException when the key has none
     */
    WriteResult deleteFieldIndex(String collection, String key);

    /** Writes a snapshot now. */
    SnapshotFile snapshot();

    /** The snapshots on disk, newest first. */
    List<SnapshotFile> snapshots();

    /**
     * Waits until a read on this node may run with the freshness asked: with {@code linearizable},
     * until it reflects every write acknowledged before this call, by any node; and until it has
     * applied log position {@code minLsn} (0: any). A standalone store has nothing to wait for.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which to give up
     * @throws io.vectaraft.index.StorageException (UNAVAILABLE) when that cannot be had in time
     */
    default void awaitFresh(boolean linearizable, long minLsn, long deadlineNanos) {}

    /** Reports the stages of each write (tracing); a store without stages of its own ignores it. */
    default void observeWrites(WriteObserver observer) {}

    /** Releases the log; writes after close fail. */
    @Override
    void close();
}
