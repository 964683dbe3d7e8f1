package io.vectaraft.index.vector;

import jdk.incubator.vector.FloatVector;

/**
 * The two sums the float kernels fold a pair of vectors into, each as a lane-wise step and a scalar
 * term for the tail: the dot product and the squared Euclidean distance. The kernel templates name
 * them by fold ({@code $fold$Step}, {@code $fold$Term}), so one loop serves both; each is a few
 * bytes of bytecode, always inlined.
 */
final class PanamaFolds {
    private PanamaFolds() {}

    /** {@code acc + q * x}, lane by lane. */
    static FloatVector dotStep(FloatVector q, FloatVector x, FloatVector acc) {
        return q.fma(x, acc);
    }

    /** {@code acc + (q - x)^2}, lane by lane. */
    static FloatVector squareDistanceStep(FloatVector q, FloatVector x, FloatVector acc) {
        FloatVector d = q.sub(x);
        return d.fma(d, acc);
    }

    /** {@code sum + q * x}, fused as the lanes are. */
    static float dotTerm(float q, float x, float sum) {
        return Math.fma(q, x, sum);
    }

    /** {@code sum + (q - x)^2}, fused as the lanes are. */
    static float squareDistanceTerm(float q, float x, float sum) {
        float d = q - x;
        return Math.fma(d, d, sum);
    }
}
