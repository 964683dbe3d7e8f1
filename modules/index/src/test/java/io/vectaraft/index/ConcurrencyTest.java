package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writers upsert and delete while readers search, get and scroll. Every vector has all components
 * equal, so a torn read (half old, half new) shows as unequal components; each writer also rewrites
 * a pair of records in one batch with one value, so a reader that sees them differ saw half a
 * batch.
 */
class ConcurrencyTest {
    private static final int DIM = 96;
    private static final int WRITERS = 3;
    private static final int READERS = 3;
    private static final int ROUNDS = 300;
    private static final int RECORDS = 2000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flat", "flat-parallel", "hnsw"})
    void concurrentUpsertsAndSearchesNeverSeeTornVectorsOrHalfBatches(String mode)
            throws Exception {
        long seed = TestSeeds.seed();
        String context = mode + " " + TestSeeds.describe(seed);
        FlatScanner scanner =
                mode.equals("flat-parallel")
                        ? new FlatScanner(new ScanPool(4), 0, 1024)
                        : new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 1024);
        // Small graph parameters keep the many re-inserts (and compactions) quick.
        IndexSpec index = mode.equals("hnsw") ? new IndexSpec.Hnsw(8, 32, 32) : IndexSpec.flat();
        TestCollection c =
                TestCollection.of(new CollectionSpec("c", DIM, Metric.EUCLIDEAN, index), scanner);
        List<VectorRecord> initial = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            initial.add(constant("r" + i, i % 100));
        }
        for (int w = 0; w < WRITERS; w++) {
            initial.add(constant("pair-" + w + "-a", 0));
            initial.add(constant("pair-" + w + "-b", 0));
        }
        c.upsert(initial);

        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Random random = new Random(seed + w);
            int writer = w;
            tasks.add(
                    () -> {
                        start.await();
                        for (int round = 1; round <= ROUNDS; round++) {
                            float v = random.nextInt(1000) - 500;
                            c.upsert(
                                    List.of(
                                            constant("pair-" + writer + "-a", v),
                                            constant("pair-" + writer + "-b", v),
                                            constant("r" + random.nextInt(RECORDS), v)));
                            String victim = "r" + random.nextInt(RECORDS);
                            c.delete(List.of(victim));
                            c.upsert(List.of(constant(victim, v)));
                        }
                        return null;
                    });
        }
        for (int r = 0; r < READERS; r++) {
            Random random = new Random(seed + 100 + r);
            tasks.add(
                    () -> {
                        start.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            float[] query = new float[DIM];
                            for (int i = 0; i < DIM; i++) {
                                query[i] = (float) random.nextGaussian();
                            }
                            List<Match> found = c.search(SearchRequest.of(query, 20));
                            assertEquals(20, found.size(), "k results " + context);
                            for (Match m : found) {
                                assertWhole(m.record(), context);
                            }
                            for (int w = 0; w < WRITERS; w++) {
                                List<VectorRecord> pair =
                                        c.get(List.of("pair-" + w + "-a", "pair-" + w + "-b"));
                                assertEquals(2, pair.size(), "pair " + w + " " + context);
                                assertWhole(pair.get(0), context);
                                assertEquals(
                                        pair.get(0).vector()[0],
                                        pair.get(1).vector()[0],
                                        "a batch is visible whole " + context);
                            }
                            for (VectorRecord rec :
                                    c.scroll(null, "r" + random.nextInt(RECORDS), 5).records()) {
                                assertWhole(rec, context);
                            }
                        }
                        return null;
                    });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(); // rethrows a reader's assertion failure
            }
        }
        assertEquals(RECORDS + 2 * WRITERS, c.size(), "every delete was followed by a re-insert");
    }

    private static VectorRecord constant(String id, float value) {
        float[] v = new float[DIM];
        Arrays.fill(v, value);
        return new VectorRecord(id, v, Map.of());
    }

    private static void assertWhole(VectorRecord r, String context) {
        float first = r.vector()[0];
        for (int i = 1; i < DIM; i++) {
            if (r.vector()[i] != first) {
                assertTrue(
                        false,
                        "torn vector "
                                + r.id()
                                + ": component 0 = "
                                + first
                                + ", component "
                                + i
                                + " = "
                                + r.vector()[i]
                                + " "
                                + context);
            }
        }
    }
}
