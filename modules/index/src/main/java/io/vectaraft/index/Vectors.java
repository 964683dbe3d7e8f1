package io.vectaraft.index;

/** Checks and normalization of vectors, shared by upserts and queries. */
final class Vectors {
    private Vectors() {}

    /**
     * Checks dimension and finiteness, and (under cosine) that the vector is not zero.
     *
     * @param what how the message names the vector, e.g. {@code record[3] id "a7"}
     */
    static void check(String what, float[] vector, int dimension, Metric metric) {
        if (vector == null) {
            throw new InvalidArgumentException(what + ": expected a vector, got none");
        }
        if (vector.length != dimension) {
            throw new InvalidArgumentException(
                    what + ": expected dimension " + dimension + ", got " + vector.length);
        }
        boolean allZero = true;
        for (int i = 0; i < vector.length; i++) {
            float v = vector[i];
            if (!Float.isFinite(v)) {
                throw new InvalidArgumentException(
                        what + ": values[" + i + "]: expected a finite number, got " + v);
            }
            allZero &= v == 0f;
        }
        if (allZero && metric == Metric.COSINE) {
            throw new InvalidArgumentException(
                    what + ": expected a non-zero vector under COSINE, got all zeros");
        }
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

    /**
     * The vector as stored under this metric: a normalized copy for cosine, else the array itself
     * (a {@link VectorRecord} owns its array, and the store copies it into its chunks).
     */
    static float[] stored(float[] vector, Metric metric) {
        return metric == Metric.COSINE ? normalized(vector) : vector;
    }
}
