package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import java.util.List;
import java.util.function.Consumer;

/**
 * A named set of records of one dimension, searched under one metric.
 *
 * <p>Thread safety: every method may be called from any thread. Readers see each record whole
 * (never a half-written vector); a batch becomes visible as a whole.
 */
public final class Collection {
    private final CollectionSpec spec;

    public Collection(CollectionSpec spec) {
        this.spec = spec;
    }

    public CollectionSpec spec() {
        return spec;
    }

    /** The number of live records. */
    public long size() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Validates a batch (ids, dimensions, finite values, no duplicate ids, no zero vector under
     * cosine) and prepares it for {@link #apply}. Changes nothing. Errors name the record, e.g.
     * {@code record[3] id "a7": expected dimension 128, got 127}.
     */
    public UpsertBatch prepareUpsert(List<VectorRecord> records) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Inserts or replaces every record of a prepared batch, atomically for readers. */
    public void apply(UpsertBatch batch) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code apply(prepareUpsert(records))}. */
    public void upsert(List<VectorRecord> records) {
        apply(prepareUpsert(records));
    }

    /** The records with these ids, in the order asked; unknown ids are skipped. */
    public List<VectorRecord> get(List<String> ids) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Removes the records with these ids; returns how many existed. */
    public int delete(java.util.Collection<String> ids) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The ids of the records matching a filter, in id order. */
    public List<String> idsMatching(Filter filter) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The k best matches, best first, ties by id ascending. */
    public List<Match> search(SearchRequest request) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Counts the records matching the filter; null counts all. */
    public long count(Filter filter) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Up to {@code limit} records matching the filter (null: all) whose ids follow {@code afterId}
     * (null: from the start), in id order.
     */
    public Page scroll(Filter filter, String afterId, int limit) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Visits every live record in id order (for snapshots). */
    public void forEach(Consumer<VectorRecord> visitor) {
        throw new UnsupportedOperationException("TODO");
    }
}
