package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernels agree with the scalar reference on odd dimensions and unaligned offsets.
 * Both are also checked against a double-precision sum, so a bug shared by the two (or a reference
 * that drifted) still fails. The tolerance is relative to {@code sum |a_i * b_i|}, the scale of a
 * float summation's rounding error, because the result itself may cancel to near 0.
 */
class KernelEquivalenceTest {
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final long SEED = Long.getLong("test.seed", System.nanoTime());
    private static final VectorKernels SCALAR = new ScalarKernels();
    private static final VectorKernels SIMD = new PanamaKernels();

    @BeforeAll
    static void logSeed() {
        System.out.println("KernelEquivalenceTest seed: -Dtest.seed=" + SEED);
    }

    @ParameterizedTest(name = "dim {0}, offsets {1}/{2}")
    @CsvSource({
        "1, 0, 0",
        "1, 3, 1",
        "3, 0, 0",
        "3, 5, 2",
        "16, 0, 0",
        "17, 0, 0",
        "17, 7, 13",
        "64, 1, 0",
        "784, 0, 0",
        "784, 11, 3",
        "1021, 0, 0",
        "1021, 5, 17"
    })
    void singlePairKernelsAgree(int dim, int aOffset, int bOffset) {
        Random random = new Random(SEED + dim);
        for (int round = 0; round < 20; round++) {
            float[] a = randomArray(random, aOffset + dim + 3);
            float[] b = randomArray(random, bOffset + dim + 1);
            double exactDot = 0;
            double dotScale = 0;
            double exactL2 = 0;
            for (int i = 0; i < dim; i++) {
                double p = (double) a[aOffset + i] * b[bOffset + i];
                double d = (double) a[aOffset + i] - b[bOffset + i];
                exactDot += p;
                dotScale += Math.abs(p);
                exactL2 += d * d;
            }
            String where = "seed " + SEED + " dim " + dim + " round " + round;
            float simdDot = SIMD.dot(a, aOffset, b, bOffset, dim);
            float scalarDot = SCALAR.dot(a, aOffset, b, bOffset, dim);
            assertClose(exactDot, simdDot, dotScale, "SIMD dot vs exact, " + where);
            assertClose(exactDot, scalarDot, dotScale, "scalar dot vs exact, " + where);
            assertClose(scalarDot, simdDot, dotScale, "SIMD dot vs scalar, " + where);

            float simdL2 = SIMD.squareDistance(a, aOffset, b, bOffset, dim);
            float scalarL2 = SCALAR.squareDistance(a, aOffset, b, bOffset, dim);
            assertClose(exactL2, simdL2, exactL2, "SIMD L2 vs exact, " + where);
            assertClose(scalarL2, simdL2, exactL2, "SIMD L2 vs scalar, " + where);
        }
    }

    @ParameterizedTest(name = "dim {0}, queries {1}..{2}, offset {3}")
    @CsvSource({
        "1, 0, 5, 0",
        "3, 1, 8, 2",
        "17, 0, 4, 5",
        "17, 2, 9, 0",
        "784, 0, 7, 3",
        "1021, 1, 6, 1"
    })
    void multiQueryKernelsAgreeWithSinglePairKernels(int dim, int from, int to, int offset) {
        Random random = new Random(SEED ^ (dim * 17L + to));
        float[][] queries = new float[to + 1][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = randomArray(random, dim);
        }
        float[] data = randomArray(random, offset + dim + 2);
        for (VectorKernels kernels : new VectorKernels[] {SIMD, SCALAR}) {
            float[] dots = new float[to - from + 1];
            float[] distances = new float[to - from + 1];
            dots[to - from] = Float.NaN;
            kernels.dotQueries(queries, from, to, data, offset, dots);
            kernels.squareDistanceQueries(queries, from, to, data, offset, distances);
            for (int q = from; q < to; q++) {
                double scale = 0;
                for (int j = 0; j < dim; j++) {
                    scale += Math.abs((double) queries[q][j] * data[offset + j]);
                }
                float refDot = SCALAR.dot(queries[q], 0, data, offset, dim);
                float refL2 = SCALAR.squareDistance(queries[q], 0, data, offset, dim);
                String where = kernels.name() + " seed " + SEED + " dim " + dim + " query " + q;
                assertClose(refDot, dots[q - from], scale, "multi-query dot, " + where);
                assertClose(refL2, distances[q - from], refL2, "multi-query L2, " + where);
            }
            assertTrue(Float.isNaN(dots[to - from]), "multi-query kernel wrote past to - from");
        }
    }

