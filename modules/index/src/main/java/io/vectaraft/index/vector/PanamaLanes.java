package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species the Vector API kernels use (the preferred one: 16 floats on AVX-512), the loads
 * of a row from an array or a memory segment, and the ways they sum lanes.
 *
 * <p>Lanes are summed by {@link #sumLanes}, in one fixed order, not by {@code reduceLanes(ADD)}:
 * the Vector API leaves that order unspecified, and the interpreted and the JIT-compiled code did
 * sum differently, so the same query over the same data scored differently in the last bit before
 * and after a restart (and HNSW graphs built from the same inserts differed). The tile kernel
 * reduces its sixteen accumulators together ({@link #reduce16}, or {@link #foldAll} below 16
 * lanes).
 */
final class PanamaLanes {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    /**
     * With 16 lanes, the tile kernels reduce their sixteen accumulators together ({@link
     * #reduce16}: 15 steps of blend, blend, shuffle, add for 16 sums instead of 16 x 15 scalar
     * additions); other widths fold each accumulator through a buffer ({@link #foldLanes}).
     */
    static final boolean BUTTERFLY = LANES == 16;

    private static final VectorMask<Float> BIT8 = bitMask(8);
    private static final VectorMask<Float> BIT4 = bitMask(4);
    private static final VectorMask<Float> BIT2 = bitMask(2);
    private static final VectorMask<Float> BIT1 = bitMask(1);
    private static final VectorShuffle<Float> XOR8 = xorShuffle(8);
    private static final VectorShuffle<Float> XOR4 = xorShuffle(4);
    private static final VectorShuffle<Float> XOR2 = xorShuffle(2);
    private static final VectorShuffle<Float> XOR1 = xorShuffle(1);

    private PanamaLanes() {}

    /**
     * {@code LANES} little-endian floats of a segment, from float {@code index} past byte {@code
     * base}.
     */
    static FloatVector load(MemorySegment segment, long base, int index) {
        return FloatVector.fromMemorySegment(
                SPECIES, segment, base + 4L * index, ByteOrder.LITTLE_ENDIAN);
    }

    static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(SPECIES, array, offset);
    }

    /**
     * {@code LANES} floats of an array from float {@code offset + index}: the array twin of {@link
     * #load(MemorySegment, long, int)}, so one kernel text loads either kind of row.
     */
    static FloatVector load(float[] array, int offset, int index) {
        return FloatVector.fromArray(SPECIES, array, offset + index);
    }

    /**
     * The sum of the lanes, always in the same order: each step adds the upper half of the lanes to
     * the lower half (a tree, so no long chain of dependent additions).
     */
    static float sumLanes(FloatVector v) {
        // Constant shuffles (the same as the tile kernels' butterfly), not a loop over an array of
        // them: nothing rests on C2 unrolling the loop and folding the array loads.
        if (LANES > 8) {
            v = v.add(v.rearrange(XOR8));
        }
        if (LANES > 4) {
            v = v.add(v.rearrange(XOR4));
        }
        v = v.add(v.rearrange(XOR2));
        return v.add(v.rearrange(XOR1)).lane(0);
    }

    /**
     * Lane {@code i} of the result is the sum of the lanes of the i-th argument (16 lanes only): a
     * butterfly over four levels, each adding pairs of half-vectors of two inputs, so every sum is
     * a tree in a fixed order (deterministic, but not the order of {@link #sumLanes}). Arguments
     * pair in bit-reversed order so that the sums come out in argument order.
     */
    static FloatVector reduce16(
            FloatVector v0,
            FloatVector v1,
            FloatVector v2,
            FloatVector v3,
            FloatVector v4,
            FloatVector v5,
            FloatVector v6,
            FloatVector v7,
            FloatVector v8,
            FloatVector v9,
            FloatVector v10,
            FloatVector v11,
            FloatVector v12,
            FloatVector v13,
            FloatVector v14,
            FloatVector v15) {
        FloatVector w0 = fold(v0, v8, BIT8, XOR8);
        FloatVector w1 = fold(v4, v12, BIT8, XOR8);
        FloatVector w2 = fold(v2, v10, BIT8, XOR8);
        FloatVector w3 = fold(v6, v14, BIT8, XOR8);
        FloatVector w4 = fold(v1, v9, BIT8, XOR8);
        FloatVector w5 = fold(v5, v13, BIT8, XOR8);
        FloatVector w6 = fold(v3, v11, BIT8, XOR8);
        FloatVector w7 = fold(v7, v15, BIT8, XOR8);
        FloatVector x0 = fold(w0, w1, BIT4, XOR4);
        FloatVector x1 = fold(w2, w3, BIT4, XOR4);
        FloatVector x2 = fold(w4, w5, BIT4, XOR4);
        FloatVector x3 = fold(w6, w7, BIT4, XOR4);
        FloatVector y0 = fold(x0, x1, BIT2, XOR2);
        FloatVector y1 = fold(x2, x3, BIT2, XOR2);
        return fold(y0, y1, BIT1, XOR1);
    }

    /**
     * One butterfly step: lane i of the result is {@code x[i] + x[i ^ h]} where bit h of i is
     * clear, and {@code y[i] + y[i ^ h]} where it is set.
     */
    private static FloatVector fold(
            FloatVector x, FloatVector y, VectorMask<Float> bitH, VectorShuffle<Float> xorH) {
        return x.blend(y, bitH).add(y.blend(x, bitH).rearrange(xorH));
    }

    private static VectorMask<Float> bitMask(int h) {
        boolean[] bits = new boolean[LANES];
        for (int i = 0; i < LANES; i++) {
            bits[i] = (i & h) != 0;
        }
        return VectorMask.fromArray(SPECIES, bits, 0);
    }

    private static VectorShuffle<Float> xorShuffle(int h) {
        return VectorShuffle.fromOp(SPECIES, i -> (i ^ h) % LANES);
    }

    /**
     * {@link #foldLanes} of the 16 vectors stored in {@code lanes}, sums into lanes[0..15]. In
     * place: sum v lands in the region of vector v / LANES, which is folded already.
     */
    static void foldAll(float[] lanes) {
        for (int v = 0; v < 16; v++) {
            lanes[v] = foldLanes(lanes, v * LANES);
        }
    }

    /**
     * {@link #sumLanes} of a vector stored at {@code lanes[from ..]}, with the same additions in
     * the same order (so the same bits). Below 16 lanes the tile kernels reduce their sixteen
     * accumulators through a buffer: sixteen inlined {@code sumLanes} exceed C2's node budget, and
     * a call that is not inlined boxes its vector argument (measured 0.6x the multi-query kernel
     * end to end).
     */
    private static float foldLanes(float[] lanes, int from) {
        for (int half = LANES / 2; half > 0; half /= 2) {
            for (int i = from; i < from + half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[from];
    }
}
