package io.vectaraft.index.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The code kernels on the Java Vector API. Loaded only by {@link VectorOps} after the float kernels
 * chose the Vector API, so nothing else links against the incubator.
 *
 * <p>int8: bytes widen to shorts (one full vector of shorts per load), multiply there (codes lie in
 * [-127, 127], so a product, and even the sum of two, fits a short), and the shorts are summed as
 * ints (see {@link #dotInt8}). 1-bit: AND and {@code BIT_COUNT} on longs (VPOPCNTQ on AVX-512), one
 * accumulator per query plane. Integer sums are exact, so the lane order does not matter and the
 * results equal {@link ScalarCodeKernels}' bit for bit.
 */
final class PanamaCodeKernels implements CodeKernels {
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.length() * Byte.SIZE));
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int STEP = SHORTS.length();
    private static final VectorSpecies<Float> FLOATS = PanamaLanes.SPECIES;
    private static final VectorSpecies<Integer> FLOAT_INTS =
            VectorSpecies.of(int.class, FLOATS.vectorShape());

    /**
     * Two products of values in [-127, 127] sum to at most 32,258, which fits a short: the products
     * of two blocks are added as shorts (int8 HNSW searches at 768 dimensions: 1.12x against
     * widening each product, docs/benchmarks.md). Those shorts are then read as ints, two to a
     * lane, and split by shifts: an arithmetic shift right by 16 gives the upper short, a shift
     * left and back the lower one, each sign-extended, so both sum exactly in int lanes. Three
     * shifts instead of widening each half of the vector (an extract and two sign extensions, as
     * Lucene's Panama byte dot product does): int8 HNSW at 768 dimensions 1.03-1.13x in two A B B A
     * runs (docs/benchmarks.md).
     */
    @Override
    public int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int i = 0;
        IntVector acc0 = IntVector.zero(INTS), acc1 = acc0;
        for (int bound = length - 2 * STEP; i <= bound; i += 2 * STEP) {
            Vector<Short> products =
                    widen(a, aOffset + i)
                            .mul(widen(b, bOffset + i))
                            .add(widen(a, aOffset + i + STEP).mul(widen(b, bOffset + i + STEP)));
            IntVector pairs = products.reinterpretAsInts();
            acc0 = acc0.add(pairs.lanewise(VectorOperators.ASHR, 16));
            acc1 =
                    acc1.add(
                            pairs.lanewise(VectorOperators.LSHL, 16)
                                    .lanewise(VectorOperators.ASHR, 16));
        }
        if (length - i >= STEP) {
            IntVector pairs = widen(a, aOffset + i).mul(widen(b, bOffset + i)).reinterpretAsInts();
            acc0 = acc0.add(pairs.lanewise(VectorOperators.ASHR, 16));
            acc1 =
                    acc1.add(
                            pairs.lanewise(VectorOperators.LSHL, 16)
                                    .lanewise(VectorOperators.ASHR, 16));
            i += STEP;
        }
        int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@link #STEP} bytes from {@code codes[offset]}, widened to a full vector of shorts. */
    private static Vector<Short> widen(byte[] codes, int offset) {
        return ByteVector.fromArray(BYTES, codes, offset)
                .convertShape(VectorOperators.B2S, SHORTS, 0);
    }

    @Override
    public int bitPlaneDot(long[] code, int codeOffset, long[] query, int words, int planes) {
        int lanes = LONGS.length();
        int end = words - words % lanes;
        int sum = 0;
        for (int j = 0; j < planes; j++) {
            int plane = j * words;
            LongVector acc = LongVector.zero(LONGS);
            for (int w = 0; w < end; w += lanes) {
                acc =
                        acc.add(
                                LongVector.fromArray(LONGS, code, codeOffset + w)
                                        .and(LongVector.fromArray(LONGS, query, plane + w))
                                        .lanewise(VectorOperators.BIT_COUNT));
            }
            int count = (int) acc.reduceLanes(VectorOperators.ADD);
            for (int w = end; w < words; w++) {
                count += Long.bitCount(code[codeOffset + w] & query[plane + w]);
            }
            sum += count << j;
        }
        return sum;
    }

    @Override
    public void differenceRange(float[] a, float[] b, float[] range) {
        int lanes = FLOATS.length();
        int end = a.length - a.length % lanes;
        FloatVector min = FloatVector.broadcast(FLOATS, Float.POSITIVE_INFINITY);
        FloatVector max = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < end; i += lanes) {
            FloatVector d =
                    FloatVector.fromArray(FLOATS, a, i).sub(FloatVector.fromArray(FLOATS, b, i));
            min = min.min(d);
            max = max.max(d);
        }
        range[0] = min.reduceLanes(VectorOperators.MIN);
        range[1] = max.reduceLanes(VectorOperators.MAX);
        ScalarCodeKernels.widenRange(a, b, end, range);
    }

    /**
     * One vector of differences per step: its lanes' values, converted to ints, give one mask per
     * plane, whose bits ({@link jdk.incubator.vector.VectorMask#toLong}) are that many dimensions
     * of the plane (lanes divide 64, so a step never straddles two words).
     */
    @Override
    public void quantizePlanes(
            float[] a, float[] b, float lo, float scale, long[] out, int planes) {
        int lanes = FLOATS.length();
        int end = a.length - a.length % lanes;
        int words = out.length / planes;
        int levels = (1 << planes) - 1;
        for (int i = 0; i < end; i += lanes) {
            IntVector u =
                    (IntVector)
                            FloatVector.fromArray(FLOATS, a, i)
                                    .sub(FloatVector.fromArray(FLOATS, b, i))
                                    .sub(lo)
                                    .mul(scale)
                                    .add(0.5f)
                                    .convertShape(VectorOperators.F2I, FLOAT_INTS, 0);
            u = u.max(0).min(levels);
            for (int j = 0; j < planes; j++) {
                long bits = u.and(1 << j).compare(VectorOperators.NE, 0).toLong();
                out[j * words + (i >>> 6)] |= bits << (i & 63);
            }
        }
        ScalarCodeKernels.quantizePlanesFrom(end, a, b, lo, scale, out, planes);
    }
}
