package io.vectaraft.index.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Graph maintenance (linking, rebuilds) runs in the background: writes return without waiting for
 * it, and a search finds every record whose write returned, linked or not, also while a rebuild
 * swaps the store under concurrent writers.
 */
class GraphMaintenanceTest {
    // With M = 8 and a beam of 48, a collection over 2 * 48 * 8 = 768 live records is searched
    // through the graph (plus an exact scan of the unlinked records), not by a plain scan. An HNSW
    // graph may leave a few nodes unreachable, so graph searches may miss a linked record now and
    // then (MAX_MISS_RATE); membership is checked by exact searches, with no tolerance.
    private static final int DIM = 4;
    private static final int EF = 48;
    private static final double MAX_MISS_RATE = 0.01;
    private static final CollectionSpec SPEC =
            new CollectionSpec("g", DIM, Metric.EUCLIDEAN, new IndexSpec.Hnsw(8, 32, 32));

    /** An executor that runs nothing until told to: graph maintenance held back. */
    private static final class HeldExecutor implements java.util.concurrent.Executor {
        private final ConcurrentLinkedQueue<Runnable> queued = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        int queued() {
            return queued.size();
        }

        /** Runs what was queued, on the caller's thread. */
        void release() {
            for (Runnable task = queued.poll(); task != null; task = queued.poll()) {
                task.run();
            }
        }
    }

