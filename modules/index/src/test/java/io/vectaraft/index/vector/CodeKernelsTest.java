package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API code kernels equal the scalar ones exactly (integer sums) at lengths on both sides
 * of every lane boundary (32 bytes, 8 longs on AVX-512) and at odd offsets, and both equal a plain
 * long-arithmetic reference; extreme codes (-128 times -128 in every lane) do not overflow the
 * short products.
 */
class CodeKernelsTest {
    private static final long SEED = Long.getLong("test.seed", System.nanoTime());
    private static final CodeKernels SCALAR = new ScalarCodeKernels();
    private static final CodeKernels SIMD = new PanamaCodeKernels();

    @ParameterizedTest(name = "int8 dim {0}, offsets {1}/{2}")
    @CsvSource({
        "1, 0, 0", "7, 3, 1", "15, 0, 0", "16, 1, 0", "17, 0, 2", "31, 0, 5", "32, 0, 0",
        "33, 2, 0", "63, 0, 0", "64, 3, 3", "65, 0, 0", "97, 0, 0", "255, 0, 0", "256, 1, 0",
        "257, 0, 0", "383, 1, 7", "385, 0, 0", "769, 13, 3", "1021, 0, 0"
    })
    void int8DotEqualsScalar(int dim, int aOffset, int bOffset) {
        Random random = new Random(SEED + dim);
        for (int round = 0; round < 20; round++) {
            byte[] a = new byte[aOffset + dim + 2];
            byte[] b = new byte[bOffset + dim + 3];
            random.nextBytes(a);
            random.nextBytes(b);
            long expected = 0;
            long squares = 0;
            for (int i = 0; i < dim; i++) {
                expected += (long) a[aOffset + i] * b[bOffset + i];
                long d = a[aOffset + i] - b[bOffset + i];
                squares += d * d;
            }
            String seed = " (-Dtest.seed=" + SEED + ")";
            assertEquals(
                    squares,
                    SCALAR.squareDistanceInt8(a, aOffset, b, bOffset, dim),
                    "scalar L2" + seed);
            assertEquals(
                    squares,
                    SIMD.squareDistanceInt8(a, aOffset, b, bOffset, dim),
                    "simd L2" + seed);
            assertEquals(expected, SCALAR.dotInt8(a, aOffset, b, bOffset, dim), "scalar" + seed);
            assertEquals(expected, SIMD.dotInt8(a, aOffset, b, bOffset, dim), "simd" + seed);
        }
        byte[] extreme = new byte[dim];
        java.util.Arrays.fill(extreme, Byte.MIN_VALUE);
        assertEquals(16384L * dim, SIMD.dotInt8(extreme, 0, extreme, 0, dim), "-128 * -128");
        byte[] opposite = new byte[dim];
        java.util.Arrays.fill(opposite, Byte.MAX_VALUE);
        assertEquals(
                65025L * dim,
                SIMD.squareDistanceInt8(extreme, 0, opposite, 0, dim),
                "(-128 - 127)^2");
    }

    @ParameterizedTest(name = "bit planes: words {0}, planes {1}, offset {2}")
    @CsvSource({
        "1, 4, 0",
        "3, 4, 1",
        "4, 2, 0",
        "6, 4, 0",
        "7, 1, 2",
        "8, 4, 0",
        "9, 4, 3",
        "12, 4, 0",
        "13, 4, 5",
        "15, 8, 0",
        "16, 4, 1",
        "17, 3, 1",
        "33, 4, 0",
        "0, 4, 0",
        "5, 0, 0"
    })
    void bitPlaneDotEqualsScalar(int words, int planes, int offset) {
        Random random = new Random(SEED + 31L * words + planes);
        for (int round = 0; round < 20; round++) {
            long[] code = new long[offset + words + 1];
            long[] query = new long[planes * words];
            for (int i = 0; i < code.length; i++) {
                code[i] = random.nextLong();
            }
            for (int i = 0; i < query.length; i++) {
                query[i] = random.nextLong();
            }
            long expected = 0;
            for (int j = 0; j < planes; j++) {
                for (int w = 0; w < words; w++) {
                    for (int bit = 0; bit < 64; bit++) {
                        long mask = 1L << bit;
                        if ((code[offset + w] & mask) != 0 && (query[j * words + w] & mask) != 0) {
                            expected += 1L << j;
                        }
                    }
                }
            }
            String seed = " (-Dtest.seed=" + SEED + ")";
            assertEquals(
                    expected,
                    SCALAR.bitPlaneDot(code, offset, query, words, planes),
                    "scalar" + seed);
            assertEquals(
                    expected, SIMD.bitPlaneDot(code, offset, query, words, planes), "simd" + seed);
        }
    }
}
