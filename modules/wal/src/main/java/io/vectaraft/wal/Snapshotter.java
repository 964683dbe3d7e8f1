package io.vectaraft.wal;

import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.write.WritableDatabase;
import io.vectaraft.wal.log.LogWriter;
import io.vectaraft.wal.snapshot.AliasSection;
import io.vectaraft.wal.snapshot.CollectionImage;
import io.vectaraft.wal.snapshot.GraphSection;
import io.vectaraft.wal.snapshot.SnapshotFiles;
import io.vectaraft.wal.snapshot.SnapshotReader;
import io.vectaraft.wal.snapshot.SnapshotSection;
import io.vectaraft.wal.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Takes snapshots for a {@link StorageEngine}: on demand, and in the background once the active log
 * passes the threshold. Each snapshot seals the log at its cut, is written atomically and read back
 * whole; only then does {@link SnapshotRetention} delete what the previous snapshot covers. A
 * snapshot that does not read back is set aside and deletes nothing.
 */
final class Snapshotter {
    private static final System.Logger LOG = System.getLogger(Snapshotter.class.getName());

    private final WritableDatabase database;
    private final StorageOptions options;
    private final LogWriter log;
    private final ReentrantReadWriteLock structure;
    private final ReentrantLock catalog;
    private final ReentrantReadWriteLock imaging;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private volatile Runnable whileWriting = () -> {};
    private final ExecutorService background =
            Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().daemon().name("vectaraft-snapshot").unstarted(r));
    private final AtomicBoolean pending = new AtomicBoolean();

    Snapshotter(
            WritableDatabase database,
            StorageOptions options,
            LogWriter log,
            ReentrantReadWriteLock structure,
            ReentrantLock catalog,
            ReentrantReadWriteLock imaging) {
        this.database = database;
        this.options = options;
        this.log = log;
        this.structure = structure;
        this.catalog = catalog;
        this.imaging = imaging;
    }

    /** Runs {@code hook} in every later snapshot between its cut and its writing (tests). */
    void whileWriting(Runnable hook) {
        this.whileWriting = hook;
    }

    /** Starts a background snapshot if the active log passed the threshold and none is running. */
    void startIfDue() {
        if (log.activeBytes() > options.snapshotThresholdBytes()
                && pending.compareAndSet(false, true)) {
            background.execute(
                    () -> {
                        try {
                            take();
                        } catch (RuntimeException e) {
                            LOG.log(Level.ERROR, "background snapshot failed", e);
                        } finally {
                            pending.set(false);
                        }
                    });
        }
    }

    /** Writes a snapshot now and removes the log segments it covers. */
    SnapshotFile take() {
        oneAtATime.lock();
        try {
            Written written = write();
            if (written.fresh()) {
                verify(written.info());
            }
            SnapshotRetention.apply(options.snapshotDir(), log);
            return written.info();
        } catch (IOException e) {
            throw new SnapshotException(
                    "snapshot in " + options.snapshotDir() + " failed: " + e.getMessage(), e);
        } finally {
            oneAtATime.unlock();
        }
    }

    /** A snapshot, and whether this call wrote it (else nothing changed since the newest). */
    private record Written(SnapshotFile info, boolean fresh) {}

    /**
     * Reads the new snapshot back whole. One that does not read back is set aside (so neither
     * recovery nor retention counts it) and the snapshot fails; the log still has everything.
     */
    private void verify(SnapshotFile info) throws IOException {
        long start = System.nanoTime();
        try {
            SnapshotReader.check(info.path());
        } catch (LogCorruptException e) {
            Path aside = SnapshotFiles.setAside(info.path());
            throw new SnapshotException(
                    "snapshot "
                            + info.path()
                            + " did not read back ("
                            + e.getMessage()
                            + "); set aside as "
                            + aside
                            + ", and the log keeps everything",
                    e);
        }
        LOG.log(
                Level.INFO,
                "snapshot "
                        + info.path()
                        + " read back in "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms");
    }

    /**
     * The cut ({@link #cut}), under the catalog lock, takes the structure lock exclusively, so
     * every appended entry has been applied, notes the last sequence number, seals the log there
     * and lists the collections and aliases to write. Creates and alias changes may then go on:
     * they are logged after the cut, so replay makes them again, and the list leaves them out.
     * Drops and restores wait on the imaging lock, which the snapshot holds shared until the listed
     * collections are written (a drop releases a collection's files). Upserts and deletes go on
     * while the collections are written (each collection is visited under its own read lock, so its
     * writers pause only for that visit). The snapshot is therefore "fuzzy": a collection may
     * already hold some writes after the cut. Replay from the cut is still exact, because those
     * writes are upserts and deletes by id, whose final effect on an id depends only on the last
     * one, and metadata updates, whose effect on each key of an id depends only on the last write
     * touching it (a set or unset of that key, or an upsert or delete of the id): replaying them
     * again on top of the snapshot gives the same state. The aliases are copied at the cut, so the
     * snapshot has them exactly as of the cut.
     */
    private Written write() throws IOException {
        imaging.readLock().lock();
        try {
            Listed listed;
            catalog.lock();
            try {
                Cut cut = cut();
                if (cut.covering() != null) {
                    return new Written(cut.covering(), false);
                }
                listed = Listed.of(database, cut.seq());
            } finally {
                catalog.unlock();
            }
            whileWriting.run();
            return new Written(writeAt(listed), true);
        } finally {
            imaging.readLock().unlock();
        }
    }

    /** Where a snapshot cuts the log, and the snapshot already on disk there (or null). */
    private record Cut(long seq, SnapshotFile covering) {}

    /**
     * With no write in flight: the last sequence number, and the log sealed there (unless nothing
     * was logged since the newest snapshot, which then already covers it).
     */
    private Cut cut() throws IOException {
        structure.writeLock().lock();
        try {
            long seq = log.lastSeq();
            List<SnapshotFile> existing = SnapshotFiles.list(options.snapshotDir());
            if (!existing.isEmpty() && existing.getFirst().sequence() == seq) {
                return new Cut(seq, existing.getFirst());
            }
            log.rotate();
            return new Cut(seq, null);
        } finally {
            structure.writeLock().unlock();
        }
    }

    /**
     * What a snapshot of sequence {@code seq} writes: the collections of {@code db} and a copy of
     * its aliases, as they are when listed.
     */
    private record Listed(long seq, List<CollectionImage> images, List<SnapshotSection> sections) {
        static Listed of(WritableDatabase db, long seq) {
            GraphSection graphs = new GraphSection();
            List<CollectionImage> images =
                    db.list().stream()
                            .map(VectorCollection::spec)
                            .map(spec -> graphs.image(db.imageIO(spec.name())))
                            .toList();
            return new Listed(
                    seq, images, Snapshotter.sections(graphs, new TreeMap<>(db.aliases())));
        }

        SnapshotFile writeTo(Path dir) throws IOException {
            return new SnapshotWriter(sections).write(dir, seq, images);
        }
    }

    private SnapshotFile writeAt(Listed listed) throws IOException {
        long seq = listed.seq();
        LOG.log(Level.INFO, "snapshot: writing seq " + seq + " to " + options.snapshotDir());
        long start = System.nanoTime();
        SnapshotFile info = listed.writeTo(options.snapshotDir());
        LOG.log(
                Level.INFO,
                "snapshot "
                        + info.path()
                        + ": seq "
                        + seq
                        + ", "
                        + info.sizeBytes()
                        + " bytes, "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms");
        return info;
    }

    /** Writes {@code db} as the snapshot of {@code seq} in {@code dir} (a restore's new state). */
    static SnapshotFile writeImage(WritableDatabase db, Path dir, long seq) throws IOException {
        return Listed.of(db, seq).writeTo(dir);
    }

    /** What a snapshot carries besides the records: codes, graphs, field indexes and aliases. */
    static List<SnapshotSection> sections(GraphSection graphs, Map<String, String> aliases) {
        List<SnapshotSection> sections = new ArrayList<>(graphs.sections());
        sections.add(new AliasSection(aliases));
        return List.copyOf(sections);
    }

    /** The snapshots on disk, newest first. */
    List<SnapshotFile> list() {
        try {
            return SnapshotFiles.list(options.snapshotDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for background snapshots started so far (tests). */
    void awaitIdle() throws InterruptedException, ExecutionException {
        background.submit(() -> {}).get();
    }

    /** Stops the background thread: at once, or after a running snapshot finishes. */
    void stop(boolean now) {
        if (now) {
            background.shutdownNow();
            return;
        }
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
