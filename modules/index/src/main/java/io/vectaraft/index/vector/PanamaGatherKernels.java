package io.vectaraft.index.vector;

import static io.vectaraft.index.vector.PanamaLanes.LANES;
import static io.vectaraft.index.vector.PanamaLanes.SPECIES;
import static io.vectaraft.index.vector.PanamaLanes.load;
import static io.vectaraft.index.vector.PanamaLanes.sumLanes;
import static io.vectaraft.index.vector.PanamaPairKernels.ACCUMULATORS;
import static io.vectaraft.index.vector.PanamaPairKernels.WIDE_MIN;

import jdk.incubator.vector.FloatVector;

/**
 * One query against four rows that lie anywhere (a graph node's neighbours), the rows interleaved
 * in one pass, as Lucene's bulk scorers do: each query block is loaded once for several rows, and
 * those rows' loads are in flight together, so their cache misses overlap. Below {@link
 * PanamaPairKernels#WIDE_MIN} floats all four rows go together (one accumulator each); from it up,
 * two at a time (four accumulators each), since four rows of four accumulators ran slower than
 * single pairs. With the searcher's batched loop it gave HNSW searches 8% more queries per second
 * on Fashion-MNIST (784-d) and 34% on a 128-d set, the kernel two thirds of that at 128-d
 * (docs/benchmarks.md). A sequential scan gains nothing from it: the hardware prefetcher already
 * streams its rows.
 *
 * <p>Each row is summed exactly as {@link PanamaPairKernels} sums a pair (the same accumulators,
 * added in the same order), so a row scores the same bits either way: a graph search and an exact
 * rescore of the same row agree.
 */
final class PanamaGatherKernels {
    private PanamaGatherKernels() {}

