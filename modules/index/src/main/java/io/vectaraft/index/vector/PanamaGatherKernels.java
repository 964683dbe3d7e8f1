package io.vectaraft.index.vector;

import static io.vectaraft.index.vector.PanamaLanes.LANES;
import static io.vectaraft.index.vector.PanamaLanes.SPECIES;
import static io.vectaraft.index.vector.PanamaLanes.load;
import static io.vectaraft.index.vector.PanamaLanes.sumLanes;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * One query against four rows that lie anywhere (a graph node's neighbours), the rows interleaved
 * in one pass, as Lucene's bulk scorers do: each query block is loaded once for four rows, and
 * those rows' loads are in flight together, so their cache misses overlap. Each row has one
 * accumulator, the shape of Lucene 10.6's bulk scorer: HNSW searches on Fashion-MNIST (784-d) ran
 * 1.34-1.36x faster with it than with two rows of four accumulators each (ADR 0008). A sequential
 * scan gains nothing from gathering: the hardware prefetcher already streams its rows.
 *
 * <p>Each row is summed exactly as {@link PanamaPairKernels} sums a pair (one accumulator, the same
 * lane order, the same scalar tail), so a row scores the same bits either way: a graph search and
 * an exact rescore of the same row agree.
 *
 * <p>Unlike the pair kernels these four loops are written out by hand. Stamped from one template
 * (ADR 0008) they compiled to the same number of bytes, yet HNSW searches on Fashion-MNIST fell
 * into a slow mode more often: 6 of 15 runs below 15,500 QPS at ef 10, against 1 of 21 with these
 * loops. On an AVX2 host they searched heap rows 1.10-1.17x faster and mapped rows 0.91-0.94x as
 * fast (ADR 0008). The cause is not found.
 */
final class PanamaGatherKernels {
    private PanamaGatherKernels() {}

    static void squareDistance4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        float[] b0 = rows[0], b1 = rows[1], b2 = rows[2], b3 = rows[3];
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (length >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = l2Step(qv, load(b0, o0 + i), t0);
                t1 = l2Step(qv, load(b1, o1 + i), t1);
                t2 = l2Step(qv, load(b2, o2 + i), t2);
                t3 = l2Step(qv, load(b3, o3 + i), t3);
            }
            s0 = sumLanes(t0);
            s1 = sumLanes(t1);
            s2 = sumLanes(t2);
            s3 = sumLanes(t3);
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
            s0 = sumLanes(t0);
            s1 = sumLanes(t1);
            s2 = sumLanes(t2);
            s3 = sumLanes(t3);
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
     * {@link #squareDistance4} with the rows in memory segments (an {@code on_disk} collection's
     * mapping; offsets in bytes), each row summed as {@link PanamaPairKernels}' segment kernel sums
     * it.
     */
    static void squareDistance4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        MemorySegment b0 = rows[0], b1 = rows[1], b2 = rows[2], b3 = rows[3];
        long o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (length >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = l2Step(qv, load(b0, o0, i), t0);
                t1 = l2Step(qv, load(b1, o1, i), t1);
                t2 = l2Step(qv, load(b2, o2, i), t2);
                t3 = l2Step(qv, load(b3, o3, i), t3);
            }
            s0 = sumLanes(t0);
            s1 = sumLanes(t1);
            s2 = sumLanes(t2);
            s3 = sumLanes(t3);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            float d0 = qi - b0.get(Rows.FLOAT_LE, o0 + 4L * i);
            float d1 = qi - b1.get(Rows.FLOAT_LE, o1 + 4L * i);
            float d2 = qi - b2.get(Rows.FLOAT_LE, o2 + 4L * i);
            float d3 = qi - b3.get(Rows.FLOAT_LE, o3 + 4L * i);
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

    /** {@link #dot4} with the rows in memory segments, as {@link #squareDistance4} above. */
    static void dot4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        MemorySegment b0 = rows[0], b1 = rows[1], b2 = rows[2], b3 = rows[3];
        long o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (length >= LANES) {
            FloatVector t0 = FloatVector.zero(SPECIES), t1 = t0, t2 = t0, t3 = t0;
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector qv = load(q, qOffset + i);
                t0 = qv.fma(load(b0, o0, i), t0);
                t1 = qv.fma(load(b1, o1, i), t1);
                t2 = qv.fma(load(b2, o2, i), t2);
                t3 = qv.fma(load(b3, o3, i), t3);
            }
            s0 = sumLanes(t0);
            s1 = sumLanes(t1);
            s2 = sumLanes(t2);
            s3 = sumLanes(t3);
        }
        for (; i < length; i++) {
            float qi = q[qOffset + i];
            s0 = Math.fma(qi, b0.get(Rows.FLOAT_LE, o0 + 4L * i), s0);
            s1 = Math.fma(qi, b1.get(Rows.FLOAT_LE, o1 + 4L * i), s1);
            s2 = Math.fma(qi, b2.get(Rows.FLOAT_LE, o2 + 4L * i), s2);
            s3 = Math.fma(qi, b3.get(Rows.FLOAT_LE, o3 + 4L * i), s3);
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    /** {@code acc + (q - row)^2}, lane by lane, as the pair kernel's step. */
    private static FloatVector l2Step(FloatVector q, FloatVector row, FloatVector acc) {
        FloatVector d = q.sub(row);
        return d.fma(d, acc);
    }
}
