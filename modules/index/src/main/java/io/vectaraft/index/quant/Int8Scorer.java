package io.vectaraft.index.quant;

import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.vector.VectorOps;

/**
 * A query's estimated similarity to int8 codes held in chunks, from one exact integer dot product
 * per code ({@link VectorOps#dotInt8}): under EUCLIDEAN the negated squared distance on the codes'
 * grid, {@code |q|^2 + |x|^2 - 2 q.x} (the sum of squared differences, exactly) with each code's
 * squared norm kept beside it, times the grid's step squared ({@link #euclidean}); otherwise the
 * estimated dot product ({@link #dot}). Made per query; not thread-safe.
 */
abstract sealed class Int8Scorer implements QueryScorer {
    private final byte[] query;
    private final int queryOffset;
    private final int dim;
    private final byte[][] chunks;
    private final int rowsPerChunk;

    private Int8Scorer(byte[] query, int queryOffset, int dim, byte[][] chunks, int rowsPerChunk) {
        this.query = query;
        this.queryOffset = queryOffset;
        this.dim = dim;
        this.chunks = chunks;
        this.rowsPerChunk = rowsPerChunk;
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
        return new Distance(
                onGrid, offset, dim, chunks, rowsPerChunk, norms, queryNorm, stepSquared);
    }

    /** Dot products with a query prepared by {@link Int8Quantizer#prepare}. */
    static Int8Scorer dot(Int8Quantizer.Query q, byte[][] chunks, int rowsPerChunk) {
        return new Dot(q, chunks, rowsPerChunk);
    }

    /** The exact dot product of the query's bytes with the code of a slot. */
    final int codeDot(int slot) {
        byte[] chunk = chunks[slot / rowsPerChunk];
        return VectorOps.dotInt8(query, queryOffset, chunk, (slot % rowsPerChunk) * dim, dim);
    }

    private static final class Distance extends Int8Scorer {
        private final int[] norms;
        private final int queryNorm;
        private final float stepSquared;

        Distance(
                byte[] onGrid,
                int offset,
                int dim,
                byte[][] chunks,
                int rowsPerChunk,
                int[] norms,
                int queryNorm,
                float stepSquared) {
            super(onGrid, offset, dim, chunks, rowsPerChunk);
            this.norms = norms;
            this.queryNorm = queryNorm;
            this.stepSquared = stepSquared;
        }

        @Override
        public float score(int slot) {
            return -(stepSquared * (queryNorm + norms[slot] - 2 * codeDot(slot)));
        }
    }

    private static final class Dot extends Int8Scorer {
        private final Int8Quantizer.Query prepared;

        Dot(Int8Quantizer.Query prepared, byte[][] chunks, int rowsPerChunk) {
            super(prepared.bytes(), 0, prepared.bytes().length, chunks, rowsPerChunk);
            this.prepared = prepared;
        }

        @Override
        public float score(int slot) {
            return prepared.estimate(codeDot(slot));
        }
    }
}
