package io.vectaraft.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
}
