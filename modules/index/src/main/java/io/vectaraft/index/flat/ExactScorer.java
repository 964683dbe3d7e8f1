package io.vectaraft.index.flat;

import io.vectaraft.index.Metric;
import io.vectaraft.index.vector.VectorOps;

/**
 * Exact similarity over the store's full-precision vectors, as Lucene's {@code RandomVectorScorer}:
 * "higher is better" (the dot product for COSINE over normalized vectors and for DOT, the negated
 * squared distance for EUCLIDEAN). A NaN (from overflowing products) scores as negative infinity,
 * the worst, so it never wins a comparison.
 *
 * <p>Reads the store's chunks, or an {@code on_disk} store's mapping, in place; callers hold the
 * collection's lock.
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
        MappedVectors mapped = store.mapped();
        if (mapped != null) {
            return node -> score(query, mapped, node);
        }
        return node -> score(query, node);
    }

    /** The scorer whose query is the vector stored in slot {@code a}. */
    public QueryScorer node(int a) {
        if (store.mapped() != null) {
            return query(store.copyVector(a));
        }
        float[] chunk = store.chunks()[store.chunkOf(a)];
        int offset = store.offsetOf(a);
        return node ->
                score(chunk, offset, store.chunks()[store.chunkOf(node)], store.offsetOf(node));
    }

    /** The exact score of a query against one slot. */
    public float score(float[] query, int node) {
        if (store.mapped() != null) {
            return score(query, store.mapped(), node);
        }
        return score(query, 0, store.chunks()[store.chunkOf(node)], store.offsetOf(node));
    }

    /** A query against a row of the mapping, read in place. */
    private float score(float[] query, MappedVectors mapped, int node) {
        float s =
                euclidean
                        ? -VectorOps.squareDistance(
                                query, 0, mapped.chunk(node), mapped.offset(node), dim)
                        : VectorOps.dot(query, 0, mapped.chunk(node), mapped.offset(node), dim);
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }

    private float score(float[] a, int aOffset, float[] b, int bOffset) {
        float s =
                euclidean
                        ? -VectorOps.squareDistance(a, aOffset, b, bOffset, dim)
                        : VectorOps.dot(a, aOffset, b, bOffset, dim);
        return s != s ? Float.NEGATIVE_INFINITY : s;
    }
}
