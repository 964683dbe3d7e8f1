package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain Java kernels: the fallback when the Vector API is unavailable, and the reference the SIMD
 * kernels are tested against. One accumulator, in index order, so results are reproducible; the
 * batch kernels are {@link VectorKernels}' loops over {@link #dot}.
 */
final class ScalarKernels implements VectorKernels {
    static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b.get(FLOAT_LE, bOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            float d = a[aOffset + i] - b.get(FLOAT_LE, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int firstNonFinite(float[] v, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(v[offset + i])) {
                return i;
            }
        }
        return -1;
    }
}
