package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.Metric;
import io.vectaraft.index.TestSeeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Euclidean batch ranks by {@code 2 q.x - |x|^2} and rescores its candidates exactly ({@link
 * EuclideanRescorer}): it must return, bit for bit, what one query at a time returns (same slots in
 * the same order, same scores). The hard cases: points far from the origin compared to their
 * distances (the dot-product form cancels, so its ranking is wrong and the check must send the
 * query to an exact rescan) and exact duplicates (ties beyond the extra candidates, decided by id).
 */
class EuclideanBatchExactnessTest {
    private static final int QUERIES = 23;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int dim : new int[] {1, 3, 17, 128, 784}) {
            for (String shape : List.of("gaussian", "far", "duplicates")) {
                cases.add(Arguments.of(dim, shape));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "dim {0}, {1}")
    @MethodSource("cases")
    void batchEqualsSingleQueriesBitForBit(int dim, String shape) {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        int n = dim == 784 ? 300 : 900;
        SlotStore store = new SlotStore(dim, true, 64 * dim);
        float[] offset = vector(random, dim, 1000f); // "far": a cluster 1000 away, spread 0.01
        for (int i = 0; i < n; i++) {
            float[] v =
                    switch (shape) {
                        case "far" -> plus(offset, vector(random, dim, 0.01f));
                        case "duplicates" -> vector(new Random(seed + i / 40), dim, 1f);
                        default -> vector(random, dim, 1f);
                    };
            store.put("r" + i, v, Map.of());
        }
        float[][] queries = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            queries[q] =
                    shape.equals("far")
                            ? plus(offset, vector(random, dim, 0.01f))
                            : vector(random, dim, 1f);
        }
        long[] candidates = store.liveBits().clone();
        int k = 10;
        for (FlatScanner scanner :
                List.of(
                        new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 64),
                        new FlatScanner(new ScanPool(3), 0, 64))) {
            TopK[] batch = scanner.search(store, Metric.EUCLIDEAN, queries, k, candidates);
            for (int q = 0; q < QUERIES; q++) {
                TopK single =
                        scanner.search(
                                        store,
                                        Metric.EUCLIDEAN,
                                        new float[][] {queries[q]},
                                        k,
                                        candidates)[0];
                assertSame(
                        single,
                        batch[q],
                        "dim " + dim + ", " + shape + ", query " + q + " " + describe(seed));
            }
        }
    }

    @ParameterizedTest(name = "worst kept {0}, k-th distance {1}")
    @MethodSource("uncheckable")
    void nonFiniteOrTightGapsAreNotProvable(float worstKept, float kthDistance) {
        assertFalse(
                EuclideanRescorer.provablyComplete(new float[] {3f, 4f}, worstKept, kthDistance));
    }

    static Stream<Arguments> uncheckable() {
        // |q|^2 = 25: a kept score of 24 means distance 1 for the best left out.
        return Stream.of(
                Arguments.of(Float.NaN, 1f),
                Arguments.of(Float.NEGATIVE_INFINITY, 1f),
                Arguments.of(24f, Float.POSITIVE_INFINITY),
                Arguments.of(24f, Float.NaN),
                Arguments.of(24f, 1f), // a vector left out may tie with the k-th
                Arguments.of(24f, 1.0001f));
    }

    @ParameterizedTest(name = "worst kept {0}")
    @MethodSource("provable")
    void clearGapsAreProvable(float worstKept) {
        assertTrue(EuclideanRescorer.provablyComplete(new float[] {3f, 4f}, worstKept, 1f));
    }

    static Stream<Arguments> provable() {
        return Stream.of(Arguments.of(23f), Arguments.of(0f), Arguments.of(-1e6f));
    }

    private static void assertSame(TopK expected, TopK actual, String message) {
        assertEquals(expected.size(), actual.size(), message + ": size");
        int n = expected.size();
        int[] expectedSlots = new int[n];
        float[] expectedScores = new float[n];
        int[] actualSlots = new int[n];
        float[] actualScores = new float[n];
        expected.drainBestFirst(expectedSlots, expectedScores);
        actual.drainBestFirst(actualSlots, actualScores);
        assertArrayEquals(expectedSlots, actualSlots, message + ": slots");
        assertArrayEquals(expectedScores, actualScores, message + ": scores"); // exact bits
    }

    private static String describe(long seed) {
        return TestSeeds.describe(seed);
    }

    private static float[] vector(Random random, int dim, float scale) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = scale * (float) random.nextGaussian();
        }
        return v;
    }

    private static float[] plus(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }
}
