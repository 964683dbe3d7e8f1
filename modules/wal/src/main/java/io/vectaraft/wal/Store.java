package io.vectaraft.wal;

import io.vectaraft.index.Collection;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import java.util.List;

/**
 * The front door for every mutation: validates it against the index, appends it to the log, waits
 * until it is durable under the fsync policy, and applies it to the index. Reads go straight to
 * {@link #database()}.
 *
 * <p>Thread-safe. Mutations of one collection are logged in the order they are applied, so replay
 * reproduces the same state.
 */
public final class Store implements AutoCloseable {
    private final Database database;

    private Store(Database database) {
        this.database = database;
    }

    /** A store without a log: nothing survives a restart. */
    public static Store inMemory() {
        return new Store(new Database());
    }

    /** Opens (creating if needed) the log and snapshots and recovers the state they hold. */
    public static Store open(StoreOptions options) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The collections, for reads. Do not mutate them directly: go through the store. */
    public Database database() {
        return database;
    }

    /** Creates a collection (idempotent for identical parameters). */
    public Collection createCollection(CollectionSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Deletes a collection and its records. */
    public void dropCollection(String name) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Inserts or replaces a batch, all or nothing; returns the number of records. */
    public int upsert(String collection, List<VectorRecord> records) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Deletes records by id; returns how many existed. */
    public int delete(String collection, List<String> ids) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Deletes the records matching a filter; returns how many there were. */
    public int deleteMatching(String collection, Filter filter) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Writes a snapshot of every collection now and removes the log segments it covers. */
    public SnapshotInfo snapshot() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The snapshots on disk, newest first. */
    public List<SnapshotInfo> snapshots() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Flushes and closes the log (taking a snapshot on the way when configured). */
    @Override
    public void close() {}
}
