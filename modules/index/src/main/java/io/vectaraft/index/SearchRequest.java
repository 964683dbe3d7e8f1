package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;

/**
 * One k-nearest-neighbour search. {@code filter} may be null (no filter). {@code ef} is the HNSW
 * beam width for this search, 0 for the collection default; {@code exact} forces a flat scan
 * whatever the index.
 */
public record SearchRequest(float[] vector, int k, Filter filter, int ef, boolean exact) {
    public static final int MAX_K = 10_000;
    public static final int MAX_EF = 100_000;

    public SearchRequest {
        java.util.Objects.requireNonNull(vector, "vector");
        Checks.inRange("top_k", k, 1, MAX_K);
        Checks.inRange("ef", ef, 0, MAX_EF);
    }

    public static SearchRequest of(float[] vector, int k) {
        return new SearchRequest(vector, k, null, 0, false);
    }

    public static SearchRequest of(float[] vector, int k, Filter filter) {
        return new SearchRequest(vector, k, filter, 0, false);
    }
}
