package io.vectaraft.index.write;

import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.Metric;

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
        boolean allZero = true;
        for (int i = 0; i < vector.length; i++) {
            float v = vector[i];
            if (!Float.isFinite(v)) {
                return "values[" + i + "]: expected a finite number, got " + v;
            }
            allZero &= v == 0f;
        }
        if (allZero && metric == Metric.COSINE) {
            return "expected a non-zero vector under COSINE, got all zeros";
        }
        return null;
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
