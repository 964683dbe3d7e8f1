package io.vectaraft.index.vector;

import static io.vectaraft.index.vector.PanamaLanes.BUTTERFLY;
import static io.vectaraft.index.vector.PanamaLanes.LANES;
import static io.vectaraft.index.vector.PanamaLanes.SPECIES;
import static io.vectaraft.index.vector.PanamaLanes.foldAll;
import static io.vectaraft.index.vector.PanamaLanes.load;
import static io.vectaraft.index.vector.PanamaLanes.reduce16;
import static io.vectaraft.index.vector.PanamaLanes.sumLanes;
import static io.vectaraft.index.vector.PanamaPairKernels.dot;

import jdk.incubator.vector.FloatVector;

/**
 * The batch kernels on the Java Vector API: a block of queries against stored vectors, what a batch
 * search scans with (dot products only: batches rank Euclidean by {@code 2 q.x - |x|^2}).
 *
 * <p>Instead of the single-pair kernels' independent accumulators they score four queries per pass,
 * which gives the same independence and loads each chunk of a stored vector once for four queries
 * ({@code BatchKernelBenchmark}: 1.8-4.8x over one pair at a time). {@link #dotTile} goes further:
 * four queries against four stored vectors per pass (a register tile), or, below {@link
 * #PANEL_MAX_DIM} dimensions with 16 lanes, against 16 stored vectors at once from a transposed
 * panel.
 */
final class PanamaBatchKernels {
    /**
     * Below this dimension {@link #dotTile} scores 16 rows at a time from a transposed panel
     * ({@link #panelDots}) instead of the 4 x 4 tile, whose 16 horizontal reductions per tile
     * outweigh the FMAs for short vectors.
     */
    static final int PANEL_MAX_DIM = 256;

    private PanamaBatchKernels() {}

