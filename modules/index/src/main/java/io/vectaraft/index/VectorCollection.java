package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import java.util.List;

/**
 * The read side of one collection: a named set of records of one dimension, searched under one
 * metric. Writes go through the storage layer's log (the {@code io.vectaraft.index.write} package
 * is exported to it alone), so a holder of this view cannot change the index.
 *
 * <p>Thread safety: every method may be called from any thread. A reader sees each write batch
 * whole or not at all, and each record whole. Returned records hold copies of the stored vectors,
 * or an empty vector when the request left values out.
 */
public interface VectorCollection {

    CollectionSpec spec();

    /** The number of live records. */
    long size();

    /**
     * The number of upserts and deletes applied so far. Two equal readings around a search mean no
     * record changed in between (linking pending records into the graph does not count: it changes
     * no result of an exact search). Lets a caller tell whether a result is still current.
     */
    long writeCount();

    /** Storage and index state (counts and sizes). */
    IndexStats stats();

    /**
     * The records with these ids, in the order asked; unknown ids are skipped.
     *
     * @param includeValues false: the records carry an empty vector (nothing is copied)
     */
    List<VectorRecord> get(List<String> ids, boolean includeValues);

    /**
     * The k best matches of each query, best first, ties by id ascending (UTF-8 order). Under
     * EUCLIDEAN the ranking uses the squared distance and reports its square root. An HNSW
     * collection searches its graph with beam {@code ef} (0: the collection's default) unless
     * {@code exact}; a batch of queries is scored in one pass per block of queries over the data.
     *
     * @throws InvalidArgumentException naming the bad query ({@code query vector} or {@code
     *     queries[i]}): of the wrong dimension, with a NaN or infinite component, or all zeros
     *     under COSINE
     */
    SearchResults search(SearchRequest request);

    /** Counts the records matching the filter; null counts all. */
    long count(Filter filter);

    /**
     * One page of the records matching the request's filter whose ids follow its {@code afterId},
     * in id order. Paging by id keeps a scroll stable while data changes: a record present for the
     * whole scroll is returned exactly once.
     */
    Page scroll(ScrollRequest request);

    /** The collection's field indexes with their state and size, in creation order. */
    default List<FieldIndexInfo> fieldIndexes() {
        return List.of();
    }
}
