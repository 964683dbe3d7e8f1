package io.vectaraft.index.vector;

/**
 * Distance kernels over {@code float[]} slices. A static facade (as Lucene's and JVector's {@code
 * VectorUtil}): the implementation is chosen once, at class initialisation.
 *
 * <p>Slices are given as (array, offset) pairs of {@code length} floats, so vectors may live side
 * by side in one large array.
 */
public final class VectorOps {
    private VectorOps() {}

    /** Inner product of {@code a[aOffset..+length)} and {@code b[bOffset..+length)}. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** Squared Euclidean distance of two slices. */
    public static float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    public static float dot(float[] a, float[] b) {
        return dot(a, 0, b, 0, checkedLength(a, b));
    }

    public static float squareDistance(float[] a, float[] b) {
        return squareDistance(a, 0, b, 0, checkedLength(a, b));
    }

    private static int checkedLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vector dimensions differ: " + a.length + " != " + b.length);
        }
        return a.length;
    }
}
