package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HNSW collections against exact search on seeded synthetic data (a Gaussian mixture): recall with
 * default parameters, filtered searches that return k whenever k match, replace and delete with
 * tombstone compaction.
 */
class HnswCollectionTest {
    private static final int DIM = 24;
    private static final int N = 6000;
    private static final int QUERIES = 100;
    private static final int K = 10;

    /** Data and queries from one seeded Gaussian mixture (shared centres). */
    private static List<float[]> mixture(long seed, Random random, int n, int dim, int clusters) {
        return SyntheticData.mixture(seed, random, n, dim, clusters);
    }

    private static TestCollection hnsw(Metric metric) {
        return TestCollection.of(new CollectionSpec("h", DIM, metric, IndexSpec.Hnsw.defaults()));
    }

    private static List<VectorRecord> records(List<float[]> vectors) {
        List<VectorRecord> out = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            out.add(
                    new VectorRecord(
                            "r" + i,
                            vectors.get(i),
                            Map.of("bucket", MetadataValue.of((long) (i % 1000)))));
        }
        return out;
    }

    /** Mean fraction of the exact top-k ids that the approximate search returned. */
    private static double recall(TestCollection c, List<float[]> queries, Filter filter) {
        double sum = 0;
        for (float[] q : queries) {
            Set<String> exact =
                    ids(c.search(new SearchRequest(List.of(q), K, filter, 0, true, true)));
            Set<String> approx = ids(c.search(SearchRequest.of(q, K, filter)));
            approx.retainAll(exact);
            sum += exact.isEmpty() ? 1 : (double) approx.size() / exact.size();
        }
        return sum / queries.size();
    }

    private static Set<String> ids(List<Match> matches) {
        Set<String> out = new HashSet<>();
        matches.forEach(m -> out.add(m.record().id()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void recallAtTenIsAtLeast95PercentWithDefaults(Metric metric) {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        TestCollection c = hnsw(metric);
        c.upsert(records(mixture(seed, random, N, DIM, 20)));
        double recall = recall(c, mixture(seed, random, QUERIES, DIM, 20), null);
        assertTrue(
                recall >= 0.95,
                metric + " recall@10 " + recall + " < 0.95 " + TestSeeds.describe(seed));
    }

    /** One collection shared by the filtered cases (building it is the slow part). */
    private static final long FILTER_SEED = TestSeeds.seed();

    private static TestCollection filtered;

    private static synchronized TestCollection filteredCollection() {
        if (filtered == null) {
            filtered = hnsw(Metric.EUCLIDEAN);
            filtered.upsert(records(mixture(FILTER_SEED, new Random(FILTER_SEED), N, DIM, 20)));
        }
        return filtered;
    }

    @Test
    void searchesReportTheVectorsTheyVisited() {
        TestCollection c = filteredCollection();
        float[] q = mixture(FILTER_SEED, new Random(FILTER_SEED + 1), 1, DIM, 20).getFirst();
        assertEquals(
                N,
                c.searchCounted(new SearchRequest(List.of(q), K, null, 0, true, true)).visited(),
                "an exact scan compares every vector");
        assertEquals(
                3L * N,
                c.searchBatchCounted(List.of(q, q, q), K, null, 0, true).visited(),
                "per query");
        Filter tenth = new Filter.Condition("bucket", Filter.Op.LT, MetadataValue.of(100L), null);
        assertEquals(
                c.count(tenth),
                c.searchCounted(new SearchRequest(List.of(q), K, tenth, 0, true, true)).visited(),
                "a filtered scan compares the matching vectors only");
        long graph = c.searchCounted(SearchRequest.of(q, K, null)).visited();
        assertTrue(graph > K && graph < N / 2, "the graph search scored " + graph + " of " + N);
    }

    @ParameterizedTest(name = "selectivity {0}/1000")
    @ValueSource(ints = {1, 5, 10, 100, 300, 500, 700, 1000})
    void filteredSearchReturnsKWheneverKMatch(int bucketsPassing) {
        long seed = FILTER_SEED;
        Random random = new Random(seed + bucketsPassing);
        TestCollection c = filteredCollection();
        Filter filter =
                new Filter.Condition(
                        "bucket", Filter.Op.LT, MetadataValue.of((long) bucketsPassing), null);
        long matching = c.count(filter);
        for (float[] q : mixture(seed, random, 30, DIM, 20)) {
            List<Match> found = c.search(SearchRequest.of(q, K, filter));
            assertEquals(
                    Math.min(K, matching),
                    found.size(),
                    "k results whenever k match ("
                            + matching
                            + " match) "
                            + TestSeeds.describe(seed));
            for (Match m : found) {
                assertTrue(FilterMatcher.matches(filter, m.record().metadata()), "only matches");
            }
        }
        double recall = recall(c, mixture(seed, random, 30, DIM, 20), filter);
        assertTrue(
                recall >= 0.95,
                "filtered recall@10 "
                        + recall
                        + " at "
                        + matching
                        + " matches "
                        + TestSeeds.describe(seed));
    }

    @Test
    void replaceAndDeleteNeverReturnStaleRecordsAndCompactionRestoresRecall() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        TestCollection c = hnsw(Metric.COSINE);
        List<VectorRecord> records = records(mixture(seed, random, N, DIM, 20));
        c.upsert(records);
        // Replace a tenth of the records with new vectors far from their old ones.
        List<VectorRecord> replaced = new ArrayList<>();
        for (int i = 0; i < N; i += 10) {
            float[] v = records.get(i).vector().clone();
            for (int d = 0; d < DIM; d++) {
                v[d] = -v[d];
            }
            replaced.add(
                    new VectorRecord(
                            records.get(i).id(), v, Map.of("replaced", MetadataValue.of(true))));
        }
        c.upsert(replaced);
        assertEquals(N, c.size());
        for (VectorRecord r : replaced.subList(0, 50)) {
            Match top = c.search(SearchRequest.of(r.vector(), 1)).getFirst();
            assertEquals(r.id(), top.record().id(), "replaced vector is found");
            assertEquals(Map.of("replaced", MetadataValue.of(true)), top.record().metadata());
            assertEquals(1f, top.score(), 1e-5f);
        }
        // Delete 70%: tombstones pass a quarter of the slots and the graph is rebuilt.
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (i % 10 < 7) {
                deleted.add("r" + i);
            }
        }
        IndexStats before = c.stats();
        assertEquals(N / 10, before.tombstones(), "each replaced record left a tombstone");
        assertEquals(N + N / 10, before.graphNodes());
        assertEquals(deleted.size(), c.delete(deleted));
        assertEquals(N - deleted.size(), c.size());
        IndexStats after = c.stats();
        assertEquals(0, after.tombstones(), "rebuilt without tombstones");
        assertEquals(N - deleted.size(), after.graphNodes());
        assertTrue(
                after.vectorBytes() < before.vectorBytes() / 2,
                "memory released: " + before + " -> " + after);
        assertTrue(after.graphBytes() < before.graphBytes() / 2, "graph memory released");
        Set<String> gone = new HashSet<>(deleted);
        List<float[]> queries = mixture(seed, random, QUERIES, DIM, 20);
        for (float[] q : queries) {
            for (Match m : c.search(SearchRequest.of(q, K))) {
                assertTrue(
                        !gone.contains(m.record().id()),
                        "deleted " + m.record().id() + " returned");
            }
        }
        double recall = recall(c, queries, null);
        assertTrue(
                recall >= 0.95,
                "recall@10 after deletes " + recall + " " + TestSeeds.describe(seed));
    }

    @Test
    void sameInsertsGiveSameResults() {
        // Kernels sum in a fixed order (KernelDeterminismTest), so SIMD builds identical graphs
        // too.
        long seed = TestSeeds.seed();
        List<VectorRecord> records = records(mixture(seed, new Random(seed), 2000, DIM, 10));
        TestCollection a = hnsw(Metric.EUCLIDEAN);
        TestCollection b = hnsw(Metric.EUCLIDEAN);
        a.upsert(records);
        b.upsert(records);
        for (float[] q : mixture(seed, new Random(seed + 1), 20, DIM, 10)) {
            MatchAssert.assertSameMatches(
                    a.search(SearchRequest.of(q, K)),
                    b.search(SearchRequest.of(q, K)),
                    "deterministic graph " + TestSeeds.describe(seed));
        }
    }

    @Test
    void aLargeBatchIsVisibleWholeAndSearchableWhileItIsBeingLinked() throws Exception {
        long seed = TestSeeds.seed();
        TestCollection c = hnsw(Metric.EUCLIDEAN);
        List<VectorRecord> batch = records(mixture(seed, new Random(seed), 4000, DIM, 10));
        VectorRecord probe = batch.get(1234);
        java.util.concurrent.atomic.AtomicBoolean done =
                new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger sawPending =
                new java.util.concurrent.atomic.AtomicInteger();
        Thread writer =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    c.upsert(batch);
                                    done.set(true);
                                });
        try {
            while (!done.get()) {
                long count = c.count(null);
                assertTrue(count == 0 || count == 4000, "all or nothing, saw " + count);
                if (count == 4000) {
                    Match top = c.search(SearchRequest.of(probe.vector(), 1)).getFirst();
                    assertEquals(probe.id(), top.record().id(), "found while linking");
                    if (c.stats().graphPending() > 0) {
                        sawPending.incrementAndGet();
                    }
                }
            }
        } finally {
            writer.join();
        }
        assertEquals(0, c.stats().graphPending(), "linked when upsert returns");
        assertEquals(4000, c.stats().graphNodes());
        assertEquals(
                probe.id(), c.search(SearchRequest.of(probe.vector(), 1)).getFirst().record().id());
    }
}
