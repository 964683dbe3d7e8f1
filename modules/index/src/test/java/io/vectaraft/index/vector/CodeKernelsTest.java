package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API code kernels equal the scalar ones exactly (integer sums) at lengths on both sides
 * of every lane boundary (32 bytes, 8 longs on AVX-512) and at odd offsets, and both equal a plain
 * long-arithmetic reference; extreme codes (127 times +-127 in every lane) do not overflow the sums
 * of two products in 16 bits; and the codes' norms and dot product give their squared distance
 * exactly.
 */
class CodeKernelsTest {
    private static final long SEED = Long.getLong("test.seed", System.nanoTime());
    private static final CodeKernels SCALAR = new ScalarCodeKernels();
    private static final CodeKernels SIMD = new PanamaCodeKernels();

    @ParameterizedTest(name = "int8 dim {0}, offsets {1}/{2}")
    @CsvSource({
        "1, 0, 0", "7, 3, 1", "15, 0, 0", "16, 1, 0", "17, 0, 2", "31, 0, 5", "32, 0, 0",
        "33, 2, 0", "63, 0, 0", "64, 3, 3", "65, 0, 0", "96, 0, 0", "97, 1, 1", "255, 0, 0",
        "256, 1, 0", "257, 0, 0", "383, 1, 7", "385, 0, 0", "768, 0, 0", "769, 13, 3", "1021, 0, 0"
    })
    void int8DotEqualsScalarAndGivesSquaredDistances(int dim, int aOffset, int bOffset) {
        Random random = new Random(SEED + dim);
        String seed = " (-Dtest.seed=" + SEED + ")";
        for (int round = 0; round < 20; round++) {
            byte[] a = codes(random, aOffset, dim);
            byte[] b = codes(random, bOffset, dim);
            if (round < 2) { // 127 * 127 twice is the largest sum of two products, in both signs
                Arrays.fill(a, aOffset, aOffset + dim, (byte) 127);
                Arrays.fill(b, bOffset, bOffset + dim, (byte) (round == 0 ? 127 : -127));
            }
            long expected = 0;
            long squares = 0;
            for (int i = 0; i < dim; i++) {
                expected += (long) a[aOffset + i] * b[bOffset + i];
                long d = a[aOffset + i] - b[bOffset + i];
                squares += d * d;
            }
            int dot = SIMD.dotInt8(a, aOffset, b, bOffset, dim);
            assertEquals(expected, SCALAR.dotInt8(a, aOffset, b, bOffset, dim), "scalar" + seed);
            assertEquals(expected, dot, "simd" + seed);
            int aNorm = SIMD.dotInt8(a, aOffset, a, aOffset, dim);
            int bNorm = SIMD.dotInt8(b, bOffset, b, bOffset, dim);
            assertEquals(squares, aNorm + bNorm - 2 * dot, "|a|^2 + |b|^2 - 2 a.b" + seed);
        }
    }

    /** {@code dim} random codes in [-127, 127] from {@code offset}, with a byte of noise around. */
    private static byte[] codes(Random random, int offset, int dim) {
        byte[] out = new byte[offset + dim + 3];
        random.nextBytes(out);
        for (int i = offset; i < offset + dim; i++) {
            out[i] = (byte) (random.nextInt(255) - 127);
        }
        return out;
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

    /**
     * A query's quantization into bit planes: both implementations give the reference's range and
     * every bit of every plane, at lengths on both sides of the lane and word boundaries; the
     * values include the range's ends (u = 0 and the top level), steps that round half up, a scale
     * of 0 (a query equal to its centroid) and values the clamp has to catch.
     */
    @ParameterizedTest(name = "quantize dim {0}, planes {1}")
    @CsvSource({
        "1, 4", "7, 4", "15, 4", "16, 4", "17, 4", "63, 4", "64, 4", "65, 1", "100, 2", "128, 4",
        "129, 8", "255, 4", "384, 4", "784, 4", "785, 3"
    })
    void quantizedPlanesEqualTheReference(int dim, int planes) {
        Random random = new Random(SEED + 17L * dim + planes);
        String seed = " (-Dtest.seed=" + SEED + ")";
        int words = (dim + 63) >>> 6;
        int levels = (1 << planes) - 1;
        for (int round = 0; round < 20; round++) {
            float[] a = new float[dim];
            float[] b = new float[dim];
            for (int i = 0; i < dim; i++) {
                a[i] = round == 0 ? 1.5f : (float) random.nextGaussian();
                b[i] = round == 1 ? (i % levels) * 0.25f - 0.125f : (float) random.nextGaussian();
                if (round == 1) {
                    a[i] = 0; // differences on the grid's half steps: u rounds half up
                }
            }
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < dim; i++) {
                min = Math.min(min, a[i] - b[i]);
                max = Math.max(max, a[i] - b[i]);
            }
            // round 2 scales past the top level, so the clamp decides the last values
            float scale = max > min ? levels / (max - min) * (round == 2 ? 1.5f : 1f) : 0f;
            long[] expected = new long[planes * words];
            for (int i = 0; i < dim; i++) {
                int u = (int) ((a[i] - b[i] - min) * scale + 0.5f);
                u = Math.max(0, Math.min(levels, u));
                for (int j = 0; j < planes; j++) {
                    if ((u & (1 << j)) != 0) {
                        expected[j * words + i / 64] |= 1L << (i % 64);
                    }
                }
            }
            for (CodeKernels kernels : new CodeKernels[] {SCALAR, SIMD}) {
                String name = (kernels == SCALAR ? "scalar" : "simd") + " round " + round + seed;
                float[] range = new float[2];
                kernels.differenceRange(a, b, range);
                assertEquals(min, range[0], name);
                assertEquals(max, range[1], name);
                long[] out = new long[planes * words];
                kernels.quantizePlanes(a, b, min, scale, out, planes);
                assertArrayEquals(expected, out, name);
            }
        }
    }
}