    private static VectorRecord record(Random random, String id) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return new VectorRecord(id, v, Map.of());
    }

    private static List<VectorRecord> batch(Random random, String prefix, int from, int n) {
        List<VectorRecord> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            out.add(record(random, prefix + i));
        }
        return out;
    }

    /** Whether a record is among the 10 nearest to its own vector by the index's own plan. */
    private static boolean found(TestCollection c, VectorRecord r) {
        return ids(c, r.vector(), false).contains(r.id());
    }

    /** Whether an exact search finds the record: it is stored and visible. */
    private static boolean stored(TestCollection c, VectorRecord r) {
        return ids(c, r.vector(), true).contains(r.id());
    }

    private static List<String> ids(TestCollection c, float[] vector, boolean exact) {
        return c.search(new SearchRequest(List.of(vector), 10, null, EF, exact, false)).stream()
                .map(m -> m.record().id())
                .toList();
    }

    /**
     * Searches for a record acknowledged as written: it must be stored (no tolerance), and the
     * index's plan must find it but for the rare unreachable node (counted in {@code misses}).
     */
    private static void assertFound(
            TestCollection c, VectorRecord r, AtomicInteger misses, String context) {
        if (!found(c, r)) {
            misses.incrementAndGet();
            assertTrue(stored(c, r), r.id() + " acknowledged but not stored, " + context);
        }
    }

    private static void assertFewMisses(AtomicInteger misses, int searches, String what) {
        assertTrue(
                misses.get() <= Math.max(1, MAX_MISS_RATE * searches),
                what + ": " + misses + " of " + searches + " searches missed their record");
    }

    @Test
    void writesReturnWhileLinkingIsHeldAndSearchesFindTheUnlinkedRecords() {
        HeldExecutor held = new HeldExecutor();
        TestCollection c = TestCollection.of(SPEC, held);
        Random random = new Random(TestSeeds.seed());
        List<VectorRecord> written = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            List<VectorRecord> records = batch(random, "r", b * 50, 50);
            c.writer().upsert(records); // returns with the graph untouched
            written.addAll(records);
        }
        IndexStats held0 = c.stats();
        assertEquals(2000, held0.graphPending(), "every record queued: " + held0);
        assertEquals(0, held0.graphNodes(), "nothing linked while maintenance is held");
        assertEquals(1, held.queued(), "one maintenance pass asked for, not one per write");
        for (VectorRecord r : written.subList(0, 200)) {
            assertTrue(found(c, r), "unlinked record found: " + r.id());
        }

        held.release();
        c.awaitGraph();
        IndexStats linked = c.stats();
        assertEquals(0, linked.graphPending(), "all linked: " + linked);
        assertEquals(2000, linked.graphNodes());
        AtomicInteger misses = new AtomicInteger();
        for (VectorRecord r : written.subList(0, 200)) {
            assertFound(c, r, misses, "linked");
        }
        assertFewMisses(misses, 200, "linked");
    }

    @Test
    void searchesDuringBackgroundLinkingFindEveryAcknowledgedRecord() throws Exception {
        long seed = TestSeeds.seed();
        TestCollection c = TestCollection.of(SPEC);
        List<VectorRecord> acknowledged = new CopyOnWriteArrayList<>();
        CountDownLatch writing = new CountDownLatch(1);
        AtomicInteger searches = new AtomicInteger();
        AtomicInteger misses = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Future<?> writer =
                    pool.submit(
                            () -> {
                                Random random = new Random(seed);
                                for (int b = 0; b < 80; b++) {
                                    List<VectorRecord> records = batch(random, "r", b * 50, 50);
                                    c.writer().upsert(records);
                                    acknowledged.addAll(records);
                                }
                                writing.countDown();
                                return null;
                            });
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Random random = new Random(seed + 1 + t);
                readers.add(
                        pool.submit(
                                () -> {
                                    while (writing.getCount() > 0 || searches.get() < 200) {
                                        int n = acknowledged.size();
                                        if (n == 0) {
                                            continue;
                                        }
                                        VectorRecord r = acknowledged.get(random.nextInt(n));
                                        assertFound(c, r, misses, TestSeeds.describe(seed));
                                        searches.incrementAndGet();
                                    }
                                    return null;
                                }));
            }
            writer.get();
            for (Future<?> reader : readers) {
                reader.get();
            }
        }
        assertFewMisses(misses, searches.get(), "during linking");
        c.awaitGraph();
        assertEquals(4000, c.stats().graphNodes(), "every record linked in the end");
        assertEquals(0, c.stats().graphPending());
    }

    @Test
    void aRebuildUnderConcurrentWritersKeepsEveryAcknowledgedRecord() throws Exception {
        long seed = TestSeeds.seed();
        String context = TestSeeds.describe(seed);
        HeldExecutor held = new HeldExecutor();
        TestCollection c = TestCollection.of(SPEC, held);
        Random random = new Random(seed);
        List<VectorRecord> initial = batch(random, "old", 0, 3000);
        c.writer().upsert(initial);
        held.release();
        c.awaitGraph();
        // Deleting 80% makes a rebuild due; it is held until the writers below are running.
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            if (i % 5 != 0) {
                doomed.add("old" + i);
            }
        }
        assertEquals(doomed.size(), c.writer().delete(doomed));
        assertEquals(2400, c.stats().tombstones(), "deleted, not rebuilt yet");

        List<VectorRecord> acknowledged = new CopyOnWriteArrayList<>();
        AtomicInteger misses = new AtomicInteger();
        Set<String> deletedLater = ConcurrentHashMap.newKeySet();
        CountDownLatch writersStarted = new CountDownLatch(2);
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Future<?> upserts =
                    pool.submit(
                            () -> {
                                Random r = new Random(seed + 1);
                                writersStarted.countDown();
                                for (int b = 0; b < 40; b++) {
                                    List<VectorRecord> records = batch(r, "new", b * 25, 25);
                                    c.writer().upsert(records);
                                    acknowledged.addAll(records);
                                }
                                return null;
                            });
            Future<?> deletes =
                    pool.submit(
                            () -> {
                                writersStarted.countDown();
                                for (int i = 0; i < 3000; i += 50) {
                                    c.writer().delete(List.of("old" + i));
                                    deletedLater.add("old" + i);
                                }
                                return null;
                            });
            writersStarted.await();
            int searches = 0;
            Future<?> rebuild = pool.submit(held::release);
            while (!upserts.isDone() || !deletes.isDone()) {
                int n = acknowledged.size();
                if (n > 0) {
                    VectorRecord r = acknowledged.get(random.nextInt(n));
                    assertFound(c, r, misses, "during the rebuild, " + context);
                    searches++;
                }
            }
            upserts.get();
            deletes.get();
            rebuild.get();
            assertFewMisses(misses, searches, "during the rebuild");
        }
        held.release(); // passes asked for by the last writes
        c.awaitGraph();

        IndexStats after = c.stats();
        assertEquals(600 - deletedLater.size() + 1000, c.size(), "live records, " + context);
        assertTrue(
                after.tombstones() * 4L <= after.graphNodes(),
                "rebuilt: tombstones below a quarter: " + after);
        assertEquals(0, after.graphPending(), "all linked: " + after);
        AtomicInteger missesAfter = new AtomicInteger();
        for (VectorRecord r : acknowledged) {
            assertFound(c, r, missesAfter, context);
        }
        Set<String> doomedSet = Set.copyOf(doomed);
        for (VectorRecord r : initial) {
            boolean gone = doomedSet.contains(r.id()) || deletedLater.contains(r.id());
            if (gone) {
                assertFalse(stored(c, r), r.id() + " deleted, " + context);
                assertFalse(found(c, r), r.id() + " deleted, " + context);
            } else {
                assertFound(c, r, missesAfter, context);
            }
        }
        assertFewMisses(missesAfter, 1000 + 600 - deletedLater.size(), "after the rebuild");
    }
}
