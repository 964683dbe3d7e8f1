package io.vectaraft.index.vector;

import static io.vectaraft.index.vector.PanamaLanes.LANES;
import static io.vectaraft.index.vector.PanamaLanes.SPECIES;
import static io.vectaraft.index.vector.PanamaLanes.load;
import static io.vectaraft.index.vector.PanamaLanes.sumLanes;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The single-pair kernels on the Java Vector API: one query against one stored vector, what graph
 * search, rescoring and single-query scans run.
 *
 * <p>They keep {@value #ACCUMULATORS} independent accumulators from {@link #WIDE_MIN} floats up
 * (one below), as Lucene's do: an FMA has a latency of several cycles, so one accumulator can leave
 * the FMA units idle on cache-resident data ({@code KernelBenchmark} in docs/benchmarks.md: equal
 * or better than one accumulator). The mirror image of the batch kernels (one query against four
 * stored vectors per pass) measured slower than single pairs on a memory-bound scan ({@code
 * ScanBenchmark}) and was removed; so was a later one that kept each row's single-pair summation
 * (the same bits) and reduced four rows in one butterfly: 0.83x the single-pair scan at dim 128.
 */
final class PanamaPairKernels {
    static final int ACCUMULATORS = 4;

    /**
     * The shortest length that takes the four-accumulator loop (256 floats with 16 lanes, each
     * accumulator then gets at least four FMAs); shorter vectors take one accumulator. A flat scan
     * of 100k x 128 vectors (one thread, CPU time) ran 1.11-1.14x faster with one accumulator at
     * 128 than with four (fewer additions and a shorter dependency chain per vector); at 784 the
     * two were within noise, and four stay for long cache-resident pairs (KernelBenchmark).
     */
    static final int WIDE_MIN = 4 * ACCUMULATORS * LANES;

    private PanamaPairKernels() {}

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
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

    static float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
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

    /**
     * {@link #dot} with {@code b} in a memory segment (little-endian floats from byte {@code
     * bOffset}): the same loop, so the same bits as the array version.
     */
    static float dot(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int bound = length - ACCUMULATORS * LANES;
            for (; i <= bound; i += ACCUMULATORS * LANES) {
                acc0 = load(a, aOffset + i).fma(load(b, bOffset, i), acc0);
                acc1 = load(a, aOffset + i + LANES).fma(load(b, bOffset, i + LANES), acc1);
                acc2 = load(a, aOffset + i + 2 * LANES).fma(load(b, bOffset, i + 2 * LANES), acc2);
                acc3 = load(a, aOffset + i + 3 * LANES).fma(load(b, bOffset, i + 3 * LANES), acc3);
            }
            sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        }
        if (length - i >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset, i), acc);
            }
            sum += sumLanes(acc);
        }
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b.get(ScalarKernels.FLOAT_LE, bOffset + 4L * i), sum);
        }
        return sum;
    }

    /** {@link #squareDistance} with {@code b} in a memory segment, as {@link #dot} above. */
    static float squareDistance(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= WIDE_MIN) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int bound = length - ACCUMULATORS * LANES;
            for (; i <= bound; i += ACCUMULATORS * LANES) {
                FloatVector d0 = load(a, aOffset + i).sub(load(b, bOffset, i));
                FloatVector d1 = load(a, aOffset + i + LANES).sub(load(b, bOffset, i + LANES));
                FloatVector d2 =
                        load(a, aOffset + i + 2 * LANES).sub(load(b, bOffset, i + 2 * LANES));
                FloatVector d3 =
                        load(a, aOffset + i + 3 * LANES).sub(load(b, bOffset, i + 3 * LANES));
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
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset, i));
                acc = d.fma(d, acc);
            }
            sum += sumLanes(acc);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b.get(ScalarKernels.FLOAT_LE, bOffset + 4L * i);
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }
}