    static void squareDistance4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        if (length >= WIDE_MIN) {
            squareDistance2(q, qOffset, rows[0], offsets[0], rows[1], offsets[1], length, out, 0);
            squareDistance2(q, qOffset, rows[2], offsets[2], rows[3], offsets[3], length, out, 2);
            return;
        }
        float[] b0 = rows[0], b1 = rows[1], b2 = rows[2], b3 = rows[3];
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (length >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = l2Step(qv, b0, o0 + i, t0);
                t1 = l2Step(qv, b1, o1 + i, t1);
                t2 = l2Step(qv, b2, o2 + i, t2);
                t3 = l2Step(qv, b3, o3 + i, t3);
            }
            s0 += sumLanes(t0);
            s1 += sumLanes(t1);
            s2 += sumLanes(t2);
            s3 += sumLanes(t3);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            float d0 = qi - b0[o0 + i], d1 = qi - b1[o1 + i];
            float d2 = qi - b2[o2 + i], d3 = qi - b3[o3 + i];
            s0 = Math.fma(d0, d0, s0);
            s1 = Math.fma(d1, d1, s1);
            s2 = Math.fma(d2, d2, s2);
            s3 = Math.fma(d3, d3, s3);
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    static void dot4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        if (length >= WIDE_MIN) {
            dot2(q, qOffset, rows[0], offsets[0], rows[1], offsets[1], length, out, 0);
            dot2(q, qOffset, rows[2], offsets[2], rows[3], offsets[3], length, out, 2);
            return;
        }
        float[] b0 = rows[0], b1 = rows[1], b2 = rows[2], b3 = rows[3];
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (length >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = qv.fma(load(b0, o0 + i), t0);
                t1 = qv.fma(load(b1, o1 + i), t1);
                t2 = qv.fma(load(b2, o2 + i), t2);
                t3 = qv.fma(load(b3, o3 + i), t3);
            }
            s0 += sumLanes(t0);
            s1 += sumLanes(t1);
            s2 += sumLanes(t2);
            s3 += sumLanes(t3);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            s0 = Math.fma(qi, b0[o0 + i], s0);
            s1 = Math.fma(qi, b1[o1 + i], s1);
            s2 = Math.fma(qi, b2[o2 + i], s2);
            s3 = Math.fma(qi, b3[o3 + i], s3);
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    /**
     * Two rows of at least {@code WIDE_MIN} floats into {@code out[at]} and {@code out[at + 1]}.
     */
    private static void squareDistance2(
            float[] q,
            int qOffset,
            float[] b0,
            int o0,
            float[] b1,
            int o1,
            int length,
            float[] out,
            int at) {
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        int i = 0;
        for (int bound = length - ACCUMULATORS * LANES; i <= bound; i += ACCUMULATORS * LANES) {
            FloatVector q0 = load(q, qOffset + i);
            FloatVector q1 = load(q, qOffset + i + LANES);
            FloatVector q2 = load(q, qOffset + i + 2 * LANES);
            FloatVector q3 = load(q, qOffset + i + 3 * LANES);
            a00 = l2Step(q0, b0, o0 + i, a00);
            a01 = l2Step(q1, b0, o0 + i + LANES, a01);
            a02 = l2Step(q2, b0, o0 + i + 2 * LANES, a02);
            a03 = l2Step(q3, b0, o0 + i + 3 * LANES, a03);
            a10 = l2Step(q0, b1, o1 + i, a10);
            a11 = l2Step(q1, b1, o1 + i + LANES, a11);
            a12 = l2Step(q2, b1, o1 + i + 2 * LANES, a12);
            a13 = l2Step(q3, b1, o1 + i + 3 * LANES, a13);
        }
        float s0 = sumLanes(a00.add(a01).add(a02.add(a03)));
        float s1 = sumLanes(a10.add(a11).add(a12.add(a13)));
        if (length - i >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = l2Step(qv, b0, o0 + i, t0);
                t1 = l2Step(qv, b1, o1 + i, t1);
            }
            s0 += sumLanes(t0);
            s1 += sumLanes(t1);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            float d0 = qi - b0[o0 + i], d1 = qi - b1[o1 + i];
            s0 = Math.fma(d0, d0, s0);
            s1 = Math.fma(d1, d1, s1);
        }
        out[at] = s0;
        out[at + 1] = s1;
    }

    /** Two rows of at least {@code WIDE_MIN} floats, as {@link #squareDistance2}. */
    private static void dot2(
            float[] q,
            int qOffset,
            float[] b0,
            int o0,
            float[] b1,
            int o1,
            int length,
            float[] out,
            int at) {
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        int i = 0;
        for (int bound = length - ACCUMULATORS * LANES; i <= bound; i += ACCUMULATORS * LANES) {
            FloatVector q0 = load(q, qOffset + i);
            FloatVector q1 = load(q, qOffset + i + LANES);
            FloatVector q2 = load(q, qOffset + i + 2 * LANES);
            FloatVector q3 = load(q, qOffset + i + 3 * LANES);
            a00 = q0.fma(load(b0, o0 + i), a00);
            a01 = q1.fma(load(b0, o0 + i + LANES), a01);
            a02 = q2.fma(load(b0, o0 + i + 2 * LANES), a02);
            a03 = q3.fma(load(b0, o0 + i + 3 * LANES), a03);
            a10 = q0.fma(load(b1, o1 + i), a10);
            a11 = q1.fma(load(b1, o1 + i + LANES), a11);
            a12 = q2.fma(load(b1, o1 + i + 2 * LANES), a12);
            a13 = q3.fma(load(b1, o1 + i + 3 * LANES), a13);
        }
        float s0 = sumLanes(a00.add(a01).add(a02.add(a03)));
        float s1 = sumLanes(a10.add(a11).add(a12.add(a13)));
        if (length - i >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = qv.fma(load(b0, o0 + i), t0);
                t1 = qv.fma(load(b1, o1 + i), t1);
            }
            s0 += sumLanes(t0);
            s1 += sumLanes(t1);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            s0 = Math.fma(qi, b0[o0 + i], s0);
            s1 = Math.fma(qi, b1[o1 + i], s1);
        }
        out[at] = s0;
        out[at + 1] = s1;
    }

    /** {@code acc + (q - b[offset..])^2}, lane by lane, as the pair kernel's step. */
    private static FloatVector l2Step(FloatVector q, float[] b, int offset, FloatVector acc) {
        FloatVector d = q.sub(load(b, offset));
        return d.fma(d, acc);
    }
}
