package io.vectaraft.index.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Java Vector API ({@code jdk.incubator.vector}) with the preferred species (16
 * floats on AVX-512) and fused multiply-add. Only {@link KernelSelector} loads this class, and only
 * after checking that the module is present, so nothing else links against the incubator.
 *
 * <p>Single-pair kernels keep {@value #ACCUMULATORS} independent accumulators from {@link
 * #WIDE_MIN} floats up (one below), as Lucene's do: an FMA has a latency of several cycles, so one
 * accumulator can leave the FMA units idle on cache-resident data ({@code KernelBenchmark} in
 * docs/benchmarks.md: equal or better than one accumulator). The multi-query kernels score four
 * queries per pass instead, which gives the same independence and loads each chunk of the stored
 * vector once for four queries ({@code BatchKernelBenchmark}: 1.8-4.8x over one pair at a time).
 * The mirror image (one query against four stored vectors per pass) measured slower than single
 * pairs on a memory-bound scan ({@code ScanBenchmark}) and was removed; so was a later one that
 * kept each row's single-pair summation (the same bits) and reduced four rows in one butterfly:
 * 0.83x the single-pair scan at dim 128.
 *
 * <p>Lanes are summed by {@link #sumLanes}, in one fixed order, not by {@code reduceLanes(ADD)}:
 * the Vector API leaves that order unspecified, and the interpreted and the JIT-compiled code did
 * sum differently, so the same query over the same data scored differently in the last bit before
 * and after a restart (and HNSW graphs built from the same inserts differed).
 */
final class PanamaKernels implements VectorKernels {
    static final int ACCUMULATORS = 4;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /**
     * The shortest length that takes the four-accumulator loop (256 floats with 16 lanes, each
     * accumulator then gets at least four FMAs); shorter vectors take one accumulator. A flat scan
     * of 100k x 128 vectors (one thread, CPU time) ran 1.11-1.14x faster with one accumulator at
     * 128 than with four (fewer additions and a shorter dependency chain per vector); at 784 the
     * two were within noise, and four stay for long cache-resident pairs (KernelBenchmark).
     */
    static final int WIDE_MIN = 4 * ACCUMULATORS * LANES;

    /**
     * With 16 lanes, the tile kernels reduce their sixteen accumulators together ({@link
     * #reduce16}: 15 steps of blend, blend, shuffle, add for 16 sums instead of 16 x 15 scalar
     * additions); other widths fold each accumulator through a buffer ({@link #foldLanes}).
     */
    private static final boolean BUTTERFLY = LANES == 16;

    /**
     * Below this dimension {@link #dotTile} scores 16 rows at a time from a transposed panel
     * ({@link #panelDots}) instead of the 4 x 4 tile, whose 16 horizontal reductions per tile
     * outweigh the FMAs for short vectors.
     */
    static final int PANEL_MAX_DIM = 256;

    private static final VectorMask<Float> BIT8 = bitMask(8);
    private static final VectorMask<Float> BIT4 = bitMask(4);
    private static final VectorMask<Float> BIT2 = bitMask(2);
    private static final VectorMask<Float> BIT1 = bitMask(1);
    private static final VectorShuffle<Float> XOR8 = xorShuffle(8);
    private static final VectorShuffle<Float> XOR4 = xorShuffle(4);
    private static final VectorShuffle<Float> XOR2 = xorShuffle(2);
    private static final VectorShuffle<Float> XOR1 = xorShuffle(1);

    PanamaKernels() {
        if (SPECIES.vectorBitSize() < 128) {
            // Below 128 bits the Vector API is slower than scalar code (Lucene makes the same cut).
            throw new UnsupportedOperationException(
                    "preferred vector size: expected at least 128 bits, got "
                            + SPECIES.vectorBitSize());
        }
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize();
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound = length - ACCUMULATORS * LANES;
            for (; i <= bound; i += ACCUMULATORS * LANES) {
                acc0 = load(a, aOffset + i).fma(load(b, bOffset + i), acc0);
                acc1 = load(a, aOffset + i + LANES).fma(load(b, bOffset + i + LANES), acc1);
                acc2 = load(a, aOffset + i + 2 * LANES).fma(load(b, bOffset + i + 2 * LANES), acc2);
                acc3 = load(a, aOffset + i + 3 * LANES).fma(load(b, bOffset + i + 3 * LANES), acc3);
            }
            sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset + i), acc);
            }
            sum += sumLanes(acc);
        }
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int bound = length - ACCUMULATORS * LANES;
            for (; i <= bound; i += ACCUMULATORS * LANES) {
                FloatVector d0 = load(a, aOffset + i).sub(load(b, bOffset + i));
                FloatVector d1 = load(a, aOffset + i + LANES).sub(load(b, bOffset + i + LANES));
                FloatVector d2 =
                        load(a, aOffset + i + 2 * LANES).sub(load(b, bOffset + i + 2 * LANES));
                FloatVector d3 =
                        load(a, aOffset + i + 3 * LANES).sub(load(b, bOffset + i + 3 * LANES));
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
                acc2 = d2.fma(d2, acc2);
                acc3 = d3.fma(d3, acc3);
            }
            sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset + i));
                acc = d.fma(d, acc);
            }
            sum += sumLanes(acc);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    @Override
    public void dotRows(float[] query, float[] data, int offset, int count, float[] scores) {
        int dim = query.length;
        for (int i = 0; i < count; i++) {
            scores[i] = dot(query, 0, data, offset + i * dim, dim);
        }
    }

    @Override
    public void squareDistanceRows(
            float[] query, float[] data, int offset, int count, float[] scores) {
        int dim = query.length;
        for (int i = 0; i < count; i++) {
            scores[i] = squareDistance(query, 0, data, offset + i * dim, dim);
        }
    }

    @Override
    public void dotQueries(
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

    /**
     * A 4 x 4 register tile: four queries against four stored vectors per pass, sixteen
     * accumulators, eight loads per sixteen FMAs (the shape of a GEMM micro-kernel).
     */
    @Override
    public void dotTile(
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
    private void tiles(
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

    /**
     * Lane {@code i} of the result is the sum of the lanes of the i-th argument (16 lanes only): a
     * butterfly over four levels, each adding pairs of half-vectors of two inputs, so every sum is
     * a tree in a fixed order (deterministic, but not the order of {@link #sumLanes}). Arguments
     * pair in bit-reversed order so that the sums come out in argument order.
     */
    private static FloatVector reduce16(
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
    private static void foldAll(float[] lanes) {
        for (int v = 0; v < 16; v++) {
            lanes[v] = foldLanes(lanes, v * LANES);
        }
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(SPECIES, array, offset);
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

    /**
     * The sum of the lanes, always in the same order: each step adds the upper half of the lanes to
     * the lower half (a tree, so no long chain of dependent additions).
     */
    private static float sumLanes(FloatVector v) {
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
}