    /**
     * The rows kernels (one query against consecutive rows, what a single-query scan runs) give
     * every row the bits of the single-pair kernel of the same implementation, so a scan scores a
     * vector the same whether it falls in a run of rows or not, and as a batch's rescoring does.
     */
    @ParameterizedTest(name = "dim {0}, count {1}")
    @CsvSource({
        "1, 9", "3, 4", "15, 5", "16, 8", "17, 7", "63, 4", "64, 6", "65, 5", "128, 13", "200, 4",
        "255, 4", "256, 5", "257, 4", "784, 9", "1021, 5"
    })
    void rowsKernelsEqualSinglePairKernelsBitForBit(int dim, int count) {
        Random random = new Random(SEED ^ (dim * 31L + count));
        float[] query = randomArray(random, dim);
        int offset = 2;
        float[] data = randomArray(random, offset + count * dim);
        for (VectorKernels kernels : new VectorKernels[] {SIMD, SCALAR}) {
            float[] dots = new float[count + 1];
            float[] distances = new float[count + 1];
            dots[count] = Float.NaN;
            distances[count] = Float.NaN;
            kernels.dotRows(query, data, offset, count, dots);
            kernels.squareDistanceRows(query, data, offset, count, distances);
            for (int i = 0; i < count; i++) {
                String where = kernels.name() + " seed " + SEED + " row " + i;
                int o = offset + i * dim;
                assertEquals(kernels.dot(query, 0, data, o, dim), dots[i], 0f, "dot, " + where);
                assertEquals(
                        kernels.squareDistance(query, 0, data, o, dim),
                        distances[i],
                        0f,
                        "distance, " + where);
            }
            assertTrue(Float.isNaN(dots[count]), "dotRows wrote past count");
            assertTrue(Float.isNaN(distances[count]), "squareDistanceRows wrote past count");
        }
    }

    @ParameterizedTest(name = "dim {0}, queries {1}..{2}, count {3}, offset {4}")
    @CsvSource({
        "1, 0, 5, 6, 0",
        "17, 1, 10, 9, 3",
        "784, 0, 8, 8, 0",
        "1021, 2, 7, 5, 1",
        "3, 1, 6, 16, 0",
        "128, 0, 9, 37, 2",
        "255, 2, 7, 48, 1"
    })
    void tileKernelAgreesWithSinglePairKernels(int dim, int from, int to, int count, int offset) {
        Random random = new Random(SEED ^ (dim * 13L + count));
        float[][] queries = new float[to][];
        for (int q = 0; q < to; q++) {
            queries[q] = randomArray(random, dim);
        }
        float[] data = randomArray(random, offset + count * dim);
        for (VectorKernels kernels : new VectorKernels[] {SIMD, SCALAR}) {
            float[] scores = new float[(to - from) * count + 1];
            scores[scores.length - 1] = Float.NaN;
            kernels.dotTile(queries, from, to, data, offset, count, scores);
            float[] distances = new float[(to - from) * count];
            kernels.squareDistanceTile(queries, from, to, data, offset, count, distances);
            for (int q = from; q < to; q++) {
                for (int i = 0; i < count; i++) {
                    int o = offset + i * dim;
                    double scale = 0;
                    for (int j = 0; j < dim; j++) {
                        scale += Math.abs((double) queries[q][j] * data[o + j]);
                    }
                    assertClose(
                            SCALAR.dot(queries[q], 0, data, o, dim),
                            scores[(q - from) * count + i],
                            scale,
                            "tile dot, "
                                    + kernels.name()
                                    + " seed "
                                    + SEED
                                    + " q "
                                    + q
                                    + " i "
                                    + i);
                }
            }
            assertTrue(Float.isNaN(scores[scores.length - 1]), "tile kernel wrote past the end");
        }
    }

    private static void assertClose(double expected, double actual, double scale, String what) {
        double tolerance = RELATIVE_TOLERANCE * scale + Float.MIN_NORMAL;
        assertTrue(
                Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + " +- " + tolerance + ", got " + actual);
    }

    static float[] randomArray(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
