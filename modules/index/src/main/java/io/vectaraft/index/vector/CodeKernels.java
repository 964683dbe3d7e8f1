package io.vectaraft.index.vector;

/**
 * The kernels over quantized codes behind {@link VectorOps}: int8 dot products, the bit-plane
 * popcounts of 1-bit codes, and the quantization of a query into bit planes. All are exact (integer
 * sums, minima and maxima, float steps rounded as written), so every implementation gives the same
 * result whatever its order ({@link ScalarCodeKernels} is the reference, {@link PanamaCodeKernels}
 * the Vector API one). Stateless and thread-safe; arguments are checked by the facade.
 */
interface CodeKernels {

    /**
     * {@code sum(a[aOffset + i] * b[bOffset + i])} for {@code i < length}, as ints, for codes whose
     * values all lie in [-127, 127] (what {@code Int8Quantizer} writes; other values give an
     * unspecified result), which lets an implementation add two products in 16 bits.
     */
    int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /**
     * {@code sum over j < planes of 2^j * bitCount(code[codeOffset + w] & query[j * words + w])}
     * for {@code w < words}: the inner product of a 1-bit code with a query quantized to {@code
     * planes} bits per dimension, stored as bit planes.
     */
    int bitPlaneDot(long[] code, int codeOffset, long[] query, int words, int planes);

    /**
     * {@code range[0] = min(a[i] - b[i])} and {@code range[1] = max(a[i] - b[i])} over every {@code
     * i} of {@code a} (as long as {@code b}, not empty): the span of a query centred on a centroid.
     */
    void differenceRange(float[] a, float[] b, float[] range);

    /**
     * Quantizes {@code a[i] - b[i]} for every {@code i} of {@code a} (as long as {@code b}) to
     * {@code planes} bits, {@code u = clamp((int) ((a[i] - b[i] - lo) * scale + 0.5f), 0, 2^planes
     * - 1)} (each float step rounded as written, none fused), and sets bit {@code i} of plane
     * {@code j} ({@code out[j * words + (i >>> 6)]}, {@code words = out.length / planes}) where bit
     * {@code j} of {@code u} is set. The planes start zeroed.
     */
    void quantizePlanes(float[] a, float[] b, float lo, float scale, long[] out, int planes);
}
