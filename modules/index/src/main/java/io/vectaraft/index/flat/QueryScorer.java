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
}
