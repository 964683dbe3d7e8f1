package io.vectaraft.index.vector;

/**
 * Plain Java kernels: the fallback when the Vector API is unavailable, and the reference the SIMD
 * kernels are tested against. One accumulator, in index order, so results are reproducible.
 */
final class ScalarKernels implements VectorKernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float sum = 0f;
        for (int i = 0; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public void dotRows(float[] query, float[] data, int offset, int count, float[] scores) {
        for (int i = 0; i < count; i++) {
            scores[i] = dot(query, 0, data, offset + i * query.length, query.length);
        }
    }

    @Override
    public void squareDistanceRows(
            float[] query, float[] data, int offset, int count, float[] scores) {
        for (int i = 0; i < count; i++) {
            scores[i] = squareDistance(query, 0, data, offset + i * query.length, query.length);
        }
    }

    @Override
    public void dotQueries(
            float[][] queries, int from, int to, float[] data, int offset, float[] scores) {
        for (int q = from; q < to; q++) {
            scores[q - from] = dot(queries[q], 0, data, offset, queries[q].length);
        }
    }

    @Override
    public void dotTile(
            float[][] queries,
            int from,
            int to,
            float[] data,
            int offset,
            int count,
            float[] scores) {
        for (int q = from; q < to; q++) {
            int dim = queries[q].length;
            for (int i = 0; i < count; i++) {
                scores[(q - from) * count + i] = dot(queries[q], 0, data, offset + i * dim, dim);
            }
        }
    }
}
