package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;

/**
 * The float distance kernels behind {@link VectorOps}. Implementations are stateless and
 * thread-safe; arguments are already checked by the facade, so kernels do no validation of their
 * own.
 *
 * <p>The batch kernels are defined here by their plain loops over {@link #dot}, which {@link
 * ScalarKernels} runs as they stand and the Vector API kernels replace with blocked ones.
 */
interface VectorKernels {

    /** A short name for logs and benchmark reports, e.g. {@code "panama-512"}. */
    String name();

    /** What runs, in words, e.g. {@code "Panama Vector API, 512-bit (16 float lanes)"}. */
    String description();

    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * {@link #dot} with {@code b} as {@code length} little-endian floats at byte {@code bOffset} of
     * a memory segment (a mapped vector file): the same bits as the array version.
     */
    float dot(float[] a, int aOffset, MemorySegment b, long bOffset, int length);

    /** {@link #squareDistance} with {@code b} in a memory segment, as {@link #dot} is. */
    float squareDistance(float[] a, int aOffset, MemorySegment b, long bOffset, int length);

    /**
     * The position (from {@code offset}) of the first value of {@code v[offset..offset + length)}
     * that is NaN or infinite, or -1 when every value is finite. Exact: both implementations return
     * the same position.
     */
    int firstNonFinite(float[] v, int offset, int length);

    /**
     * {@code out[r] = squareDistance(q[qOffset ..], rows[r][offsets[r] ..])} for the four rows
     * {@code r < 4}: one query against four rows that lie anywhere (a graph node's neighbours).
     */
    default void squareDistance4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        for (int r = 0; r < 4; r++) {
            out[r] = squareDistance(q, qOffset, rows[r], offsets[r], length);
        }
    }

    /** {@code out[r] = dot(q[qOffset ..], rows[r][offsets[r] ..])}, as {@link #squareDistance4}. */
    default void dot4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        for (int r = 0; r < 4; r++) {
            out[r] = dot(q, qOffset, rows[r], offsets[r], length);
        }
    }

    /** {@link #squareDistance4} with the rows in memory segments (offsets in bytes). */
    default void squareDistance4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        for (int r = 0; r < 4; r++) {
            out[r] = squareDistance(q, qOffset, rows[r], offsets[r], length);
        }
    }

    /** {@link #dot4} with the rows in memory segments (offsets in bytes). */
    default void dot4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        for (int r = 0; r < 4; r++) {
            out[r] = dot(q, qOffset, rows[r], offsets[r], length);
        }
    }

    /** {@code scores[q - from] = dot(queries[q], data[offset ..])} for {@code from <= q < to}. */
    default void dotQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        for (int q = from; q < to; q++) {
            scores[q - from] = dot(queries[q], 0, data, offset, queries[q].length);
        }
    }

    /**
     * {@code out[(q - from) * rows + i] = dot(queries[q], data[offset + i*dim ..])} for {@code from
     * <= q < to}, {@code i < rows}.
     */
    default void dotTile(
            float[][] queries, int from, int to, float[] data, int offset, int rows, float[] out) {
        for (int q = from; q < to; q++) {
            int dim = queries[q].length;
            for (int i = 0; i < rows; i++) {
                out[(q - from) * rows + i] = dot(queries[q], 0, data, offset + i * dim, dim);
            }
        }
    }
}
