package io.vectaraft.index.flat;

import io.vectaraft.index.Metric;
import io.vectaraft.index.vector.VectorOps;

/**
 * Exact similarity over the store's full-precision vectors, as Lucene's {@code RandomVectorScorer}:
 * "higher is better" (the dot product for COSINE over normalized vectors and for DOT, the negated
 * squared distance for EUCLIDEAN). A NaN (from overflowing products) scores as negative infinity,
 * the worst, so it never wins a comparison.
 *
 * <p>Reads the store's chunks directly; callers hold the collection's lock.
 */
public final class ExactScorer {
    private final SlotStore store;
    private final boolean euclidean;
    private final int dim;

    public ExactScorer(SlotStore store, Metric metric) {
        this.store = store;
        this.euclidean = metric == Metric.EUCLIDEAN;
        this.dim = store.dimension();
    }

    /** The scorer of one query (normalized under COSINE). */
    public QueryScorer query(float[] query) {
        return node -> score(query, 0, node);
    }

    /** The scorer whose query is the vector stored in slot {@code a}. */
    public QueryScorer node(int a) {
        float[] chunk = store.chunks()[a >>> store.chunkShift()];
        int offset = (a & store.chunkMask()) * dim;
        return node -> score(chunk, offset, node);
    }

    public float score(float[] query, int node) {
        return score(query, 0, node);
    }

    private float score(float[] query, int queryOffset, int node) {
        float[] chunk = store.chunks()[node >>> store.chunkShift()];
        int offset = (node & store.chunkMask()) * dim;
        float s =
                euclidean
                        ? -VectorOps.squareDistance(query, queryOffset, chunk, offset, dim)
                        : VectorOps.dot(query, queryOffset, chunk, offset, dim);
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }
}
