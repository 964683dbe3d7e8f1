package io.vectaraft.index.quant;

import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.vector.VectorOps;

/**
 * A query's estimated similarity to int8 codes held in chunks, from one exact integer dot product
 * per code ({@link VectorOps#dotInt8}): under EUCLIDEAN the negated squared distance on the codes'
 * grid, {@code |q|^2 + |x|^2 - 2 q.x} (the sum of squared differences, exactly) with each code's
 * squared norm kept beside it, times the grid's step squared; otherwise the estimated dot product
 * ({@link Int8Quantizer.Query#estimate}). Made per query; not thread-safe.
 */
final class Int8Scorer implements QueryScorer {
    private final byte[] query;
    private final int queryOffset;
    private final int dim;
    private final byte[][] chunks;
    private final int rowsPerChunk;
    private final int[] norms; // EUCLIDEAN
    private final int queryNorm; // EUCLIDEAN
    private final float stepSquared; // EUCLIDEAN
    private final Int8Quantizer.Query prepared; // otherwise

    private Int8Scorer(
            byte[] query,
            int queryOffset,
            int dim,
            byte[][] chunks,
            int rowsPerChunk,
            int[] norms,
            int queryNorm,
            float stepSquared,
            Int8Quantizer.Query prepared) {
        this.query = query;
        this.queryOffset = queryOffset;
        this.dim = dim;
        this.chunks = chunks;
        this.rowsPerChunk = rowsPerChunk;
        this.norms = norms;
        this.queryNorm = queryNorm;
        this.stepSquared = stepSquared;
        this.prepared = prepared;
    }

    /**
     * Squared distances from a query on the codes' grid ({@code onGrid[offset..offset + dim)}: a
     * query's grid bytes or a stored code) of squared norm {@code queryNorm} to codes whose squared
     * norms are {@code norms} by slot, times {@code stepSquared}, negated.
     */
    static Int8Scorer euclidean(
            byte[] onGrid,
            int offset,
            int dim,
            int queryNorm,
            float stepSquared,
            int[] norms,
            byte[][] chunks,
            int rowsPerChunk) {
        return new Int8Scorer(
                onGrid, offset, dim, chunks, rowsPerChunk, norms, queryNorm, stepSquared, null);
    }

    /** Dot products with a query prepared by {@link Int8Quantizer#prepare}. */
    static Int8Scorer dot(Int8Quantizer.Query q, byte[][] chunks, int rowsPerChunk) {
        byte[] bytes = q.bytes();
        return new Int8Scorer(bytes, 0, bytes.length, chunks, rowsPerChunk, null, 0, 0f, q);
    }

    @Override
    public float score(int slot) {
        byte[] chunk = chunks[slot / rowsPerChunk];
        int dot = VectorOps.dotInt8(query, queryOffset, chunk, (slot % rowsPerChunk) * dim, dim);
        if (prepared != null) {
            return prepared.estimate(dot);
        }
        return -(stepSquared * (queryNorm + norms[slot] - 2 * dot));
    }
}
