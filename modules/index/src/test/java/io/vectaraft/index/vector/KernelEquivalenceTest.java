package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every float kernel the server runs (single pair, multi-query, tile, the finiteness check; the
 * rows kernels are the single-pair one in a loop, see {@link VectorOpsTest}) equals the scalar
 * reference, over dimensions on both sides of every lane and loop boundary (1, 15, 16, 17, 255,
 * 256, 257, ...) and unaligned offsets.
 *
 * <p>Two kinds of data. Small integers (-8..8): every product and partial sum is an integer below
 * 2^24, so a float sum is exact in any order and each kernel must equal the scalar reference and a
 * long sum <em>exactly</em>; a lane, row or tail that a kernel drops, repeats or mixes up fails
 * whatever the summation order. Gaussian data: the kernels agree with the scalar reference and a
 * double sum within {@value #RELATIVE_TOLERANCE} of {@code sum |a_i b_i|} (the scale of a float
 * sum's rounding error; the result itself may cancel to near 0).
 */
class KernelEquivalenceTest {
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final long SEED = Long.getLong("test.seed", System.nanoTime());
    private static final VectorKernels SCALAR = new ScalarKernels();
    private static final VectorKernels SIMD = new PanamaKernels();

    /** Around 8, 16, 64 and 256 floats (lane widths, the wide-loop and panel thresholds). */
    static IntStream dims() {
        return IntStream.of(
                1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 255, 256,
                257, 383, 384, 511, 512, 513, 784, 1021);
    }

    @BeforeAll
    static void logSeed() {
        System.out.println("KernelEquivalenceTest seed: -Dtest.seed=" + SEED);
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void singlePairKernelsAreExactOnIntegers(int dim) {
        Random random = new Random(SEED + dim);
        int[][] offsets = {{0, 0}, {3, 1}, {5, 17}};
        for (int[] offset : offsets) {
            int ao = offset[0];
            int bo = offset[1];
            float[] a = integers(random, ao + dim + 3);
            float[] b = integers(random, bo + dim + 1);
            long dot = 0;
            long l2 = 0;
            for (int i = 0; i < dim; i++) {
                dot += (long) a[ao + i] * (long) b[bo + i];
                long d = (long) a[ao + i] - (long) b[bo + i];
                l2 += d * d;
            }
            String where = where(dim) + " offsets " + ao + "/" + bo;
            for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                assertEquals(dot, kernels.dot(a, ao, b, bo, dim), kernels.name() + " dot" + where);
                assertEquals(
                        l2,
                        kernels.squareDistance(a, ao, b, bo, dim),
                        kernels.name() + " squareDistance" + where);
            }
        }
    }

    /**
     * The memory-segment kernels (rows of a mapped vector file, read in place) give the same bits
     * as the array kernels of the same implementation, at unaligned byte offsets too; the scalar
     * ones are checked against the array reference, the SIMD ones against the SIMD array kernels,
     * which the tests above tie to the reference.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void segmentKernelsEqualArrayKernels(int dim) {
        Random random = new Random(SEED + 31 * dim);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 10; round++) {
                int ao = round % 3;
                int rowOffset = round % 4; // floats before the row in the segment: 4 bytes each
                float[] a = gaussians(random, ao + dim + 2);
                float[] b = gaussians(random, rowOffset + dim);
                MemorySegment segment = arena.allocate(4L * b.length + 1);
                long byteOffset = round % 2 == 0 ? 4L * rowOffset : 0;
                MemorySegment at = round % 2 == 0 ? segment : segment.asSlice(1);
                MemorySegment.copy(b, rowOffset, at, Rows.FLOAT_LE, byteOffset, dim);
                String where = where(dim) + " round " + round;
                for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                    assertEquals(
                            Float.floatToIntBits(kernels.dot(a, ao, b, rowOffset, dim)),
                            Float.floatToIntBits(kernels.dot(a, ao, at, byteOffset, dim)),
                            kernels.name() + " dot over a segment" + where);
                    assertEquals(
                            Float.floatToIntBits(kernels.squareDistance(a, ao, b, rowOffset, dim)),
                            Float.floatToIntBits(
                                    kernels.squareDistance(a, ao, at, byteOffset, dim)),
                            kernels.name() + " squareDistance over a segment" + where);
                }
            }
        }
    }

    /**
     * The four-row kernels (a graph node's neighbours scored together) give each row the same bits
     * as the single-pair kernel of the same implementation, rows in separate arrays or sharing one,
     * at unaligned offsets; the single-pair kernels are tied to the reference above.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void fourRowKernelsEqualSinglePairs(int dim) {
        Random random = new Random(SEED + 7 * dim);
        for (int round = 0; round < 10; round++) {
            int qo = round % 3;
            float[] q = gaussians(random, qo + dim + 1);
            float[] shared = gaussians(random, 5 * dim + 7);
            float[][] rows = new float[4][];
            int[] offsets = new int[4];
            for (int r = 0; r < 4; r++) {
                boolean own = (round + r) % 2 == 0;
                rows[r] = own ? gaussians(random, dim + r) : shared;
                offsets[r] = own ? r % 2 : r * dim + round % 5;
            }
            String where = where(dim) + " round " + round;
            for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                float[] l2 = new float[4];
                float[] dot = new float[4];
                kernels.squareDistance4(q, qo, rows, offsets, dim, l2);
                kernels.dot4(q, qo, rows, offsets, dim, dot);
                assertRowsEqualPairs(
                        l2,
                        r -> kernels.squareDistance(q, qo, rows[r], offsets[r], dim),
                        kernels.name() + " squareDistance4" + where);
                assertRowsEqualPairs(
                        dot,
                        r -> kernels.dot(q, qo, rows[r], offsets[r], dim),
                        kernels.name() + " dot4" + where);
            }
        }
    }

    /**
     * The four-row kernels over memory segments give each row the bits of the segment pair kernel
     * of the same implementation, rows in separate segments or sharing one, at unaligned byte
     * offsets; the segment pair kernels are tied to the array ones above.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void fourRowSegmentKernelsEqualSinglePairs(int dim) {
        Random random = new Random(SEED + 11 * dim);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 10; round++) {
                int qo = round % 3;
                float[] q = gaussians(random, qo + dim + 1);
                MemorySegment shared = arena.allocate(4L * (5 * dim + 7) + 1);
                MemorySegment[] rows = new MemorySegment[4];
                long[] offsets = new long[4];
                for (int r = 0; r < 4; r++) {
                    boolean own = (round + r) % 2 == 0;
                    rows[r] = own ? arena.allocate(4L * dim + 3) : shared;
                    offsets[r] = own ? (r + round) % 4 : 4L * (r * dim) + round % 5;
                    float[] row = gaussians(random, dim);
                    MemorySegment.copy(row, 0, rows[r], Rows.FLOAT_LE, offsets[r], dim);
                }
                String where = where(dim) + " round " + round;
                for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                    float[] l2 = new float[4];
                    float[] dot = new float[4];
                    kernels.squareDistance4(q, qo, rows, offsets, dim, l2);
                    kernels.dot4(q, qo, rows, offsets, dim, dot);
                    assertRowsEqualPairs(
                            l2,
                            r -> kernels.squareDistance(q, qo, rows[r], offsets[r], dim),
                            kernels.name() + " squareDistance4 over segments" + where);
                    assertRowsEqualPairs(
                            dot,
                            r -> kernels.dot(q, qo, rows[r], offsets[r], dim),
                            kernels.name() + " dot4 over segments" + where);
                }
            }
        }
    }

    /** Each row of a four-row call has the bits the single-pair kernel gives that row. */
    private static void assertRowsEqualPairs(float[] four, IntToDoubleFunction pair, String what) {
        for (int r = 0; r < 4; r++) {
            assertEquals(
                    Float.floatToIntBits((float) pair.applyAsDouble(r)),
                    Float.floatToIntBits(four[r]),
                    what + ", row " + r);
        }
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void singlePairKernelsAgreeOnGaussians(int dim) {
        Random random = new Random(SEED - dim);
        for (int round = 0; round < 20; round++) {
            int ao = round % 5;
            int bo = round % 3;
            float[] a = gaussians(random, ao + dim + 3);
            float[] b = gaussians(random, bo + dim + 1);
            double exactDot = 0;
            double dotScale = 0;
            double exactL2 = 0;
            for (int i = 0; i < dim; i++) {
                double p = (double) a[ao + i] * b[bo + i];
                double d = (double) a[ao + i] - b[bo + i];
                exactDot += p;
                dotScale += Math.abs(p);
                exactL2 += d * d;
            }
            String where = where(dim) + " round " + round;
            float simdDot = SIMD.dot(a, ao, b, bo, dim);
            float scalarDot = SCALAR.dot(a, ao, b, bo, dim);
            assertClose(exactDot, simdDot, dotScale, "SIMD dot vs exact" + where);
            assertClose(exactDot, scalarDot, dotScale, "scalar dot vs exact" + where);
            assertClose(scalarDot, simdDot, dotScale, "SIMD dot vs scalar" + where);
            float simdL2 = SIMD.squareDistance(a, ao, b, bo, dim);
            float scalarL2 = SCALAR.squareDistance(a, ao, b, bo, dim);
            assertClose(exactL2, simdL2, exactL2, "SIMD L2 vs exact" + where);
            assertClose(exactL2, scalarL2, exactL2, "scalar L2 vs exact" + where);
            assertClose(scalarL2, simdL2, exactL2, "SIMD L2 vs scalar" + where);
        }
    }

    /** Query ranges: one query, a quad, a quad and a tail, two quads and a tail, not from 0. */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void multiQueryKernelIsExactOnIntegers(int dim) {
        Random random = new Random(SEED ^ (dim * 17L));
        float[][] queries = new float[12][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = integers(random, dim);
        }
        int offset = 3;
        float[] data = integers(random, offset + dim + 2);
        int[][] ranges = {{0, 1}, {0, 4}, {1, 6}, {2, 11}, {0, 12}};
        for (int[] range : ranges) {
            int from = range[0];
            int to = range[1];
            for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                float[] scores = new float[to - from + 1];
                scores[to - from] = Float.NaN;
                kernels.dotQueries(queries, from, to, data, offset, scores);
                for (int q = from; q < to; q++) {
                    assertEquals(
                            exactDot(queries[q], data, offset),
                            scores[q - from],
                            kernels.name() + " dotQueries" + where(dim) + " query " + q);
                }
                assertTrue(Float.isNaN(scores[to - from]), "dotQueries wrote past to - from");
            }
        }
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void multiQueryKernelAgreesOnGaussians(int dim) {
        Random random = new Random(SEED ^ (dim * 19L));
        float[][] queries = new float[11][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = gaussians(random, dim);
        }
        int offset = 5;
        float[] data = gaussians(random, offset + dim);
        float[] scores = new float[10];
        SIMD.dotQueries(queries, 1, 11, data, offset, scores);
        for (int q = 1; q < 11; q++) {
            assertClose(
                    SCALAR.dot(queries[q], 0, data, offset, dim),
                    scores[q - 1],
                    dotScale(queries[q], data, offset),
                    "SIMD dotQueries vs scalar" + where(dim) + " query " + q);
        }
    }

    /**
     * Row counts below, at and past the 16-row panel (taken below 256 dimensions) and the 4 x 4
     * tile; query ranges with and without a quad's tail.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void tileKernelIsExactOnIntegers(int dim) {
        Random random = new Random(SEED ^ (dim * 13L));
        float[][] queries = new float[11][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = integers(random, dim);
        }
        int offset = 1;
        float[] data = integers(random, offset + 37 * dim);
        int[] counts = {1, 3, 4, 5, 15, 16, 17, 21, 32, 37};
        int[][] ranges = {{0, 1}, {0, 4}, {1, 8}, {2, 11}};
        for (int count : counts) {
            for (int[] range : ranges) {
                int from = range[0];
                int to = range[1];
                for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                    float[] scores = new float[(to - from) * count + 1];
                    scores[scores.length - 1] = Float.NaN;
                    kernels.dotTile(queries, from, to, data, offset, count, scores);
                    for (int q = from; q < to; q++) {
                        for (int i = 0; i < count; i++) {
                            assertEquals(
                                    exactDot(queries[q], data, offset + i * dim),
                                    scores[(q - from) * count + i],
                                    kernels.name()
                                            + " dotTile"
                                            + where(dim)
                                            + " rows "
                                            + count
                                            + " queries "
                                            + from
                                            + ".."
                                            + to
                                            + ": query "
                                            + q
                                            + " row "
                                            + i);
                        }
                    }
                    assertTrue(Float.isNaN(scores[scores.length - 1]), "dotTile wrote past end");
                }
            }
        }
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void tileKernelAgreesOnGaussians(int dim) {
        Random random = new Random(SEED ^ (dim * 23L));
        float[][] queries = new float[9][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = gaussians(random, dim);
        }
        int count = 21;
        int offset = 2;
        float[] data = gaussians(random, offset + count * dim);
        float[] scores = new float[8 * count];
        SIMD.dotTile(queries, 1, 9, data, offset, count, scores);
        for (int q = 1; q < 9; q++) {
            for (int i = 0; i < count; i++) {
                int o = offset + i * dim;
                assertClose(
                        SCALAR.dot(queries[q], 0, data, o, dim),
                        scores[(q - 1) * count + i],
                        dotScale(queries[q], data, o),
                        "SIMD dotTile vs scalar" + where(dim) + " query " + q + " row " + i);
            }
        }
    }

    /** The edges of the finite floats: the check must let every one pass. */
    private static final float[] FINITE_EDGES = {
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MIN_NORMAL,
        Float.intBitsToFloat(0x007fffff),
        0f,
        -0f,
        Math.nextDown(Float.MAX_VALUE)
    };

    /** NaN and the infinities, NaNs with other payloads and signs among them. */
    private static final float[] NON_FINITE = {
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0x7f800001),
        Float.intBitsToFloat(0xffffffff)
    };

    /**
     * The finiteness check returns the first non-finite position, the same in both implementations:
     * every non-finite kind at every position (lanes, loop bound and tail), with a second
     * non-finite value after it, and finite edge values and non-finite values just outside the
     * slice that must not count.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("dims")
    void finitenessCheckFindsTheFirstNonFiniteValue(int dim) {
        Random random = new Random(SEED + 31L * dim);
        for (int offset : new int[] {0, 3}) {
            float[] v = gaussians(random, offset + dim + 2);
            for (int i = 0; i < dim; i += 1 + random.nextInt(4)) {
                v[offset + i] = FINITE_EDGES[random.nextInt(FINITE_EDGES.length)];
            }
            if (offset > 0) {
                v[offset - 1] = Float.NaN;
            }
            v[offset + dim] = Float.POSITIVE_INFINITY;
            v[offset + dim + 1] = Float.NaN;
            String where = where(dim) + " offset " + offset;
            for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                assertEquals(
                        -1,
                        kernels.firstNonFinite(v, offset, dim),
                        kernels.name() + " finite" + where);
            }
            for (int p = 0; p < dim; p++) {
                for (float bad : NON_FINITE) {
                    float[] w = v.clone();
                    w[offset + p] = bad;
                    if (p + 1 < dim) {
                        w[offset + p + 1 + random.nextInt(dim - p - 1)] = Float.NaN;
                    }
                    for (VectorKernels kernels : new VectorKernels[] {SCALAR, SIMD}) {
                        assertEquals(
                                p,
                                kernels.firstNonFinite(w, offset, dim),
                                kernels.name() + " " + bad + " at " + p + where);
                    }
                }
            }
        }
    }

    private static float exactDot(float[] query, float[] data, int offset) {
        long sum = 0;
        for (int j = 0; j < query.length; j++) {
            sum += (long) query[j] * (long) data[offset + j];
        }
        return sum;
    }

    private static double dotScale(float[] query, float[] data, int offset) {
        double scale = 0;
        for (int j = 0; j < query.length; j++) {
            scale += Math.abs((double) query[j] * data[offset + j]);
        }
        return scale;
    }

    private static String where(int dim) {
        return " (dim " + dim + ", -Dtest.seed=" + SEED + ")";
    }

    private static void assertClose(double expected, double actual, double scale, String what) {
        double tolerance = RELATIVE_TOLERANCE * scale + Float.MIN_NORMAL;
        assertTrue(
                Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + " +- " + tolerance + ", got " + actual);
    }

    /** Integers in [-8, 8]: at these dimensions every partial sum is an integer below 2^24. */
    static float[] integers(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextInt(17) - 8;
        }
        return v;
    }

    static float[] gaussians(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
