package io.vectaraft.index.vector;

/**
 * The kernels over quantized codes behind {@link VectorOps}: int8 dot products and the bit-plane
 * popcounts of 1-bit codes. Both return exact integers, so every implementation gives the same
 * result whatever its summation order ({@link ScalarCodeKernels} is the reference, {@link
 * PanamaCodeKernels} the Vector API one). Stateless and thread-safe; arguments are checked by the
 * facade.
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
}
