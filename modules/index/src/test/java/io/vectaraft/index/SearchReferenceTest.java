package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.vector.VectorOps;
import io.vectaraft.index.write.TestCollection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact search equals a brute-force reference (score every record, sort by score then UTF-8 id) for
 * every metric, several dimensions, with and without filters, single-threaded and split across a
 * pool. Half of the data sets use small integer components so that ties are frequent.
 */
class SearchReferenceTest {
    /** A pool larger than this machine's core count, with thresholds low enough to split. */
    private static final FlatScanner PARALLEL = new FlatScanner(new ScanPool(4), 0, 64);

    private static final FlatScanner SERIAL = new FlatScanner(new ScanPool(1), 0, 64);

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            for (int dim : new int[] {1, 3, 17, 64, 130}) {
                for (boolean ties : new boolean[] {false, true}) {
                    for (boolean parallel : new boolean[] {false, true}) {
                        out.add(Arguments.of(metric, dim, ties, parallel));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} dim={1} ties={2} parallel={3}")
    @MethodSource("cases")
    void exactTopKEqualsBruteForce(Metric metric, int dim, boolean ties, boolean parallel) {
        long seed = TestSeeds.seed();
        String context = metric + " dim=" + dim + " ties=" + ties + " " + TestSeeds.describe(seed);
        Random random = new Random(seed);
        // Small integers under DOT/EUCLIDEAN sum exactly in any order, so even ties must come out
        // in id order; otherwise scores carry rounding that depends on the kernel's summation order
        // (the Vector API's lane reduction order is unspecified), and near-ties may swap.
        boolean exactArithmetic = ties && metric != Metric.COSINE;
        TestCollection collection =
                TestCollection.of(
                        new CollectionSpec("c", dim, metric, IndexSpec.flat()),
                        parallel ? PARALLEL : SERIAL);
        int n = 300 + random.nextInt(700);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(
                    new VectorRecord(
                            randomId(random, i),
                            randomVector(random, dim, ties, metric),
                            Map.of(
                                    "group", MetadataValue.of((long) random.nextInt(5)),
                                    "tag", MetadataValue.of(random.nextBoolean() ? "a" : "b"))));
        }
        collection.upsert(records.subList(0, n / 2));
        collection.upsert(records.subList(n / 2, n));
        // Deleting some records frees slots inside the scanned range.
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < n; i += 7) {
            deleted.add(records.get(i).id());
        }
        collection.delete(deleted);
        List<VectorRecord> stored = collection.get(records.stream().map(VectorRecord::id).toList());

        List<Filter> filters =
                List.of(
                        Filter.eq("group", MetadataValue.of(2L)),
                        Filter.or(
                                Filter.eq("tag", MetadataValue.of("a")),
                                Filter.not(Filter.eq("group", MetadataValue.of(1.0)))));
        for (int q = 0; q < 10; q++) {
            float[] query = randomVector(random, dim, ties, metric);
            int k = 1 + random.nextInt(q < 8 ? 20 : 2 * n);
            Filter filter = q % 3 == 0 ? null : filters.get(q % 2);
            List<Match> actual = collection.search(SearchRequest.of(query, k, filter));
            List<Scored> expected = reference(stored, metric, query, k, filter);
            String where = "query " + q + " k=" + k + " filter=" + filter + " " + context;
            if (exactArithmetic) {
                assertEquals(
                        expected.stream().map(Scored::id).toList(),
                        actual.stream().map(m -> m.record().id()).toList(),
                        where);
            } else {
                assertSameRanking(expected, actual, where);
            }
            for (Match m : actual) {
                assertEquals(
                        trueScore(metric, query, records.get(indexOf(records, m.record().id()))),
                        m.score(),
                        1e-3 * Math.max(1, Math.abs(m.score())),
                        "score of " + m.record().id() + " " + context);
            }
        }
        // A batch returns what single searches return.
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 5; q++) {
            queries.add(randomVector(random, dim, ties, metric));
        }
        List<List<Match>> batch = collection.searchBatch(queries, 10, filters.get(1));
        for (int q = 0; q < queries.size(); q++) {
            List<Match> single =
                    collection.search(SearchRequest.of(queries.get(q), 10, filters.get(1)));
            if (exactArithmetic) {
                MatchAssert.assertSameMatches(single, batch.get(q), "batch query " + q + context);
            } else {
                assertSameRanking(
                        single.stream().map(m -> new Scored(m.record().id(), m.score())).toList(),
                        batch.get(q),
                        "batch query " + q + " " + context);
            }
        }
    }

    private static int indexOf(List<VectorRecord> records, String id) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("unknown id " + id);
    }

    record Scored(String id, float score) {}

    /**
     * The same ranking up to rounding: equal length, distinct ids, and rank by rank the same score
     * within a relative 1e-5 (so ids may only swap between near-equal scores; the caller checks
     * each returned score against the definition).
     */
    private static void assertSameRanking(List<Scored> expected, List<Match> actual, String where) {
        assertEquals(expected.size(), actual.size(), "result count " + where);
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.get(i).score();
            float tolerance = 1e-5f * Math.max(1f, Math.abs(e));
            assertEquals(e, actual.get(i).score(), tolerance, "score at rank " + i + " " + where);
        }
        assertEquals(
                actual.size(),
                actual.stream().map(m -> m.record().id()).distinct().count(),
                "distinct ids " + where);
    }

    /** The reference order: internal score (float kernel on stored vectors), then UTF-8 id. */
    private static List<Scored> reference(
            List<VectorRecord> stored, Metric metric, float[] query, int k, Filter filter) {
        float[] q = metric == Metric.COSINE ? TestCollection.normalized(query) : query;
        List<Scored> all = new ArrayList<>();
        for (VectorRecord r : stored) {
            if (FilterMatcher.matches(filter, r.metadata())) {
                float s =
                        metric == Metric.EUCLIDEAN
                                ? -VectorOps.squareDistance(q, r.vector())
                                : VectorOps.dot(q, r.vector());
                all.add(new Scored(r.id(), s));
            }
        }
        all.sort(
                Comparator.comparing(Scored::score, Comparator.reverseOrder())
                        .thenComparing(Scored::id, Ids.UTF8_ORDER));
        return all.stream()
                .limit(k)
                .map(sc -> new Scored(sc.id(), FlatScanner.toScore(metric, sc.score())))
                .toList();
    }

    /** The score from the definition, in double, on the vector as given (not normalized). */
    private static double trueScore(Metric metric, float[] query, VectorRecord original) {
        float[] v = original.vector();
        double dot = 0;
        double qq = 0;
        double vv = 0;
        double sq = 0;
        for (int i = 0; i < v.length; i++) {
            dot += (double) query[i] * v[i];
            qq += (double) query[i] * query[i];
            vv += (double) v[i] * v[i];
            sq += ((double) query[i] - v[i]) * ((double) query[i] - v[i]);
        }
        return switch (metric) {
            case COSINE -> dot / Math.sqrt(qq * vv);
            case DOT -> dot;
            case EUCLIDEAN -> Math.sqrt(sq);
        };
    }

    static float[] randomVector(Random random, int dim, boolean ties, Metric metric) {
        float[] v = new float[dim];
        do {
            for (int i = 0; i < dim; i++) {
                v[i] = ties ? random.nextInt(3) - 1 : (float) random.nextGaussian();
            }
        } while (metric == Metric.COSINE && isZero(v));
        return v;
    }

    private static boolean isZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Ids mixing ASCII, BMP above U+E000 and supplementary characters, so UTF-8 order matters. */
    private static String randomId(Random random, int i) {
        String[] prefixes = {"a", "\uFFFD", "\uD83D\uDE00", "\uE000", "z"};
        return prefixes[random.nextInt(prefixes.length)] + i;
    }
}
