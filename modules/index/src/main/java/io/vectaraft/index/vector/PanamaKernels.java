package io.vectaraft.index.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Java Vector API ({@code jdk.incubator.vector}) with the preferred species (16
 * floats on AVX-512) and fused multiply-add. Only {@link KernelSelector} loads this class, and only
 * after checking that the module is present, so nothing else links against the incubator.
 *
 * <p>Single-pair kernels keep {@value #ACCUMULATORS} independent accumulators, as Lucene's do: an
 * FMA has a latency of several cycles, so one accumulator can leave the FMA units idle on
 * cache-resident data ({@code KernelBenchmark} in docs/benchmarks.md: equal or better than one
 * accumulator). The multi-query kernels score four queries per pass instead, which gives the same
 * independence and loads each chunk of the stored vector once for four queries ({@code
 * BatchKernelBenchmark}: 1.8-4.8x over one pair at a time). The mirror image (one query against
 * four stored vectors per pass) measured slower than single pairs on a memory-bound scan ({@code
 * ScanBenchmark}) and was removed.
 */
final class PanamaKernels implements VectorKernels {
    static final int ACCUMULATORS = 4;
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

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
        if (length >= ACCUMULATORS * LANES) {
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
            sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset + i), acc);
            }
            sum += acc.reduceLanes(VectorOperators.ADD);
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
        if (length >= ACCUMULATORS * LANES) {
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
            sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset + i));
                acc = d.fma(d, acc);
            }
            sum += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum = Math.fma(d, d, sum);
        }
        return sum;
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
            float s0 = acc0.reduceLanes(VectorOperators.ADD);
            float s1 = acc1.reduceLanes(VectorOperators.ADD);
            float s2 = acc2.reduceLanes(VectorOperators.ADD);
            float s3 = acc3.reduceLanes(VectorOperators.ADD);
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

    @Override
    public void squareDistanceQueries(
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
                FloatVector d0 = load(q0, j).sub(x);
                FloatVector d1 = load(q1, j).sub(x);
                FloatVector d2 = load(q2, j).sub(x);
                FloatVector d3 = load(q3, j).sub(x);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
                acc2 = d2.fma(d2, acc2);
                acc3 = d3.fma(d3, acc3);
            }
            float s0 = acc0.reduceLanes(VectorOperators.ADD);
            float s1 = acc1.reduceLanes(VectorOperators.ADD);
            float s2 = acc2.reduceLanes(VectorOperators.ADD);
            float s3 = acc3.reduceLanes(VectorOperators.ADD);
            for (int j = vectorEnd; j < dim; j++) {
                float x = data[offset + j];
                float d0 = q0[j] - x;
                float d1 = q1[j] - x;
                float d2 = q2[j] - x;
                float d3 = q3[j] - x;
                s0 = Math.fma(d0, d0, s0);
                s1 = Math.fma(d1, d1, s1);
                s2 = Math.fma(d2, d2, s2);
                s3 = Math.fma(d3, d3, s3);
            }
            scores[q - from] = s0;
            scores[q - from + 1] = s1;
            scores[q - from + 2] = s2;
            scores[q - from + 3] = s3;
        }
        for (; q < to; q++) {
            scores[q - from] = squareDistance(queries[q], 0, data, offset, dim);
        }
    }

    private static FloatVector load(float[] array, int offset) {
        return FloatVector.fromArray(SPECIES, array, offset);
    }
}
