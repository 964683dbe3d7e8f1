package io.vectaraft.index.hnsw;

import io.vectaraft.index.Metric;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.vector.VectorOps;

/**
 * Similarity between a query and a stored vector, or between two stored vectors, as Lucene's {@code
 * RandomVectorScorer}: "higher is better" (the dot product for COSINE over normalized vectors and
 * for DOT, the negated squared distance for EUCLIDEAN). A NaN (from overflowing products) scores as
 * negative infinity, the worst, so it never wins a comparison.
 *
 * <p>Reads the store's chunks directly; callers hold the collection's lock.
 */
final class SlotScorer {
    private final SlotStore store;
    private final boolean euclidean;
    private final int dim;

    SlotScorer(SlotStore store, Metric metric) {
        this.store = store;
        this.euclidean = metric == Metric.EUCLIDEAN;
        this.dim = store.dimension();
    }

    float score(float[] query, int node) {
        float[] chunk = store.chunks()[node >>> store.chunkShift()];
        int offset = (node & store.chunkMask()) * dim;
        float s =
                euclidean
                        ? -VectorOps.squareDistance(query, 0, chunk, offset, dim)
                        : VectorOps.dot(query, 0, chunk, offset, dim);
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }

    float score(int a, int b) {
        float[] chunkA = store.chunks()[a >>> store.chunkShift()];
        float[] chunkB = store.chunks()[b >>> store.chunkShift()];
        int offsetA = (a & store.chunkMask()) * dim;
        int offsetB = (b & store.chunkMask()) * dim;
        float s =
                euclidean
                        ? -VectorOps.squareDistance(chunkA, offsetA, chunkB, offsetB, dim)
                        : VectorOps.dot(chunkA, offsetA, chunkB, offsetB, dim);
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }

    /** A copy of a stored vector, to use as the query while inserting it. */
    float[] vector(int node) {
        return store.copyVector(node);
    }
}
