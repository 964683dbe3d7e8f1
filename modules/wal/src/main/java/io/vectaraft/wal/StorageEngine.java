package io.vectaraft.wal;

import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionNotFoundException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.Database;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.PreconditionException;
import io.vectaraft.index.StorageException;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.write.WritableDatabase;
import io.vectaraft.wal.WriteObserver.WriteStage;
import io.vectaraft.wal.log.EntryCodec;
import io.vectaraft.wal.log.LogChannelFactory;
import io.vectaraft.wal.log.LogWriter;
import io.vectaraft.wal.snapshot.SnapshotReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The front door for every mutation: checks it against the index, appends it to the log, waits
 * until it is durable under the fsync policy, and applies it through the {@link MutationApplier}.
 * Reads go to the read-only {@link #database()}.
 *
 * <p>Thread-safe. Mutations of one collection are logged in the order they are applied, so replay
 * reproduces the same state.
 *
 * <p><b>Write path.</b> A write is prepared (validated) and encoded with no lock held. Then, under
 * the collection's order lock ({@link WriteSequencer}), its entry is appended (upserts as received;
 * deletes by filter as the resolved ids). When the policy makes writers wait for an fsync ({@code
 * always}), the writer takes a ticket, leaves the order lock, waits for the entry to be durable
 * holding only the shared structure lock, so concurrent writers, to one collection or many, share
 * one fsync (group commit), then applies strictly in ticket (= log) order per collection. When
 * nothing is waited for (no log, or the {@code none} and {@code interval} policies), the entry is
 * applied under the order lock right after its append. Applying stores the records (an HNSW
 * collection links them into its graph in the background), so neither path waits for graph linking.
 * Creating and dropping collections, alias changes and the cut of a snapshot take the structure
 * lock exclusively and so wait for in-flight mutations; they also hold the catalog lock, which
 * orders them with one another. A snapshot holds the catalog lock only for its cut; while it writes
 * the collections it holds the imaging lock shared, which keeps drops and restores (they release a
 * collection's files) out until it is done.
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
 * deleted. Only dropping collections and restores wait for a snapshot; upserts, deletes, creates
 * and alias changes go on ({@code Snapshotter} explains why a snapshot taken under writes still
 * replays exactly).
 */
public final class StorageEngine implements Store {
    private static final System.Logger LOG = System.getLogger(StorageEngine.class.getName());

    private final WritableDatabase database;
    private final MutationApplier applier;
    private final StorageOptions options;
    private final LogWriter log;
    private final Map<String, WriteSequencer> sequencers = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    // Creates, drops, alias changes, restores and a snapshot's cut hold it (lock order: the imaging
    // lock, the catalog lock, then the structure lock).
    private final ReentrantLock catalog = new ReentrantLock();
    // Shared by a snapshot while it writes collections it listed at its cut; exclusive for drops
    // and restores, which release collections (an on_disk collection's vector file is unmapped).
    private final ReentrantReadWriteLock imaging = new ReentrantReadWriteLock();
    private final Snapshotter snapshotter;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile WriteObserver observer = WriteObserver.NONE;

    StorageEngine(WritableDatabase database, StorageOptions options, LogWriter log) {
        this.database = database;
        this.applier = new MutationApplier(database);
        this.options = options;
        this.log = log;
        for (VectorCollection c : database.list()) {
            sequencers.put(c.spec().name(), new WriteSequencer());
        }
        this.snapshotter =
                log == null
                        ? null
                        : new Snapshotter(database, options, log, structure, catalog, imaging);
    }

    /** A store without a log: nothing survives a restart. */
    public static StorageEngine inMemory() {
        return new StorageEngine(new WritableDatabase(), null, null);
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
        return open(options, channels, null);
    }

    /**
     * {@link #open(StorageOptions)} with graph maintenance on an injected executor (tests that hold
     * it back; null: the default background threads).
     */
    static StorageEngine openWithMaintenance(StorageOptions options, Executor maintenance) {
        return open(options, LogChannelFactory.files(), maintenance);
    }

    private static StorageEngine open(
            StorageOptions options, LogChannelFactory channels, Executor maintenance) {
        try {
            return Recovery.recover(options, channels, maintenance);
        } catch (IOException e) {
            throw new LogWriteException(
                    "opening wal " + options.walPath() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reports the stages of every later write to {@code observer} (the server's tracing); set once,
     * before the engine serves writes.
     */
    @Override
    public void observeWrites(WriteObserver observer) {
        this.observer = observer;
    }

    /** The collections, read-only: every change goes through this engine's log. */
    @Override
    public Database database() {
        return database;
    }

    /** Whether the store accepts writes (false after a failed fsync, or without a log: true). */
    @Override
    public boolean writable() {
        return log == null || log.healthy();
    }

    /** The sequence number of the last logged mutation (0 without a log or before any). */
    public long lastSequence() {
        return log == null ? 0 : log.lastSeq();
    }

    /** Counters and sizes of the log, for metrics and health checks. */
    @Override
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
    @Override
    public CollectionCreated createCollection(CollectionSpec spec) {
        catalog.lock();
        try {
            return create(spec);
        } finally {
            catalog.unlock();
        }
        // No snapshot check: creating a collection adds a few bytes to the log.
    }

    private CollectionCreated create(CollectionSpec spec) {
        structure.writeLock().lock();
        try {
            Optional<VectorCollection> existing = database.find(spec.name());
            if (existing.isPresent()) {
                if (existing.get().spec().equals(spec)) {
                    return new CollectionCreated(existing.get(), lastSequence());
                }
                throw new CollectionConflictException(existing.get().spec(), spec);
            }
            long lsn = logDurably(new Mutation.Create(spec));
            applier.apply(new Mutation.Create(spec));
            sequencers.put(spec.name(), new WriteSequencer());
            return new CollectionCreated(database.get(spec.name()), lsn);
        } finally {
            structure.writeLock().unlock();
        }
    }

    /** Deletes a collection and its records. */
    @Override
    public WriteResult dropCollection(String name) {
        imaging.writeLock().lock();
        try {
            catalog.lock();
            try {
                return drop(name);
            } finally {
                catalog.unlock();
            }
        } finally {
            imaging.writeLock().unlock();
        }
    }

    private WriteResult drop(String name) {
        structure.writeLock().lock();
        try {
            database.get(name);
            long lsn = logDurably(new Mutation.Drop(name));
            applier.apply(new Mutation.Drop(name));
            sequencers.remove(name);
            return new WriteResult(0, lsn);
        } finally {
            structure.writeLock().unlock();
        }
    }

    @Override
    public WriteResult createAlias(String alias, String collection) {
        return catalogChange(
                new Mutation.CreateAlias(alias, collection),
                () -> {
                    database.checkCreateAlias(alias, collection);
                    return collection.equals(database.aliases().get(alias));
                });
    }

    @Override
    public WriteResult switchAlias(String alias, String collection) {
        return catalogChange(
                new Mutation.SwitchAlias(alias, collection),
                () -> {
                    database.checkSwitchAlias(alias, collection);
                    return collection.equals(database.aliases().get(alias));
                });
    }

    @Override
    public WriteResult deleteAlias(String alias) {
        return catalogChange(
                new Mutation.DeleteAlias(alias),
                () -> {
                    database.requireAlias(alias);
                    return false;
                });
    }

    /**
     * An alias change, serialized with creates, drops and snapshots like them (so a snapshot holds
     * the aliases exactly as of its cut): {@code check} throws for a refused change and says
     * whether it would change nothing (then nothing is logged).
     */
    private WriteResult catalogChange(Mutation mutation, Supplier<Boolean> check) {
        catalog.lock();
        try {
            structure.writeLock().lock();
            try {
                if (check.get()) {
                    return new WriteResult(0, lastSequence());
                }
                long lsn = logDurably(mutation);
                return new WriteResult(applier.apply(mutation), lsn);
            } finally {
                structure.writeLock().unlock();
            }
        } finally {
            catalog.unlock();
        }
    }

    /**
     * Replaces the whole state with a snapshot file's, in a running server. The file is read back
     * whole and loaded into a new database before anything changes; a damaged or foreign file is
     * refused with the reason. Then, with no write in flight and no snapshot running (imaging,
     * catalog and structure locks): the loaded state is written as the snapshot of sequence {@code
     * last + 1}, a {@code restored} entry takes that sequence in the log (so later entries follow
     * it), and the database takes over the loaded collections. A crash before the snapshot is whole
     * leaves the old state; after it, recovery starts from the restored snapshot.
     */
    @Override
    public SnapshotFile restore(Path file) {
        if (snapshotter == null) {
            throw new PreconditionException(
                    "RestoreSnapshot: expected a server with a write-ahead log, got one started"
                            + " with --no-wal");
        }
        WritableDatabase restored = new WritableDatabase(options.vectorDir());
        try {
            SnapshotReader.read(file, Recovery.loaderInto(restored));
            for (VectorCollection c : restored.list()) {
                restored.imageIO(c.spec().name()).finishRestore();
            }
        } catch (IOException | StorageException | IllegalStateException e) {
            release(restored);
            throw new InvalidArgumentException(
                    "snapshot file "
                            + io.vectaraft.index.ClientText.quote(file.toString())
                            + ": refused, nothing changed: "
                            + (e instanceof java.nio.file.NoSuchFileException
                                    ? "no such file"
                                    : e.getMessage()));
        }
        imaging.writeLock().lock();
        try {
            catalog.lock();
            try {
                return install(restored, file);
            } finally {
                catalog.unlock();
            }
        } finally {
            imaging.writeLock().unlock();
        }
    }

    /** The second half of {@link #restore}: under the imaging and catalog locks. */
    private SnapshotFile install(WritableDatabase restored, Path file) {
        structure.writeLock().lock();
        try {
            long seq = log.lastSeq() + 1;
            SnapshotFile written;
            try {
                written = Snapshotter.writeImage(restored, options.snapshotDir(), seq);
            } catch (IOException e) {
                release(restored);
                throw new SnapshotException(
                        "RestoreSnapshot: writing the restored state failed, nothing changed: "
                                + e.getMessage(),
                        e);
            }
            long lsn = logDurably(new Mutation.Restored(file.getFileName().toString()));
            if (lsn != seq) {
                throw new IllegalStateException(
                        "restore: expected log position " + seq + ", got " + lsn);
            }
            database.replaceWith(restored);
            sequencers.clear();
            for (VectorCollection c : database.list()) {
                sequencers.put(c.spec().name(), new WriteSequencer());
            }
            return written;
        } finally {
            structure.writeLock().unlock();
        }
    }

    private static void release(WritableDatabase db) {
        for (VectorCollection c : db.list()) {
            db.drop(c.spec().name());
        }
    }

    /** Inserts or replaces a batch, all or nothing; the count is the number of records. */
    @Override
    public WriteResult upsert(String collection, List<VectorRecord> records) {
        Mutation upsert = new Mutation.Upsert(collection, records);
        return write(
                collection,
                false,
                () -> {
                    // Validation and encoding happen before the order lock: writers of one
                    // collection do them in parallel.
                    MutationApplier.Prepared prepared = applier.prepare(upsert);
                    byte[] payload = encode(upsert);
                    return () -> new Logged(prepared, append(payload));
                });
    }

    /** Deletes records by id; the count is how many existed. */
    @Override
    public WriteResult delete(String collection, List<String> ids) {
        if (ids.isEmpty()) {
            sequencer(collection);
            return new WriteResult(0, lastSequence());
        }
        Mutation delete = new Mutation.Delete(collection, ids);
        return write(
                collection,
                false,
                () -> {
                    MutationApplier.Prepared prepared = applier.prepare(delete);
                    byte[] payload = encode(delete);
                    return () -> new Logged(prepared, append(payload));
                });
    }

    /** Deletes the records matching a filter; the count is how many there were. */
    @Override
    public WriteResult deleteMatching(String collection, Filter filter) {
        return write(
                collection,
                true,
                () ->
                        () -> {
                            // Under the order lock, after every earlier write was applied.
                            List<String> ids = database.writer(collection).idsMatching(filter);
                            if (ids.isEmpty()) {
                                return null;
                            }
                            Mutation delete = new Mutation.Delete(collection, ids);
                            return new Logged(applier.prepare(delete), append(encode(delete)));
                        });
    }

    /**
     * Changes metadata in place. By ids: validated before the order lock like a delete. By filter:
     * resolved under the order lock, after every earlier write of the collection was applied, and
     * logged as the resolved ids, so a replay changes exactly those records.
     */
    @Override
    public WriteResult updateMetadata(
            String collection, List<String> ids, Filter filter, MetadataPatch patch) {
        if (filter == null) {
            Mutation update = new Mutation.UpdateMetadata(collection, ids, null, patch);
            if (ids.isEmpty()) {
                applier.prepare(update);
                return new WriteResult(0, lastSequence());
            }
            return write(
                    collection,
                    false,
                    () -> {
                        MutationApplier.Prepared prepared = applier.prepare(update);
                        byte[] payload = encode(update);
                        return () -> new Logged(prepared, append(payload));
                    });
        }
        applier.prepare(new Mutation.UpdateMetadata(collection, List.of(), filter, patch));
        return write(
                collection,
                true,
                () ->
                        () -> {
                            List<String> matching = database.writer(collection).idsMatching(filter);
                            if (matching.isEmpty()) {
                                return null;
                            }
                            Mutation update =
                                    new Mutation.UpdateMetadata(collection, matching, null, patch);
                            return new Logged(applier.prepare(update), append(encode(update)));
                        });
    }

    @Override
    public WriteResult createFieldIndex(String collection, FieldIndexSpec index) {
        return orderedWrite(collection, new Mutation.CreateFieldIndex(collection, index));
    }

    @Override
    public WriteResult deleteFieldIndex(String collection, String key) {
        return orderedWrite(collection, new Mutation.DeleteFieldIndex(collection, key));
    }

    /**
     * A write checked under the collection's order lock once every earlier write is applied, so
     * that two racing creations of one index cannot both pass the check.
     */
    private WriteResult orderedWrite(String collection, Mutation mutation) {
        return write(
                collection,
                true,
                () -> () -> new Logged(applier.prepare(mutation), append(encode(mutation))));
    }

    /** A mutation appended to the log (lsn 0 without one), not applied yet. */
    private record Logged(MutationApplier.Prepared prepared, long lsn) {}

    /**
     * One write: {@code prepare} runs with the structure lock shared and no other lock and returns
     * the append step; that runs under the collection's order lock (with {@code drain}: once every
     * earlier write of the collection is applied) and returns what it logged, or null for nothing
     * to do. Then the write waits for durability if the policy says so, and is applied in order.
     */
    private WriteResult write(
            String collection, boolean drain, Supplier<Supplier<Logged>> prepare) {
        WriteResult result;
        WriteEvent event = new WriteEvent();
        event.begin();
        long start = System.nanoTime();
        structure.readLock().lock();
        try {
            WriteSequencer sequencer = sequencer(collection);
            Supplier<Logged> append = prepare.get();
            event.prepare = System.nanoTime() - start;
            result =
                    log == null || !log.waitsForForce()
                            ? sequencer.inOrder(() -> applied(append.get()))
                            : appendAwaitApply(sequencer, drain, append, event);
        } finally {
            structure.readLock().unlock();
        }
        if (event.shouldCommit()) {
            event.collection = collection;
            event.commit();
        }
        maybeSnapshot();
        return result != null ? result : new WriteResult(0, lastSequence());
    }

    /**
     * The path when an fsync separates append from apply: append and take a ticket in order, wait
     * for durability with no lock but the shared structure lock, then apply in ticket order.
     */
    private WriteResult appendAwaitApply(
            WriteSequencer sequencer, boolean drain, Supplier<Logged> append, WriteEvent event) {
        long prepared = System.nanoTime();
        WriteSequencer.Ticket<Logged> ticket = sequencer.ticketInOrder(drain, append);
        long appended = System.nanoTime();
        event.order = appended - prepared;
        if (ticket == null) {
            return null;
        }
        boolean durable = false;
        try {
            awaitDurable(ticket.value().lsn());
            durable = true;
        } finally {
            if (!durable) {
                sequencer.skip(ticket);
            }
        }
        long forced = System.nanoTime();
        event.durable = forced - appended;
        WriteResult result = sequencer.applyInTurn(ticket, () -> applied(ticket.value()));
        event.apply = System.nanoTime() - forced;
        return result;
    }

    private WriteResult applied(Logged logged) {
        if (logged == null) {
            return null;
        }
        return observed(
                WriteStage.APPLY,
                () -> new WriteResult(applier.apply(logged.prepared()), logged.lsn()));
    }

    private long append(byte[] payload) {
        if (log == null) {
            return 0;
        }
        return observed(WriteStage.LOG_APPEND, () -> log.append(payload));
    }

    private void awaitDurable(long lsn) {
        observed(
                WriteStage.FSYNC_WAIT,
                () -> {
                    log.awaitDurable(lsn);
                    return lsn;
                });
    }

    /** Runs one stage of a write, reported to the {@link WriteObserver}. */
    private <T> T observed(WriteStage stage, Supplier<T> step) {
        WriteObserver.Stage observing = observer.begin(stage);
        try {
            return step.get();
        } finally {
            observing.close();
        }
    }

    private long logDurably(Mutation mutation) {
        if (log == null) {
            return 0;
        }
        long lsn = append(EntryCodec.encode(mutation));
        awaitDurable(lsn);
        return lsn;
    }

    private byte[] encode(Mutation mutation) {
        return log == null ? null : EntryCodec.encode(mutation);
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
    @Override
    public SnapshotFile snapshot() {
        if (snapshotter == null) {
            throw new PreconditionException(
                    "snapshot: expected a server with a write-ahead log, got one started with"
                            + " --no-wal");
        }
        return snapshotter.take();
    }

    /** Runs {@code hook} in every later snapshot between its cut and its writing (tests). */
    void whileSnapshotWrites(Runnable hook) {
        snapshotter.whileWriting(hook);
    }

    /** Simulates a process kill: stops without snapshot or fsync (crash tests). */
    void abandon() {
        if (log != null && closed.compareAndSet(false, true)) {
            snapshotter.stop(true);
            log.abandon();
        }
    }

    /**
     * Waits until every HNSW collection has linked the records written so far into its graph (graph
     * maintenance runs in the background; searches find unlinked records meanwhile).
     */
    public void awaitGraphs() throws InterruptedException {
        database.awaitGraphs();
    }

    /** Waits until a background snapshot started so far has finished (tests). */
    void awaitBackgroundSnapshot() throws Exception {
        snapshotter.awaitIdle();
    }

    /** The snapshots on disk, newest first. */
    @Override
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
