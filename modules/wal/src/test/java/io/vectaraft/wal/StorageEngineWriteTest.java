package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.log.FaultyChannels;
import io.vectaraft.wal.log.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StorageEngineWriteTest {
    @TempDir Path dir;

    private StorageOptions options(FsyncPolicy policy) {
        return new StorageOptions(
                dir.resolve("wal.jsonl"),
                dir.resolve("snapshots"),
                policy,
                Duration.ofMillis(5),
                256L << 20,
                StorageOptions.RecoveryMode.STRICT);
    }

    /**
     * 16 writers over 4 collections, each with its own ids and a shared set of hot ids they all
     * overwrite. Every acknowledged write must be back after a crash, and the hot ids must hold the
     * same winner as before: that only works if each collection's apply order equals its log order.
     */
    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void concurrentWritersAreAllDurableAndReplayInApplyOrder(FsyncPolicy policy) throws Exception {
        StorageEngine s = StorageEngine.open(options(policy));
        for (int c = 0; c < 4; c++) {
            s.createCollection(Fixtures.spec("c" + c, 8));
        }
        Map<String, VectorRecord> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int writer = t;
            done.add(
                    pool.submit(
                            () -> {
                                Random rnd = new Random(writer);
                                for (int i = 0; i < 25; i++) {
                                    String coll = "c" + (i % 4);
                                    List<VectorRecord> batch =
                                            new ArrayList<>(
                                                    Fixtures.records(
                                                            rnd,
                                                            "w" + writer + "-" + i + "-",
                                                            3,
                                                            8));
                                    batch.add(Fixtures.record(rnd, "hot" + rnd.nextInt(5), 8));
                                    s.upsert(coll, batch);
                                    batch.forEach(r -> acknowledged.put(coll + "/" + r.id(), r));
                                    if (i % 5 == 4) {
                                        String gone = "w" + writer + "-" + (i - 4) + "-0";
                                        String at = "c" + ((i - 4) % 4);
                                        assertEquals(1, s.delete(at, List.of(gone)).count());
                                        acknowledged.remove(at + "/" + gone);
                                    }
                                }
                                return null;
                            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        States before = States.of(s.database());
        s.abandon();
        try (StorageEngine again = StorageEngine.open(options(FsyncPolicy.ALWAYS))) {
            States after = States.of(again.database());
            before.assertSameAs(after);
            for (var e : acknowledged.entrySet()) {
                if (e.getKey().contains("/hot")) {
                    continue; // overwritten by other writers; checked by assertSameAs
                }
                String[] parts = e.getKey().split("/");
                List<VectorRecord> got =
                        again.database().get(parts[0]).get(List.of(parts[1]), true);
                assertEquals(1, got.size(), "acknowledged " + e.getKey() + " present");
                assertTrue(Fixtures.sameBits(e.getValue(), got.getFirst()), e.getKey());
            }
            assertEquals(acknowledged.size(), after.total(), "exactly the acknowledged records");
        }
    }

    /**
     * The store releases its locks before waiting for the fsync, so writers to one collection share
     * it: hold the first force until all 16 have appended, and one more force covers them.
     */
    @Test
    void writersToOneCollectionShareAnFsync() throws Exception {
        FaultyChannels channels = new FaultyChannels();
        StorageEngine s = StorageEngine.open(options(FsyncPolicy.ALWAYS), channels);
        int headerForces = channels.forces.get(); // a new file's header, not group commits
        s.createCollection(Fixtures.spec("a", 8));
        int writers = 16;
        CountDownLatch appended = new CountDownLatch(writers);
        int forcesBefore = channels.forces.get();
        channels.afterLine = appended::countDown;
        channels.beforeForce =
                () -> {
                    try {
                        assertTrue(appended.await(30, TimeUnit.SECONDS), "all appended");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                };
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<WriteResult>> done = new ArrayList<>();
        for (int t = 0; t < writers; t++) {
            List<VectorRecord> batch = Fixtures.records(new Random(t), "w" + t + "-", 2, 8);
            done.add(pool.submit(() -> s.upsert("a", batch)));
        }
        for (Future<WriteResult> f : done) {
            assertEquals(2, f.get(30, TimeUnit.SECONDS).count());
        }
        pool.shutdown();
        int forces = channels.forces.get() - forcesBefore;
        assertTrue(forces >= 1 && forces <= 2, "16 writers, one collection, forces: " + forces);
        assertEquals(32, s.database().get("a").size());
        StorageStats stats = s.stats();
        assertEquals(
                channels.forces.get() - headerForces, stats.forces(), "stats count every commit");
        assertEquals(17, stats.lastSequence(), "create + 16 upserts");
        assertTrue(stats.writable() && stats.logEnabled(), stats.toString());
        s.close();
    }

    /**
     * Snapshots taken while writers keep upserting and deleting the same ids are "fuzzy" (they may
     * hold writes after their cut); replaying the log from the cut must still give the live state.
     */
    @Test
    void snapshotsUnderConcurrentWritesReplayExactly() throws Exception {
        StorageEngine s = StorageEngine.open(options(FsyncPolicy.NONE));
        s.createCollection(Fixtures.spec("a", 8));
        s.createCollection(Fixtures.spec("b", 8));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int writer = t;
            done.add(
                    pool.submit(
                            () -> {
                                Random rnd = new Random(writer);
                                for (int i = 0; i < 300; i++) {
                                    String coll = rnd.nextBoolean() ? "a" : "b";
                                    String id = "k" + rnd.nextInt(40);
                                    if (rnd.nextInt(3) == 0) {
                                        s.delete(coll, List.of(id));
                                    } else {
                                        s.upsert(coll, List.of(Fixtures.record(rnd, id, 8)));
                                    }
                                }
                                return null;
                            }));
        }
        int snapshots = 0;
        while (!done.stream().allMatch(Future::isDone)) {
            s.snapshot();
            snapshots++;
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(snapshots > 0, "snapshots taken while writing");
        States live = States.of(s.database());
        s.abandon();
        try (StorageEngine again = StorageEngine.open(options(FsyncPolicy.ALWAYS))) {
            live.assertSameAs(States.of(again.database()));
        }
    }

    @Test
    void aWriteFailingMidwayLeavesIndexAndLogConsistent() {
        FaultyChannels channels = new FaultyChannels();
        StorageEngine s = StorageEngine.open(options(FsyncPolicy.ALWAYS), channels);
        s.createCollection(Fixtures.spec("a", 8));
        Random rnd = new Random(4);
        for (int i = 0; i < 3; i++) {
            s.upsert("a", Fixtures.records(rnd, "ok" + i + "-", 4, 8));
        }
        States acknowledged = States.of(s.database());
        long seq = s.lastSequence();

        channels.failWriteAfterBytes.set(150); // mid-payload: the line is half written
        LogWriteException e =
                assertThrows(
                        LogWriteException.class,
                        () -> s.upsert("a", Fixtures.records(rnd, "lost", 4, 8)));
        assertTrue(e.getMessage().contains(dir.resolve("wal.jsonl").toString()), e.getMessage());
        assertTrue(e.getMessage().matches(".*offset \\d+.*"), e.getMessage());
        acknowledged.assertSameAs(States.of(s.database()));
        assertEquals(seq, s.lastSequence(), "no sequence number consumed");
        assertTrue(s.writable(), "a failed write (not fsync) does not poison the log");

        s.upsert("a", Fixtures.records(rnd, "after", 2, 8));
        States live = States.of(s.database());
        s.abandon();
        try (StorageEngine again = StorageEngine.open(options(FsyncPolicy.ALWAYS))) {
            live.assertSameAs(States.of(again.database()));
            assertTrue(again.database().get("a").get(List.of("lost0"), true).isEmpty());
        }
    }

    @Test
    void afterAFailedFsyncWritesAreRefusedAndReadsContinue() {
        FaultyChannels channels = new FaultyChannels();
        StorageEngine s = StorageEngine.open(options(FsyncPolicy.ALWAYS), channels);
        s.createCollection(Fixtures.spec("a", 8));
        Random rnd = new Random(5);
        s.upsert("a", Fixtures.records(rnd, "ok", 4, 8));

        channels.failForce = true;
        LogWriteException first =
                assertThrows(
                        LogWriteException.class,
                        () -> s.upsert("a", Fixtures.records(rnd, "unsure", 4, 8)));
        assertTrue(first.getMessage().contains("fsync"), first.getMessage());
        assertEquals(4, s.database().get("a").size(), "not applied");
        assertFalse(s.writable());
        assertFalse(s.stats().writable(), "stats report the refusing log");
        channels.failForce = false;
        LogWriteException later =
                assertThrows(LogWriteException.class, () -> s.delete("a", List.of("ok0")));
        assertTrue(later.getMessage().contains("refuses writes"), later.getMessage());
        float[] q = Fixtures.record(rnd, "q", 8).vector();
        assertEquals(
                4,
                s.database().get("a").search(SearchRequest.of(q, 10)).matches().getFirst().size(),
                "reads keep working");
        s.abandon();

        try (StorageEngine again = StorageEngine.open(options(FsyncPolicy.ALWAYS))) {
            long n = again.database().get("a").size();
            assertTrue(n == 4 || n == 8, "the unacknowledged batch is all or nothing, got " + n);
        }
    }

    @Test
    void inMemoryStoreWorksWithoutFiles() {
        try (StorageEngine s = StorageEngine.inMemory()) {
            s.createCollection(Fixtures.spec("a", 8));
            assertEquals(
                    new WriteResult(3, 0),
                    s.upsert("a", Fixtures.records(new Random(1), "r", 3, 8)),
                    "no log: lsn 0");
            assertEquals(new WriteResult(1, 0), s.delete("a", List.of("r0")));
            assertEquals(2, s.database().get("a").size());
            assertEquals(List.of(), s.snapshots());
        }
    }

    @Test
    void writesReportTheLogSequenceNumberTheyGot() {
        try (StorageEngine s = StorageEngine.open(options(FsyncPolicy.ALWAYS))) {
            long created = s.createCollection(Fixtures.spec("a", 8)).lsn();
            assertEquals(s.lastSequence(), created, "create");
            WriteResult up = s.upsert("a", Fixtures.records(new Random(1), "r", 3, 8));
            assertEquals(new WriteResult(3, created + 1), up, "upsert");
            WriteResult del = s.delete("a", List.of("r0", "missing"));
            assertEquals(new WriteResult(1, created + 2), del, "delete by id");
            WriteResult none =
                    s.deleteMatching("a", Filter.eq("no-such-key", MetadataValue.of(1L)));
            assertEquals(
                    new WriteResult(0, created + 2),
                    none,
                    "a delete that matched nothing logs nothing and reports the last lsn");
            WriteResult all = s.deleteMatching("a", null);
            assertEquals(new WriteResult(2, created + 3), all, "delete by filter");
            assertEquals(new WriteResult(0, created + 4), s.dropCollection("a"), "drop");
        }
    }
}
