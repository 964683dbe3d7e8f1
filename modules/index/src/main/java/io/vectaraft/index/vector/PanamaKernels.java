package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The kernels on the Java Vector API ({@code jdk.incubator.vector}) with the preferred species and
 * fused multiply-add: single pairs in {@link PanamaPairKernels}, blocks of queries in {@link
 * PanamaBatchKernels}, lane sums in {@link PanamaLanes} (as JVector's {@code
 * PanamaVectorUtilSupport} binds its {@code SimdOps}). Only {@link KernelSelector} loads this
 * class, and only after checking that the module is present, so nothing else links against the
 * incubator.
 */
final class PanamaKernels implements VectorKernels {

    PanamaKernels() {
        if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 128) {
            // Below 128 bits the Vector API is slower than scalar code (Lucene makes the same cut).
            throw new UnsupportedOperationException(
                    "preferred vector size: expected at least 128 bits, got "
                            + FloatVector.SPECIES_PREFERRED.vectorBitSize());
        }
    }

    @Override
    public String name() {
        return "panama-" + PanamaLanes.SPECIES.vectorBitSize();
    }

    @Override
    public String description() {
        return "Panama Vector API, "
                + PanamaLanes.SPECIES.vectorBitSize()
                + "-bit ("
                + PanamaLanes.LANES
                + " float lanes)";
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return PanamaPairKernels.dot(a, aOffset, b, bOffset, length);
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return PanamaPairKernels.squareDistance(a, aOffset, b, bOffset, length);
    }

    @Override
    public float dot(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        return PanamaPairKernels.dot(a, aOffset, b, bOffset, length);
    }

    @Override
    public float squareDistance(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        return PanamaPairKernels.squareDistance(a, aOffset, b, bOffset, length);
    }

    @Override
    public void squareDistance4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        PanamaGatherKernels.squareDistance4(q, qOffset, rows, offsets, length, out);
    }

    @Override
    public void dot4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        PanamaGatherKernels.dot4(q, qOffset, rows, offsets, length, out);
    }

    @Override
    public void squareDistance4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        PanamaGatherKernels.squareDistance4(q, qOffset, rows, offsets, length, out);
    }

    @Override
    public void dot4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        PanamaGatherKernels.dot4(q, qOffset, rows, offsets, length, out);
    }

    @Override
    public int firstNonFinite(float[] v, int offset, int length) {
        return PanamaChecks.firstNonFinite(v, offset, length);
    }

    @Override
    public void dotQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        PanamaBatchKernels.dotQueries(queries, from, to, data, offset, scores);
    }

    @Override
    public void dotTile(
            float[][] queries, int from, int to, float[] data, int offset, int rows, float[] out) {
        PanamaBatchKernels.dotTile(queries, from, to, data, offset, rows, out);
    }
}
