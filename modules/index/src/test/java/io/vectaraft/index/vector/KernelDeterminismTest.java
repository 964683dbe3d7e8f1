package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A kernel gives bit-identical results for the same inputs, however often it runs: before and after
 * the JIT compiles it. {@code reduceLanes(ADD)} failed this (the compiled code summed the lanes in
 * another order), so a query scored differently in its last bit after a restart.
 */
class KernelDeterminismTest {
    /** Enough calls for C2 to compile the kernel and replace the interpreted or C1 code. */
    private static final int CALLS = 100_000;

    @ParameterizedTest(name = "dim {0}")
    @ValueSource(ints = {17, 97, 784})
    void sameInputsSameBits(int dim) {
        VectorKernels simd = new PanamaKernels();
        Random random = new Random(dim);
        float[] a = new float[dim];
        float[] b = new float[dim];
        for (int i = 0; i < dim; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        float[][] queries = {a, b, a, b, a};
        float[] firstBatch = new float[queries.length];
        simd.dotQueries(queries, 0, queries.length, b, 0, firstBatch);
        float firstDot = simd.dot(a, 0, b, 0, dim);
        float firstDistance = simd.squareDistance(a, 0, b, 0, dim);
        float[] batch = new float[queries.length];
        // The tile kernel: 5 queries (a quad and a tail) against 17 rows (a 16-row panel below 256
        // dimensions, then a quad tile and a tail row).
        float[] rows = new float[17 * dim];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        float[] firstTile = new float[5 * 17];
        simd.dotTile(queries, 0, 5, rows, 0, 17, firstTile);
        float[] tile = new float[5 * 17];
        for (int call = 0; call < CALLS; call++) {
            assertEquals(firstDot, simd.dot(a, 0, b, 0, dim), "dot, call " + call);
            assertEquals(
                    firstDistance, simd.squareDistance(a, 0, b, 0, dim), "distance, call " + call);
            simd.dotQueries(queries, 0, queries.length, b, 0, batch);
            assertEquals(firstBatch[0], batch[0], "multi-query dot, call " + call);
            if (call % 10 == 0) {
                simd.dotTile(queries, 0, 5, rows, 0, 17, tile);
                assertArrayEquals(firstTile, tile, "dot tile, call " + call);
            }
        }
    }
}
