package io.vectaraft.index.write;

import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Metric;
import io.vectaraft.index.vector.VectorOps;

/** Checks and normalization of vectors, shared by upserts and queries. */
final class Vectors {
    private Vectors() {}

    /**
     * Checks dimension and finiteness, and (under cosine) that the vector is not zero.
     *
     * @param what how the message names the vector, e.g. {@code queries[3]}
     */
    static void check(String what, float[] vector, int dimension, Metric metric) {
        String problem = problem(vector, dimension, metric);
        if (problem != null) {
            throw new InvalidArgumentException(what + ": " + problem);
        }
    }

    /** What is wrong with the vector ("expected dimension 128, got 127"), or null. */
    static String problem(float[] vector, int dimension, Metric metric) {
        if (vector == null) {
            return "expected a vector, got none";
        }
        if (vector.length != dimension) {
            return "expected dimension " + dimension + ", got " + vector.length;
        }
        // The kernel (SIMD under the Vector API): a scalar loop here was ~15% of an upsert's server
        // time at 768 dimensions, as C2 does not vectorize a loop that exits early.
        int bad = VectorOps.firstNonFinite(vector);
        if (bad >= 0) {
            return "values[" + bad + "]: expected a finite number, got " + vector[bad];
        }
        if (metric == Metric.COSINE && allZero(vector)) {
            return "expected a non-zero vector under COSINE, got all zeros";
        }
        return null;
    }

    /** Whether every value is 0 (or -0); stops at the first that is not, usually the first. */
    private static boolean allZero(float[] vector) {
        for (float v : vector) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * A unit-length copy of a non-zero vector. The norm is summed in double in index order, so the
     * same input always gives bit-identical output (replaying a log rebuilds the same state).
     */
    static float[] normalized(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        double norm = Math.sqrt(sum);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (vector[i] / norm);
        }
        return out;
    }
}
