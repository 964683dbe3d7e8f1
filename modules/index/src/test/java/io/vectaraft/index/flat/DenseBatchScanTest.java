package io.vectaraft.index.flat;

import io.vectaraft.index.Match;
import io.vectaraft.index.MatchAssert;
import io.vectaraft.index.Metric;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.VectorRecord;
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
 * A batch over dense candidates (no filter, or one keeping 90% of the slots) takes the
 * register-tiled path of {@link FlatScanner} for runs of consecutive slots; it must equal brute
 * force per query. Small chunks (32 or 128 rows) put many chunk boundaries, some inside a bitset
 * word, under the scan; 37 queries leave a tail of one beyond the four-query tiles.
 */
class DenseBatchScanTest {
    private static final int QUERIES = 37;
    private static final int K = 10;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] dimsAndChunkRows = {{1, 32}, {17, 128}, {784, 32}};
        for (int[] d : dimsAndChunkRows) {
            for (Metric metric : List.of(Metric.EUCLIDEAN, Metric.DOT)) {
                for (double keep : new double[] {1.0, 0.9}) {
                    cases.add(Arguments.of(d[0], d[1], metric, keep));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "dim {0}, {1}-row chunks, {2}, keep {3}")
    @MethodSource("cases")
    void denseBatchEqualsBruteForce(int dim, int chunkRows, Metric metric, double keep) {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        int n = dim == 784 ? 333 : 1001; // several chunks, a partial last word
        SlotStore store = new SlotStore(dim, true, chunkRows * dim);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = randomVector(random, dim);
            vectors.add(v);
            store.put("r" + i, v, Map.of());
        }
        long[] candidates = store.liveBits().clone();
        if (keep < 1.0) {
            for (int slot = 0; slot < n; slot++) {
                if (random.nextDouble() >= keep) {
                    candidates[slot >>> 6] &= ~(1L << slot);
                }
            }
        }
        float[][] queries = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            queries[q] = randomVector(random, dim);
        }
        String where = "dim " + dim + ", " + metric + ", keep " + keep + " ";
        for (FlatScanner scanner :
                List.of(
                        new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 64),
                        new FlatScanner(new ScanPool(3), 0, 64))) {
            TopK[] heaps = scanner.search(store, metric, queries, K, candidates);
            for (int q = 0; q < QUERIES; q++) {
                MatchAssert.assertSameMatches(
                        bruteForce(store, vectors, metric, queries[q], candidates),
                        matches(store, vectors, metric, heaps[q]),
                        where + "query " + q + " " + TestSeeds.describe(seed));
            }
        }
    }

    private static List<Match> bruteForce(
            SlotStore store,
            List<float[]> vectors,
            Metric metric,
            float[] query,
            long[] candidates) {
        record Scored(int slot, double score) {}
        List<Scored> all = new ArrayList<>();
        for (int slot = 0; slot < vectors.size(); slot++) {
            if ((candidates[slot >>> 6] & (1L << slot)) != 0) {
                all.add(new Scored(slot, exactScore(metric, query, vectors.get(slot))));
            }
        }
        // Best first: smallest distance, or largest dot product.
        Comparator<Scored> order = Comparator.comparingDouble(Scored::score);
        all.sort(metric == Metric.EUCLIDEAN ? order : order.reversed());
        List<Match> out = new ArrayList<>();
        for (Scored s : all.subList(0, Math.min(K, all.size()))) {
            out.add(new Match(record(store, vectors, s.slot()), (float) s.score()));
        }
        return out;
    }

    private static double exactScore(Metric metric, float[] query, float[] v) {
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += metric == Metric.EUCLIDEAN ? Math.pow(query[i] - v[i], 2) : query[i] * v[i];
        }
        return metric == Metric.EUCLIDEAN ? Math.sqrt(sum) : sum;
    }

    private static List<Match> matches(
            SlotStore store, List<float[]> vectors, Metric metric, TopK heap) {
        int[] slots = new int[heap.size()];
        float[] scores = new float[heap.size()];
        int count = heap.drainBestFirst(slots, scores);
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    new Match(
                            record(store, vectors, slots[i]),
                            FlatScanner.toScore(metric, scores[i])));
        }
        return out;
    }

    private static VectorRecord record(SlotStore store, List<float[]> vectors, int slot) {
        return new VectorRecord(store.id(slot), vectors.get(slot), Map.of());
    }

    private static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
