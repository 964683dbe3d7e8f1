package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.write.WritableDatabase;
import io.vectaraft.wal.log.Fixtures;
import io.vectaraft.wal.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot holds the catalog only for its cut: while it writes, collections can be created and
 * aliases changed (replay makes them again), and a drop waits until the snapshot is written (it
 * would otherwise unmap an {@code on_disk} collection under the writer). Real files throughout; the
 * snapshot is held between its cut and its writing by a latch.
 */
class SnapshotCatalogTest {
    private static final int DIM = 8;
    private static final long WAIT_SECONDS = 30;

    @TempDir Path dir;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void createsAndAliasChangesGoOnWhileASnapshotWritesAndADropWaitsForIt() throws Exception {
        StorageOptions options = StorageOptions.defaults(dir.resolve("wal.jsonl"));
        CollectionSpec mapped =
                new CollectionSpec(
                        "mapped",
                        DIM,
                        Metric.EUCLIDEAN,
                        new IndexSpec.Flat(),
                        Quantization.none(),
                        true);
        List<VectorRecord> atCut = Fixtures.records(new Random(1), "m-", 200, DIM);
        List<VectorRecord> afterCut = Fixtures.records(new Random(2), "n-", 50, DIM);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SnapshotFile snapshot;
        try (StorageEngine s = StorageEngine.open(options)) {
            s.createCollection(mapped);
            s.upsert("mapped", atCut);
            s.whileSnapshotWrites(
                    () -> {
                        writing.countDown();
                        awaitQuietly(release);
                    });
            Future<SnapshotFile> taken = pool.submit(s::snapshot);
            Future<WriteResult> drop;
            try {
                assertTrue(writing.await(WAIT_SECONDS, TimeUnit.SECONDS), "snapshot cut");
                Future<?> created =
                        pool.submit(
                                () -> {
                                    s.createCollection(Fixtures.spec("fresh", DIM));
                                    s.upsert("fresh", afterCut);
                                    s.createAlias("latest", "fresh");
                                    return null;
                                });
                created.get(WAIT_SECONDS, TimeUnit.SECONDS);
                AtomicReference<Thread> dropper = new AtomicReference<>();
                drop =
                        pool.submit(
                                () -> {
                                    dropper.set(Thread.currentThread());
                                    return s.dropCollection("mapped");
                                });
                awaitParkedOnReadWriteLock(dropper, drop);
                assertFalse(drop.isDone(), "a drop waits until the snapshot is written");
                assertFalse(taken.isDone(), "the snapshot is still held");
            } finally {
                release.countDown();
            }
            snapshot = taken.get(WAIT_SECONDS, TimeUnit.SECONDS);
            drop.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertFalse(s.database().find("mapped").isPresent(), "dropped after the snapshot");
        }

        WritableDatabase cut = new WritableDatabase(dir.resolve("read-back"));
        SnapshotReader.read(snapshot.path(), Recovery.loaderInto(cut));
        assertEquals(200, cut.get("mapped").size(), "the snapshot has the state of its cut");
        assertFalse(cut.find("fresh").isPresent(), "created after the cut: not in the snapshot");
        assertEquals(Map.of(), cut.aliases(), "aliases as of the cut");
        cut.drop("mapped"); // unmaps its vector file

        try (StorageEngine again = StorageEngine.open(options)) {
            assertFalse(again.database().find("mapped").isPresent(), "the drop replayed");
            assertEquals(
                    50, again.database().get("fresh").size(), "the create and upsert replayed");
            assertEquals(Map.of("latest", "fresh"), again.database().aliases());
        }
    }

    /**
     * Until the task is done or its thread is parked on a read-write lock (the engine's imaging
     * lock; nothing else of the engine's is held as a read-write lock while the snapshot waits).
     */
    private static void awaitParkedOnReadWriteLock(AtomicReference<Thread> thread, Future<?> task) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!task.isDone() && System.nanoTime() < deadline) {
            Thread t = thread.get();
            Object blocker = t == null ? null : LockSupport.getBlocker(t);
            if (blocker != null
                    && blocker.getClass()
                            .getName()
                            .startsWith(ReentrantReadWriteLock.class.getName())) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
