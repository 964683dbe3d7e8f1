package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The facade: its checks and that the implementation asked for is the one used. */
class VectorOpsTest {

    @Test
    void usesTheImplementationTheSuiteRunsWith() {
        // The index suite runs twice (see modules/index/pom.xml): once with -D...=scalar.
        boolean scalarRun = "scalar".equals(System.getProperty(KernelSelector.PROPERTY));
        String name = VectorOps.implementationName();
        if (scalarRun) {
            assertEquals("scalar", name, "forced scalar run");
        } else {
            assertTrue(
                    name.startsWith("panama-"), "default run on JDK 25 with the module: " + name);
        }
    }

    @Test
    void knownValues() {
        float[] a = {1, 2, 3};
        float[] b = {4, -5, 6};
        assertEquals(12f, VectorOps.dot(a, b), "1*4 - 2*5 + 3*6");
        assertEquals(9f + 49f + 9f, VectorOps.squareDistance(a, b), "3^2 + 7^2 + 3^2");
        assertEquals(
                -10f, VectorOps.dot(new float[] {9, 2, 9}, 1, new float[] {0, -5}, 1, 1), "slice");
    }

    @Test
    void finitenessCheckOverAnArrayAndASlice() {
        float[] v = {1, Float.NaN, 2, Float.NEGATIVE_INFINITY, 3};
        assertEquals(1, VectorOps.firstNonFinite(v), "first of two");
        assertEquals(1, VectorOps.firstNonFinite(v, 2, 2), "counted from the slice's start");
        assertEquals(-1, VectorOps.firstNonFinite(v, 4, 1), "the finite tail");
        assertEquals(-1, VectorOps.firstNonFinite(new float[0]), "empty");
        assertThrows(IndexOutOfBoundsException.class, () -> VectorOps.firstNonFinite(v, 3, 3));
    }

    @Test
    void rejectsDifferentDimensions() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VectorOps.dot(new float[3], new float[4]));
        assertEquals("vector dimensions differ: 3 != 4", e.getMessage());
    }

    @Test
    void multiQueryKernelsCheckTheirArguments() {
        float[][] queries = {{1, 2}, {3, 4}, {5, 6, 7}};
        float[] scores = new float[3];
        VectorOps.dotQueries(queries, 0, 2, new float[] {0, 1, 1}, 1, scores);
        assertEquals(3f, scores[0], "1*1 + 2*1");
        assertEquals(7f, scores[1], "3*1 + 4*1");
        VectorOps.dotQueries(queries, 1, 1, new float[0], 0, scores); // empty: no-op
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VectorOps.dotQueries(queries, 0, 3, new float[3], 0, scores));
        assertEquals("queries[2]: expected dimension 2, got 3", e.getMessage());
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> VectorOps.dotQueries(queries, 0, 2, new float[3], 2, scores),
                "the stored vector must fit in data");
    }

    /**
     * The rows kernels (one query against consecutive rows, what a single-query scan runs) give
     * every row the bits of the single-pair kernel, so a scan scores a vector the same whether it
     * falls in a run of rows or not, and as a batch's rescoring does.
     */
    @ParameterizedTest(name = "dim {0}")
    @MethodSource("io.vectaraft.index.vector.KernelEquivalenceTest#dims")
    void rowsEqualSinglePairsBitForBit(int dim) {
        Random random = new Random(dim);
        int count = 4 + dim % 7;
        float[] query = KernelEquivalenceTest.gaussians(random, dim);
        int offset = 2;
        float[] data = KernelEquivalenceTest.gaussians(random, offset + count * dim);
        float[] dots = new float[count + 1];
        float[] distances = new float[count + 1];
        dots[count] = Float.NaN;
        distances[count] = Float.NaN;
        VectorOps.dotRows(query, data, offset, count, dots);
        VectorOps.squareDistanceRows(query, data, offset, count, distances);
        for (int i = 0; i < count; i++) {
            int o = offset + i * dim;
            String where = " (" + VectorOps.implementationName() + ", dim " + dim + ", row " + i;
            assertEquals(VectorOps.dot(query, 0, data, o, dim), dots[i], 0f, "dot" + where + ")");
            assertEquals(
                    VectorOps.squareDistance(query, 0, data, o, dim),
                    distances[i],
                    0f,
                    "distance" + where + ")");
        }
        assertTrue(Float.isNaN(dots[count]), "dotRows wrote past count");
        assertTrue(Float.isNaN(distances[count]), "squareDistanceRows wrote past count");
    }
}
