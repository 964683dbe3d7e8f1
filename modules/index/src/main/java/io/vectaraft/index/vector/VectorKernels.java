package io.vectaraft.index.vector;

/**
 * The distance kernels behind {@link VectorOps}. Implementations are stateless and thread-safe;
 * arguments are already checked by the facade, so kernels do no validation of their own.
 */
interface VectorKernels {

    /** A short name for logs and benchmark reports, e.g. {@code "panama-512"}. */
    String name();

    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * {@code scores[i] = dot(query, data[offset + i * query.length ..])} for {@code i < count}: the
     * same bits as {@link #dot} gives for each row.
     */
    void dotRows(float[] query, float[] data, int offset, int count, float[] scores);

    /** As {@link #dotRows}, with squared Euclidean distances. */
    void squareDistanceRows(float[] query, float[] data, int offset, int count, float[] scores);

    /** {@code scores[q - from] = dot(queries[q], data[offset ..])} for {@code from <= q < to}. */
    void dotQueries(float[][] queries, int from, int to, float[] data, int offset, float[] scores);

    /**
     * {@code scores[(q - from) * count + i] = dot(queries[q], data[offset + i*dim ..])} for {@code
     * from <= q < to}, {@code i < count}.
     */
    void dotTile(
            float[][] queries,
            int from,
            int to,
            float[] data,
            int offset,
            int count,
            float[] scores);
}
