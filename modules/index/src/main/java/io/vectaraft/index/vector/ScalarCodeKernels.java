package io.vectaraft.index.vector;

/** Plain Java code kernels: the fallback, and the reference the Vector API ones equal exactly. */
final class ScalarCodeKernels implements CodeKernels {

    @Override
    public int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public int bitPlaneDot(long[] code, int codeOffset, long[] query, int words, int planes) {
        int sum = 0;
        for (int j = 0; j < planes; j++) {
            int count = 0;
            for (int w = 0; w < words; w++) {
                count += Long.bitCount(code[codeOffset + w] & query[j * words + w]);
            }
            sum += count << j;
        }
        return sum;
    }

    @Override
    public void differenceRange(float[] a, float[] b, float[] range) {
        range[0] = Float.POSITIVE_INFINITY;
        range[1] = Float.NEGATIVE_INFINITY;
        widenRange(a, b, 0, range);
    }

    /** Widens {@code range} to take in {@code a[i] - b[i]} for {@code i >= from}. */
    static void widenRange(float[] a, float[] b, int from, float[] range) {
        for (int i = from; i < a.length; i++) {
            float d = a[i] - b[i];
            range[0] = Math.min(range[0], d);
            range[1] = Math.max(range[1], d);
        }
    }

    @Override
    public void quantizePlanes(
            float[] a, float[] b, float lo, float scale, long[] out, int planes) {
        quantizePlanesFrom(0, a, b, lo, scale, out, planes);
    }

    /** {@link #quantizePlanes} for the dimensions from {@code from} on. */
    static void quantizePlanesFrom(
            int from, float[] a, float[] b, float lo, float scale, long[] out, int planes) {
        int words = out.length / planes;
        int levels = (1 << planes) - 1;
        for (int i = from; i < a.length; i++) {
            int u = Math.clamp((int) ((a[i] - b[i] - lo) * scale + 0.5f), 0, levels);
            for (int j = 0; j < planes; j++) {
                out[j * words + (i >>> 6)] |= (long) ((u >>> j) & 1) << i;
            }
        }
    }
}
