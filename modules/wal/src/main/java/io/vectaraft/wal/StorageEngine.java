package io.vectaraft.wal;

import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.UpsertBatch;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.log.EntryCodec;
import io.vectaraft.wal.log.LogChannelFactory;
import io.vectaraft.wal.log.LogEntry;
import io.vectaraft.wal.log.LogWriter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The front door for every mutation: validates it against the index, appends it to the log, waits
 * until it is durable under the fsync policy, and applies it to the index. Reads go straight to
 * {@link #database()}.
 *
 * <p>Thread-safe. Mutations of one collection are logged in the order they are applied, so replay
 * reproduces the same state.
 *
 * <p><b>Write path.</b> Under the collection's order lock: append the entry (upserts as received;
 * deletes by filter as the resolved ids) and take a ticket. Then, holding only the shared structure
 * lock, wait for the entry to be durable, so concurrent writers, to one collection or many, share
 * one fsync (group commit). Then apply, strictly in ticket (= log) order per collection. When
 * nothing is waited for (no log, or a policy other than {@code always}), the entry is applied under
 * the order lock right after its append. Creating and dropping collections, and the cut of a
 * snapshot, take the structure lock exclusively and so wait for in-flight mutations.
 *
 * <p><b>Visibility and durability.</b> A mutation becomes visible to readers only after it is
 * durable under the policy (with {@link FsyncPolicy#ALWAYS}: after the fsync), and before it is
 * acknowledged. So a reader never sees a write that a crash could take back, and an acknowledged
 * write is always visible. A write that fails (I/O error on append, or a failed fsync) is never
 * applied; after a failed append nothing of it stays in the log, after a failed fsync the entry may
 * survive in the file, unacknowledged, and the log refuses all further writes (reads go on). A
 * delete by filter first waits for the collection's in-flight writes to be applied, so it sees
 * every write logged before it.
 *
 * <p><b>Snapshots.</b> When the active log passes {@link StorageOptions#snapshotThresholdBytes()},
 * a background snapshot rotates the log and writes every collection; segments it covers are then
 * deleted. Only creating and dropping collections waits for a snapshot; upserts and deletes go on
 * ({@code Snapshotter} explains why a snapshot taken under writes still replays exactly).
 */
public final class StorageEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StorageEngine.class.getName());

    private final Database database;
    private final StorageOptions options;
    private final LogWriter log;
    private final Map<String, WriteSequencer> sequencers = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private final Snapshotter snapshotter;
    private final AtomicBoolean closed = new AtomicBoolean();

    StorageEngine(Database database, StorageOptions options, LogWriter log) {
        this.database = database;
        this.options = options;
        this.log = log;
        for (VectorCollection c : database.list()) {
            sequencers.put(c.spec().name(), new WriteSequencer(c));
        }
        this.snapshotter = log == null ? null : new Snapshotter(database, options, log, structure);
    }

    /** A store without a log: nothing survives a restart. */
    public static StorageEngine inMemory() {
        return new StorageEngine(new Database(), null, null);
    }

    /**
     * Opens (creating if needed) the log and snapshots and recovers the state they hold.
     *
     * @throws LogCorruptException when the log is damaged before its tail (in STRICT mode) or of an
     *     unknown version; the message names the file and byte offset
     */
    public static StorageEngine open(StorageOptions options) {
        return open(options, LogChannelFactory.files());
    }

    /** {@link #open(StorageOptions)} with injected log channels (fault-injection tests). */
    static StorageEngine open(StorageOptions options, LogChannelFactory channels) {
        try {
            return Recovery.recover(options, channels);
        } catch (IOException e) {
            throw new LogWriteException(
                    "opening wal " + options.walPath() + " failed: " + e.getMessage(), e);
        }
    }

    /** The collections, for reads. Do not mutate them directly: go through the store. */
    public Database database() {
        return database;
    }

    /** Whether the store accepts writes (false after a failed fsync, or without a log: true). */
    public boolean writable() {
        return log == null || log.healthy();
    }

    /** The sequence number of the last logged mutation (0 without a log or before any). */
    public long lastSequence() {
        return log == null ? 0 : log.lastSeq();
    }

    /** Counters and sizes of the log, for metrics and health checks. */
    public StorageStats stats() {
        if (log == null) {
            return new StorageStats(false, true, 0, 0, 0, 0, 0);
        }
        return new StorageStats(
                true,
                log.healthy(),
                log.lastSeq(),
                log.activeBytes(),
                log.sealed().size(),
                log.forces(),
                log.forceNanos());
    }

    /** Creates a collection (idempotent for identical parameters: then nothing is logged). */
    public VectorCollection createCollection(CollectionSpec spec) {
        structure.writeLock().lock();
        try {
            Optional<VectorCollection> existing = database.find(spec.name());
            if (existing.isPresent()) {
                if (existing.get().spec().equals(spec)) {
                    return existing.get();
                }
                throw new CollectionConflictException(existing.get().spec(), spec);
            }
            logDurably(new LogEntry.Create(spec));
            VectorCollection c = database.create(spec);
            sequencers.put(spec.name(), new WriteSequencer(c));
            return c;
        } finally {
            structure.writeLock().unlock();
        }
        // No snapshot check: creating a collection adds a few bytes to the log.
    }

    /** Deletes a collection and its records. */
    public void dropCollection(String name) {
        structure.writeLock().lock();
        try {
            database.get(name);
            logDurably(new LogEntry.Drop(name));
            database.drop(name);
            sequencers.remove(name);
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** Inserts or replaces a batch, all or nothing; returns the number of records. */
    public int upsert(String collection, List<VectorRecord> records) {
        int n;
        structure.readLock().lock();
        try {
            WriteSequencer sequencer = sequencer(collection);
            UpsertBatch batch = sequencer.collection.prepareUpsert(records);
            byte[] payload = encode(new LogEntry.Upsert(collection, records));
            sequencer.order.lock();
            n =
                    mutate(
                            sequencer,
                            payload,
                            () -> {
                                sequencer.collection.apply(batch);
                                return batch.size();
                            });
        } finally {
            structure.readLock().unlock();
        }
        maybeSnapshot();
        return n;
    }

    /** Deletes records by id; returns how many existed. */
    public int delete(String collection, List<String> ids) {
        int n;
        structure.readLock().lock();
        try {
            WriteSequencer sequencer = sequencer(collection);
            if (ids.isEmpty()) {
                return 0;
            }
            List<String> copy = List.copyOf(ids);
            byte[] payload = encode(new LogEntry.Delete(collection, copy));
            sequencer.order.lock();
            n = mutate(sequencer, payload, () -> sequencer.collection.delete(copy));
        } finally {
            structure.readLock().unlock();
        }
        maybeSnapshot();
        return n;
    }

    /** Deletes the records matching a filter; returns how many there were. */
    public int deleteMatching(String collection, Filter filter) {
        int n;
        structure.readLock().lock();
        try {
            WriteSequencer sequencer = sequencer(collection);
            sequencer.order.lock();
            List<String> ids;
            byte[] payload;
            try {
                sequencer.drain();
                ids = sequencer.collection.idsMatching(filter);
                payload = ids.isEmpty() ? null : encode(new LogEntry.Delete(collection, ids));
            } catch (RuntimeException e) {
                sequencer.order.unlock();
                throw e;
            }
            if (ids.isEmpty()) {
                sequencer.order.unlock();
                return 0;
            }
            n = mutate(sequencer, payload, () -> sequencer.collection.delete(ids));
        } finally {
            structure.readLock().unlock();
        }
        maybeSnapshot();
        return n;
    }

    /**
     * Appends (if there is a log), takes a ticket, releases the sequencer's order lock (held on
     * entry), waits for durability with no lock held, then applies in ticket order.
     */
    private <T> T mutate(WriteSequencer sequencer, byte[] payload, Supplier<T> apply) {
        if (log == null || !log.waitsForForce()) {
            return appendAndApply(sequencer, payload, apply);
        }
        long seq;
        long ticket;
        try {
            seq = log == null ? 0 : log.append(payload);
            ticket = sequencer.issue();
        } finally {
            sequencer.order.unlock();
        }
        if (log != null) {
            boolean durable = false;
            try {
                log.awaitDurable(seq);
                durable = true;
            } finally {
                if (!durable) {
                    sequencer.skip(ticket);
                }
            }
        }
        return sequencer.applyInTurn(ticket, apply);
    }

    /**
     * The path when no fsync separates append from apply (no log, or the {@code none} and {@code
     * interval} policies): both under the order lock, with no ticket hand-off. With many writers on
     * few cores a hand-off stalls every later ticket whenever the thread holding the next one is
     * descheduled; memory-only, 16 writers of single 768-d vectors were 5x slower than one.
     */
    private <T> T appendAndApply(WriteSequencer sequencer, byte[] payload, Supplier<T> apply) {
        try {
            if (log != null) {
                log.append(payload);
            }
            return apply.get();
        } finally {
            sequencer.order.unlock();
        }
    }

    private void logDurably(LogEntry entry) {
        if (log != null) {
            log.awaitDurable(log.append(EntryCodec.encode(entry)));
        }
    }

    private byte[] encode(LogEntry entry) {
        return log == null ? null : EntryCodec.encode(entry);
    }

    private WriteSequencer sequencer(String collection) {
        WriteSequencer sequencer = sequencers.get(collection);
        if (sequencer == null) {
            throw new CollectionNotFoundException(collection);
        }
        return sequencer;
    }

    private void maybeSnapshot() {
        if (snapshotter != null && !closed.get()) {
            snapshotter.startIfDue();
        }
    }

    /** Writes a snapshot of every collection now and removes the log segments it covers. */
    public SnapshotFile snapshot() {
        if (snapshotter == null) {
            throw new IllegalStateException("snapshot: expected a store with a log, got in-memory");
        }
        return snapshotter.take();
    }

    /** Simulates a process kill: stops without snapshot or fsync (crash tests). */
    void abandon() {
        if (log != null && closed.compareAndSet(false, true)) {
            snapshotter.stop(true);
            log.abandon();
        }
    }

    /** Waits until a background snapshot started so far has finished (tests). */
    void awaitBackgroundSnapshot() throws Exception {
        snapshotter.awaitIdle();
    }

    /** The snapshots on disk, newest first. */
    public List<SnapshotFile> snapshots() {
        return snapshotter == null ? List.of() : snapshotter.list();
    }

    /**
     * Flushes and closes the log, taking a snapshot first (graceful shutdown makes the next start
     * fast). Mutations after close fail with {@link LogWriteException}.
     */
    @Override
    public void close() {
        if (log == null || !closed.compareAndSet(false, true)) {
            return;
        }
        snapshotter.stop(false);
        if (log.healthy()) {
            try {
                snapshot();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "snapshot on close failed; the log still has everything", e);
            }
        }
        log.close();
    }
}
