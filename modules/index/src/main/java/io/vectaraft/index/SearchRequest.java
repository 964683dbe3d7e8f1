package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import java.util.List;
import java.util.Objects;

/**
 * One k-nearest-neighbour search of one or more query vectors (a batch is searched in one pass per
 * block of queries over the data). {@code filter} may be null (no filter). {@code ef} is the HNSW
 * beam width, 0 for the collection default; {@code exact} forces a flat scan whatever the index;
 * {@code includeValues} false leaves the vectors of the matches out (nothing is copied).
 *
 * <p>The ranges of {@code k} and {@code ef} are checked here, once; the query vectors are checked
 * against the collection (dimension, finite values) when it runs the search.
 */
public record SearchRequest(
        List<float[]> queries, int k, Filter filter, int ef, boolean exact, boolean includeValues) {
    public static final int MAX_K = 10_000;
    public static final int MAX_EF = 100_000;

    public SearchRequest {
        Objects.requireNonNull(queries, "queries");
        if (queries.isEmpty()) {
            throw new InvalidArgumentException("queries: expected at least one query, got none");
        }
        queries = List.copyOf(queries);
        Checks.inRange("top_k", k, 1, MAX_K);
        Checks.inRange("ef", ef, 0, MAX_EF);
    }

    /** A single query with values included, no filter, default ef, the index's own plan. */
    public static SearchRequest of(float[] vector, int k) {
        return of(vector, k, null);
    }

    /** A single filtered query with values included, default ef, the index's own plan. */
    public static SearchRequest of(float[] vector, int k, Filter filter) {
        return new SearchRequest(List.of(vector), k, filter, 0, false, true);
    }

    /** The same search for another single query vector. */
    public SearchRequest withQuery(float[] vector) {
        return new SearchRequest(List.of(vector), k, filter, ef, exact, includeValues);
    }

    /** The same search, forced exact (the recall monitor's reference). */
    public SearchRequest asExact() {
        return new SearchRequest(queries, k, filter, ef, true, includeValues);
    }

    /**
     * How error messages name query {@code i}: {@code query vector} alone, else {@code queries[i]}.
     */
    public String queryName(int i) {
        return queries.size() == 1 ? "query vector" : "queries[" + i + "]";
    }
}
