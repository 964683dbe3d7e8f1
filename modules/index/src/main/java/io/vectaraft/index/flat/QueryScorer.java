package io.vectaraft.index.flat;

/**
 * The similarity of one query to stored vectors by slot, as Lucene's {@code RandomVectorScorer}:
 * higher is better (the dot product for COSINE and DOT, the negated squared distance for
 * EUCLIDEAN), exact over full-precision vectors or estimated from quantized codes. Made per query;
 * not thread-safe.
 */
@FunctionalInterface
public interface QueryScorer {
    float score(int slot);

    /**
     * {@code scores[i] = score(slots[i])} for {@code i < count}: a graph node's neighbours scored
     * together, which a scorer may do faster than one by one (their memory loads overlap), always
     * with the same results.
     */
    default void bulkScore(int[] slots, float[] scores, int count) {
        for (int i = 0; i < count; i++) {
            scores[i] = score(slots[i]);
        }
    }
}
