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
    public void differenceRange(float[] a, float[] b, int length, float[] range) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            float d = a[i] - b[i];
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        range[0] = min;
        range[1] = max;
    }

    @Override
    public void quantizePlanes(
            float[] a,
            float[] b,
            int length,
            float lo,
            float scale,
            long[] out,
            int words,
            int planes) {
        int levels = (1 << planes) - 1;
        for (int i = 0; i < length; i++) {
            int u = Math.clamp((int) ((a[i] - b[i] - lo) * scale + 0.5f), 0, levels);
            for (int j = 0; j < planes; j++) {
                out[j * words + (i >>> 6)] |= (long) ((u >>> j) & 1) << i;
            }
        }
    }
}
