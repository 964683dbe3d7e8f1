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
 * <p>Each pair is summed in one accumulator, as Lucene's kernels on memory segments do. Four
 * independent accumulators hide an FMA's latency on data in the caches (1.2-1.6x at 784 floats on
 * an earlier host; within 5% of one on the AMD EPYC host, {@code KernelBenchmark}), but the rows
 * the server scores come from memory: graph search reads them at random and a scan streams them,
 * and there one accumulator, with fewer instructions per row, ran HNSW searches on Fashion-MNIST
 * 1.37x and a flat scan 1.23x faster (ADR 0008). The mirror image of the batch kernels (one query
 * against four stored vectors per pass) measured slower than single pairs on a memory-bound scan
 * ({@code ScanBenchmark}) and was removed; so was a later one that reduced four rows in one
 * butterfly: 0.83x the single-pair scan at dim 128.
 */
final class PanamaPairKernels {
    private PanamaPairKernels() {}

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset + i), acc);
            }
            sum = sumLanes(acc);
        }
        for (; i < length; i++) {
            sum = Math.fma(a[aOffset + i], b[bOffset + i], sum);
        }
        return sum;
    }

    static float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset + i));
                acc = d.fma(d, acc);
            }
            sum = sumLanes(acc);
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
        if (length >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                acc = load(a, aOffset + i).fma(load(b, bOffset, i), acc);
            }
            sum = sumLanes(acc);
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
        if (length >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int bound = length - LANES; i <= bound; i += LANES) {
                FloatVector d = load(a, aOffset + i).sub(load(b, bOffset, i));
                acc = d.fma(d, acc);
            }
            sum = sumLanes(acc);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b.get(ScalarKernels.FLOAT_LE, bOffset + 4L * i);
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }
}
