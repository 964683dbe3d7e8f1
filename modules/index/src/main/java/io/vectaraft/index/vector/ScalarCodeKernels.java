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
}