    /** {@link VectorKernels#dotQueries}: four queries per pass over the stored vector. */
    static void dotQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        int dim = queries[from].length;
        int vectorEnd = dim - dim % LANES;
        int q = from;
        for (; q + 4 <= to; q += 4) {
            float[] q0 = queries[q];
            float[] q1 = queries[q + 1];
            float[] q2 = queries[q + 2];
            float[] q3 = queries[q + 3];
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            for (int j = 0; j < vectorEnd; j += LANES) {
                FloatVector x = load(data, offset + j);
                acc0 = load(q0, j).fma(x, acc0);
                acc1 = load(q1, j).fma(x, acc1);
                acc2 = load(q2, j).fma(x, acc2);
                acc3 = load(q3, j).fma(x, acc3);
            }
            float s0 = sumLanes(acc0);
            float s1 = sumLanes(acc1);
            float s2 = sumLanes(acc2);
            float s3 = sumLanes(acc3);
            for (int j = vectorEnd; j < dim; j++) {
                float x = data[offset + j];
                s0 = Math.fma(q0[j], x, s0);
                s1 = Math.fma(q1[j], x, s1);
                s2 = Math.fma(q2[j], x, s2);
                s3 = Math.fma(q3[j], x, s3);
            }
            scores[q - from] = s0;
            scores[q - from + 1] = s1;
            scores[q - from + 2] = s2;
            scores[q - from + 3] = s3;
        }
        for (; q < to; q++) {
            scores[q - from] = dot(queries[q], 0, data, offset, dim);
        }
    }

    /** {@link VectorKernels#dotTile}: transposed panels for short vectors, else 4 x 4 tiles. */
    static void dotTile(
            float[][] queries,
            int from,
            int to,
            float[] data,
            int offset,
            int count,
            float[] scores) {
        int dim = queries[from].length;
        int i0 = 0;
        if (LANES == 16 && dim < PANEL_MAX_DIM && count >= LANES) {
            i0 = count - count % LANES;
            panels(queries, from, to, data, offset, i0, count, scores);
        }
        if (i0 < count) {
            tiles(queries, from, to, data, offset, i0, count, scores);
        }
    }

    /**
     * Rows [0, rows) of {@link #dotTile} through transposed panels. Its own method, as is {@link
     * #tiles}: compiled together, the two kernels' vector accumulators ran past C2's inlining
     * budget and were boxed (Fashion-MNIST batches 6x slower).
     */
    private static void panels(
            float[][] queries,
            int from,
            int to,
            float[] data,
            int offset,
            int rows,
            int count,
            float[] scores) {
        int dim = queries[from].length;
        float[] panel = new float[dim * LANES];
        for (int i = 0; i < rows; i += LANES) {
            transpose(data, offset + i * dim, dim, panel);
            panelDots(queries, from, to, panel, dim, i, count, scores);
        }
    }

    /** Rows [i0, count) of {@link #dotTile} through the 4 x 4 register tile. */
    private static void tiles(
            float[][] queries,
            int from,
            int to,
            float[] data,
            int offset,
            int i0,
            int count,
            float[] scores) {
        int dim = queries[from].length;
        int vectorEnd = dim - dim % LANES;
        float[] lanes = new float[16 * LANES];
        int q = from;
        for (; q + 4 <= to; q += 4) {
            int i = i0;
            for (; i + 4 <= count; i += 4) {
                tile4x4(
                        queries,
                        q,
                        from,
                        data,
                        offset + i * dim,
                        dim,
                        vectorEnd,
                        i,
                        count,
                        scores,
                        lanes);
            }
            for (; i < count; i++) {
                for (int r = q; r < q + 4; r++) {
                    scores[(r - from) * count + i] =
                            dot(queries[r], 0, data, offset + i * dim, dim);
                }
            }
        }
        for (; q < to; q++) {
            for (int i = i0; i < count; i++) {
                scores[(q - from) * count + i] = dot(queries[q], 0, data, offset + i * dim, dim);
            }
        }
    }

    /**
     * Copies 16 stored vectors (rows) into {@code panel} column-major: component j of row r at
     * {@code j * 16 + r}, so that one vector load holds component j of all 16 rows.
     */
    private static void transpose(float[] data, int offset, int dim, float[] panel) {
        for (int r = 0; r < LANES; r++) {
            int o = offset + r * dim;
            for (int j = 0; j < dim; j++) {
                panel[j * LANES + r] = data[o + j];
            }
        }
    }

    /**
     * Dot products of queries [from, to) with the 16 rows of a transposed panel: lane r of a
     * query's accumulator sums {@code q[j] * row_r[j]} over j in order, so there is no horizontal
     * reduction at all (a short vector's dot products are mostly reduction in the 4 x 4 tile). Four
     * queries share each panel load.
     */
    private static void panelDots(
            float[][] queries,
            int from,
            int to,
            float[] panel,
            int dim,
            int i0,
            int count,
            float[] scores) {
        int q = from;
        for (; q + 4 <= to; q += 4) {
            float[] a0 = queries[q];
            float[] a1 = queries[q + 1];
            float[] a2 = queries[q + 2];
            float[] a3 = queries[q + 3];
            FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
            for (int j = 0; j < dim; j++) {
                FloatVector x = FloatVector.fromArray(SPECIES, panel, j * LANES);
                c0 = FloatVector.broadcast(SPECIES, a0[j]).fma(x, c0);
                c1 = FloatVector.broadcast(SPECIES, a1[j]).fma(x, c1);
                c2 = FloatVector.broadcast(SPECIES, a2[j]).fma(x, c2);
                c3 = FloatVector.broadcast(SPECIES, a3[j]).fma(x, c3);
            }
            int row = (q - from) * count + i0;
            c0.intoArray(scores, row);
            c1.intoArray(scores, row + count);
            c2.intoArray(scores, row + 2 * count);
            c3.intoArray(scores, row + 3 * count);
        }
        for (; q < to; q++) {
            float[] a = queries[q];
            FloatVector c = FloatVector.zero(SPECIES);
            for (int j = 0; j < dim; j++) {
                c =
                        FloatVector.broadcast(SPECIES, a[j])
                                .fma(FloatVector.fromArray(SPECIES, panel, j * LANES), c);
            }
            c.intoArray(scores, (q - from) * count + i0);
        }
    }

    /**
     * A 4 x 4 register tile: four queries against four stored vectors per pass, sixteen
     * accumulators, eight loads per sixteen FMAs (the shape of a GEMM micro-kernel).
     */
    private static void tile4x4(
            float[][] queries,
            int q,
            int from,
            float[] data,
            int o0,
            int dim,
            int vectorEnd,
            int i,
            int count,
            float[] scores,
            float[] lanes) {
        float[] a0 = queries[q];
        float[] a1 = queries[q + 1];
        float[] a2 = queries[q + 2];
        float[] a3 = queries[q + 3];
        int o1 = o0 + dim;
        int o2 = o1 + dim;
        int o3 = o2 + dim;
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int j = 0; j < vectorEnd; j += LANES) {
            FloatVector x0 = load(data, o0 + j);
            FloatVector x1 = load(data, o1 + j);
            FloatVector x2 = load(data, o2 + j);
            FloatVector x3 = load(data, o3 + j);
            FloatVector y = load(a0, j);
            c00 = y.fma(x0, c00);
            c01 = y.fma(x1, c01);
            c02 = y.fma(x2, c02);
            c03 = y.fma(x3, c03);
            y = load(a1, j);
            c10 = y.fma(x0, c10);
            c11 = y.fma(x1, c11);
            c12 = y.fma(x2, c12);
            c13 = y.fma(x3, c13);
            y = load(a2, j);
            c20 = y.fma(x0, c20);
            c21 = y.fma(x1, c21);
            c22 = y.fma(x2, c22);
            c23 = y.fma(x3, c23);
            y = load(a3, j);
            c30 = y.fma(x0, c30);
            c31 = y.fma(x1, c31);
            c32 = y.fma(x2, c32);
            c33 = y.fma(x3, c33);
        }
        int r0 = (q - from) * count + i;
        int r1 = r0 + count;
        int r2 = r1 + count;
        int r3 = r2 + count;
        if (BUTTERFLY) {
            reduce16(c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33)
                    .intoArray(lanes, 0);
        } else {
            // Reduce each accumulator by name: putting them in an array would box the vectors.
            c00.intoArray(lanes, 0 * LANES);
            c01.intoArray(lanes, 1 * LANES);
            c02.intoArray(lanes, 2 * LANES);
            c03.intoArray(lanes, 3 * LANES);
            c10.intoArray(lanes, 4 * LANES);
            c11.intoArray(lanes, 5 * LANES);
            c12.intoArray(lanes, 6 * LANES);
            c13.intoArray(lanes, 7 * LANES);
            c20.intoArray(lanes, 8 * LANES);
            c21.intoArray(lanes, 9 * LANES);
            c22.intoArray(lanes, 10 * LANES);
            c23.intoArray(lanes, 11 * LANES);
            c30.intoArray(lanes, 12 * LANES);
            c31.intoArray(lanes, 13 * LANES);
            c32.intoArray(lanes, 14 * LANES);
            c33.intoArray(lanes, 15 * LANES);
            foldAll(lanes);
        }
        scores[r0] = lanes[0] + tail(a0, data, o0, vectorEnd, dim);
        scores[r0 + 1] = lanes[1] + tail(a0, data, o1, vectorEnd, dim);
        scores[r0 + 2] = lanes[2] + tail(a0, data, o2, vectorEnd, dim);
        scores[r0 + 3] = lanes[3] + tail(a0, data, o3, vectorEnd, dim);
        scores[r1] = lanes[4] + tail(a1, data, o0, vectorEnd, dim);
        scores[r1 + 1] = lanes[5] + tail(a1, data, o1, vectorEnd, dim);
        scores[r1 + 2] = lanes[6] + tail(a1, data, o2, vectorEnd, dim);
        scores[r1 + 3] = lanes[7] + tail(a1, data, o3, vectorEnd, dim);
        scores[r2] = lanes[8] + tail(a2, data, o0, vectorEnd, dim);
        scores[r2 + 1] = lanes[9] + tail(a2, data, o1, vectorEnd, dim);
        scores[r2 + 2] = lanes[10] + tail(a2, data, o2, vectorEnd, dim);
        scores[r2 + 3] = lanes[11] + tail(a2, data, o3, vectorEnd, dim);
        scores[r3] = lanes[12] + tail(a3, data, o0, vectorEnd, dim);
        scores[r3 + 1] = lanes[13] + tail(a3, data, o1, vectorEnd, dim);
        scores[r3 + 2] = lanes[14] + tail(a3, data, o2, vectorEnd, dim);
        scores[r3 + 3] = lanes[15] + tail(a3, data, o3, vectorEnd, dim);
    }

    /** The scalar remainder of a dot product, components [from, dim). */
    private static float tail(float[] a, float[] data, int offset, int from, int dim) {
        float sum = 0f;
        for (int j = from; j < dim; j++) {
            sum = Math.fma(a[j], data[offset + j], sum);
        }
        return sum;
    }
}
