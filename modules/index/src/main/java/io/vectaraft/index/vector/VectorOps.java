package io.vectaraft.index.vector;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Distance kernels over {@code float[]} slices. A static facade (as Lucene's and JVector's {@code
 * VectorUtil}): the implementation is chosen once, at class initialisation, by {@link
 * KernelSelector} — Java Vector API kernels when {@code jdk.incubator.vector} is loaded, scalar
 * ones otherwise ({@code -Dvectaraft.vector.impl=scalar} forces them) — and described by {@link
 * #kernelDescription}, which the server logs once at start-up.
 *
 * <p>Slices are given as (array, offset) pairs of {@code length} floats, so vectors may live side
 * by side in one large array. The multi-query kernels score one stored vector against a block of
 * queries, the inner step of a batch search.
 *
 * <p>Results of the two implementations differ only by floating-point summation order. Thread-safe:
 * every method is a pure function of its arguments (outputs aside).
 */
public final class VectorOps {
    private static final KernelSelector.Choice CHOICE = KernelSelector.select();
    private static final VectorKernels IMPL = CHOICE.kernels();
    private static final CodeKernels CODES = codeKernels(IMPL);

    private VectorOps() {}

    /** The name of the implementation in use, e.g. {@code "panama-512"} or {@code "scalar"}. */
    public static String implementationName() {
        return IMPL.name();
    }

    /**
     * The kernels in use and why, for the start-up log: e.g. {@code "Panama Vector API, 512-bit (16
     * float lanes)"}, or {@code "scalar (jdk.incubator.vector not loaded; add --add-modules
     * jdk.incubator.vector)"}.
     */
    public static String kernelDescription() {
        return CHOICE.description();
    }

    /** Inner product of {@code a[aOffset..+length)} and {@code b[bOffset..+length)}. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return IMPL.dot(a, aOffset, b, bOffset, length);
    }

    /** Squared Euclidean distance of two slices. */
    public static float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return IMPL.squareDistance(a, aOffset, b, bOffset, length);
    }

    /**
     * {@code out[r] = squareDistance(q, qOffset, rows[r], offsets[r], length)} for four rows {@code
     * r < 4} that lie anywhere: the bulk scoring of a graph node's neighbours. The same bits as
     * four single calls; faster in HNSW searches (docs/benchmarks.md).
     */
    public static void squareDistance4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        IMPL.squareDistance4(q, qOffset, rows, offsets, length, out);
    }

    /**
     * {@code out[r] = dot(q, qOffset, rows[r], offsets[r], length)}, as {@link #squareDistance4}.
     */
    public static void dot4(
            float[] q, int qOffset, float[][] rows, int[] offsets, int length, float[] out) {
        IMPL.dot4(q, qOffset, rows, offsets, length, out);
    }

    /**
     * {@link #squareDistance4} with the rows as little-endian floats in memory segments, at byte
     * offsets (an {@code on_disk} collection's mapped vectors): the bits of the segment pair
     * kernel.
     */
    public static void squareDistance4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        IMPL.squareDistance4(q, qOffset, rows, offsets, length, out);
    }

    /** {@link #dot4} with the rows in memory segments, as {@link #squareDistance4} above. */
    public static void dot4(
            float[] q, int qOffset, MemorySegment[] rows, long[] offsets, int length, float[] out) {
        IMPL.dot4(q, qOffset, rows, offsets, length, out);
    }

    /**
     * {@link #dot} with {@code b} as {@code length} little-endian floats at byte {@code bOffset} of
     * a memory segment (an {@code on_disk} collection's mapped vectors), read in place: the same
     * bits as the array version. Bounds are checked by the segment.
     */
    public static float dot(float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        return IMPL.dot(a, aOffset, b, bOffset, length);
    }

    /** {@link #squareDistance} with {@code b} in a memory segment, as {@link #dot} is. */
    public static float squareDistance(
            float[] a, int aOffset, MemorySegment b, long bOffset, int length) {
        return IMPL.squareDistance(a, aOffset, b, bOffset, length);
    }

    /**
     * The index of the first value of {@code v} that is NaN or infinite, or -1 when all are finite:
     * the check every vector passes before it is stored or searched. Vectorized under the Vector
     * API; the same answer from either implementation.
     */
    public static int firstNonFinite(float[] v) {
        return IMPL.firstNonFinite(v, 0, v.length);
    }

    /**
     * {@link #firstNonFinite(float[])} over the slice {@code v[offset..offset + length)}; the index
     * returned counts from {@code offset}.
     */
    public static int firstNonFinite(float[] v, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, v.length);
        return IMPL.firstNonFinite(v, offset, length);
    }

    public static float dot(float[] a, float[] b) {
        return IMPL.dot(a, 0, b, 0, checkedLength(a, b));
    }

    public static float squareDistance(float[] a, float[] b) {
        return IMPL.squareDistance(a, 0, b, 0, checkedLength(a, b));
    }

    /**
     * Scores one query against {@code count} stored vectors back to back from {@code data[offset]},
     * as a single-query scan wants: {@code scores[i] = dot(query, data[offset + i * dim ..])}, bit
     * for bit what {@link #dot} gives per row (so a vector scores the same whichever path meets
     * it); one bounds check for the whole run.
     */
    public static void dotRows(float[] query, float[] data, int offset, int count, float[] scores) {
        if (checkRows(query, data, offset, count, scores)) {
            int dim = query.length;
            for (int i = 0; i < count; i++) {
                scores[i] = IMPL.dot(query, 0, data, offset + i * dim, dim);
            }
        }
    }

    /** As {@link #dotRows}, with squared Euclidean distances ({@link #squareDistance} per row). */
    public static void squareDistanceRows(
            float[] query, float[] data, int offset, int count, float[] scores) {
        if (checkRows(query, data, offset, count, scores)) {
            int dim = query.length;
            for (int i = 0; i < count; i++) {
                scores[i] = IMPL.squareDistance(query, 0, data, offset + i * dim, dim);
            }
        }
    }

    /**
     * Scores one stored vector against a block of queries, as a batch search wants: {@code scores[q
     * - from] = dot(queries[q], data[offset .. offset + dim))} for {@code from <= q < to}, where
     * every query has the same length {@code dim}. Loads each part of the stored vector once for
     * four queries.
     */
    public static void dotQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        if (checkQueries(queries, from, to, data, offset, scores)) {
            IMPL.dotQueries(queries, from, to, data, offset, scores);
        }
    }

    /**
     * Scores a block of queries against {@code rows} stored vectors back to back from {@code
     * data[offset]}: {@code out[(q - from) * rows + i] = dot(queries[q], data[offset + i * dim
     * ..])}. Computes four queries against four vectors per pass (a register tile), or, for short
     * vectors, against 16 vectors at once from a transposed panel.
     */
    public static void dotTile(
            float[][] queries, int from, int to, float[] data, int offset, int rows, float[] out) {
        if (checkTile(queries, from, to, data, offset, rows, out)) {
            IMPL.dotTile(queries, from, to, data, offset, rows, out);
        }
    }

    /**
     * The dot product of two int8 codes, {@code a[aOffset..+length)} and {@code
     * b[bOffset..+length)}, exact (an int sum), where every value lies in [-127, 127], as {@code
     * Int8Quantizer} writes them (other values give an unspecified result): the inner step of
     * int8-quantized search; with the codes' squared norms it gives their squared distance too
     * ({@code |a|^2 + |b|^2 - 2 a.b}, exact).
     */
    public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        Objects.checkFromIndexSize(aOffset, length, a.length);
        Objects.checkFromIndexSize(bOffset, length, b.length);
        return CODES.dotInt8(a, aOffset, b, bOffset, length);
    }

    /**
     * The inner product of a 1-bit code ({@code words} longs from {@code code[codeOffset]}) with a
     * query quantized to {@code planes} bits per dimension and stored as bit planes ({@code query[j
     * * words ..]} holds bit j of every dimension): {@code sum over j of 2^j * popcount(code &
     * plane j)}, exact.
     */
    public static int bitPlaneDot(
            long[] code, int codeOffset, long[] query, int words, int planes) {
        if (planes < 0 || planes > 8) {
            throw new IllegalArgumentException("planes: expected 0..8, got " + planes);
        }
        Objects.checkFromIndexSize(codeOffset, words, code.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(words, planes), query.length);
        return CODES.bitPlaneDot(code, codeOffset, query, words, planes);
    }

    /**
     * The smallest and the largest {@code a[i] - b[i]} over every {@code i}, into {@code range[0]}
     * and {@code range[1]}: the span a query centred on a centroid is quantized over. Exact.
     */
    public static void differenceRange(float[] a, float[] b, float[] range) {
        if (a.length == 0 || a.length != b.length) {
            throw new IllegalArgumentException(
                    "lengths: expected two equal and not 0, got " + a.length + " and " + b.length);
        }
        Objects.checkFromIndexSize(0, 2, range.length);
        CODES.differenceRange(a, b, range);
    }

    /**
     * Quantizes {@code a[i] - b[i]} for every {@code i} to {@code planes} bits per dimension on the
     * grid {@code lo + u / scale}, rounding to the nearest step and clamping to {@code [0, 2^planes
     * - 1]}, and ORs bit j of each {@code u} into bit plane j ({@code out[j * words ..]}, one bit
     * per dimension, {@code words = ceil(a.length / 64)}), which must start zeroed: a query
     * prepared for {@link #bitPlaneDot}. Exact.
     */
    public static void quantizePlanes(
            float[] a, float[] b, float lo, float scale, long[] out, int planes) {
        if (planes < 1 || planes > 8) {
            throw new IllegalArgumentException("planes: expected 1..8, got " + planes);
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "lengths: expected equal, got " + a.length + " and " + b.length);
        }
        int words = (a.length + 63) >>> 6;
        if (out.length != words * planes) {
            throw new IllegalArgumentException(
                    "planes' longs: expected " + words * planes + ", got " + out.length);
        }
        CODES.quantizePlanes(a, b, lo, scale, out, planes);
    }

    /** The code kernels that go with the float ones: the Vector API ones unless scalar. */
    private static CodeKernels codeKernels(VectorKernels floats) {
        if (floats instanceof ScalarKernels) {
            return new ScalarCodeKernels();
        }
        try {
            return (CodeKernels)
                    Class.forName("io.vectaraft.index.vector.PanamaCodeKernels")
                            .getDeclaredConstructor()
                            .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            System.getLogger(VectorOps.class.getName())
                    .log(System.Logger.Level.WARNING, "Code kernels: scalar fallback", e);
            return new ScalarCodeKernels();
        }
    }

    private static int checkedLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vector dimensions differ: " + a.length + " != " + b.length);
        }
        return a.length;
    }

    /** Checks the arguments of a rows kernel; false when there is nothing to score. */
    private static boolean checkRows(
            float[] query, float[] data, int offset, int count, float[] scores) {
        Objects.checkFromIndexSize(0, count, scores.length);
        if (count == 0) {
            return false;
        }
        Objects.checkFromIndexSize(offset, Math.multiplyExact(count, query.length), data.length);
        return true;
    }

    /** Checks the arguments of a multi-query kernel; false when there is nothing to score. */
    private static boolean checkQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        Objects.checkFromToIndex(from, to, queries.length);
        Objects.checkFromIndexSize(0, to - from, scores.length);
        if (from == to) {
            return false;
        }
        int dim = queries[from].length;
        for (int q = from + 1; q < to; q++) {
            if (queries[q].length != dim) {
                throw new IllegalArgumentException(
                        "queries["
                                + q
                                + "]: expected dimension "
                                + dim
                                + ", got "
                                + queries[q].length);
            }
        }
        Objects.checkFromIndexSize(offset, dim, data.length);
        return true;
    }

    private static boolean checkTile(
            float[][] queries, int from, int to, float[] data, int offset, int count, float[] s) {
        if (count == 0 || !checkQueries(queries, from, to, data, offset, s)) {
            return false;
        }
        int dim = queries[from].length;
        Objects.checkFromIndexSize(offset, Math.multiplyExact(count, dim), data.length);
        Objects.checkFromIndexSize(0, Math.multiplyExact(to - from, count), s.length);
        return true;
    }
}
