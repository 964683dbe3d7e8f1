package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.CandidateBits;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.flat.VectorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A named set of records of one dimension, searched under one metric.
 *
 * <p>Records live in a {@link VectorStore} (contiguous vector chunks addressed by slot); searches
 * are exact scans by a {@link FlatScanner}. Under COSINE, vectors are normalized once at insert, so
 * cosine similarity is a dot product.
 *
 * <p>Thread safety: every method may be called from any thread. One read/write lock guards the
 * store: searches, gets and scrolls share it, a batch holds it exclusively while it is applied, so
 * readers see each record whole (never a half-written vector) and a batch becomes visible as a
 * whole. Returned records hold copies of the stored vectors.
 */
public final class Collection {
    /** The largest scroll page. */
    public static final int MAX_SCROLL_LIMIT = 10_000;

    private final CollectionSpec spec;
    private final FlatScanner scanner;
    private final VectorStore store;
    private final Lock readLock;
    private final Lock writeLock;

    public Collection(CollectionSpec spec) {
        this(spec, FlatScanner.shared());
    }

    /** A collection searched by this scanner (tests use one with other thresholds or pool). */
    Collection(CollectionSpec spec, FlatScanner scanner) {
        this.spec = spec;
        this.scanner = scanner;
        this.store = new VectorStore(spec.dimension());
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.readLock = lock.readLock();
        this.writeLock = lock.writeLock();
    }

    public CollectionSpec spec() {
        return spec;
    }

    /** The number of live records. */
    public long size() {
        readLock.lock();
        try {
            return store.size();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Validates a batch (ids, dimensions, finite values, no duplicate ids, no zero vector under
     * cosine, non-empty metadata keys) and prepares it for {@link #apply}. Changes nothing. Errors
     * name the record, e.g. {@code record[3] id "a7": expected dimension 128, got 127}.
     */
    public UpsertBatch prepareUpsert(List<VectorRecord> records) {
        return prepare(records, true);
    }

    private UpsertBatch prepare(List<VectorRecord> records, boolean normalize) {
        if (records == null || records.isEmpty()) {
            throw new InvalidArgumentException("records: expected at least one record, got none");
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        List<VectorRecord> prepared = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            String where = "record[" + i + "]";
            if (r == null) {
                throw new InvalidArgumentException(where + ": expected a record, got none");
            }
            try {
                Ids.check(r.id());
            } catch (InvalidArgumentException e) {
                throw e.at(where);
            }
            where += " id " + Ids.quote(r.id());
            Integer previous = firstIndex.putIfAbsent(r.id(), i);
            if (previous != null) {
                throw new InvalidArgumentException(
                        where
                                + ": expected ids unique within a batch, got a duplicate of record["
                                + previous
                                + "]");
            }
            Vectors.check(where, r.vector(), spec.dimension(), spec.metric());
            for (String key : r.metadata().keySet()) {
                if (key.isEmpty()) {
                    throw new InvalidArgumentException(
                            where + ": metadata key: expected a non-empty string, got \"\"");
                }
            }
            prepared.add(
                    new VectorRecord(
                            r.id(),
                            normalize
                                    ? Vectors.stored(r.vector(), spec.metric())
                                    : r.vector().clone(),
                            r.metadata()));
        }
        return new UpsertBatch(spec, prepared);
    }

    /** Inserts or replaces every record of a prepared batch, atomically for readers. */
    public void apply(UpsertBatch batch) {
        if (!batch.spec().equals(spec)) {
            throw new IllegalArgumentException(
                    "batch: prepared for "
                            + batch.spec().describeParameters()
                            + ", applied to collection \""
                            + spec.name()
                            + "\" with "
                            + spec.describeParameters());
        }
        writeLock.lock();
        try {
            for (VectorRecord r : batch.records()) {
                store.put(r.id(), r.vector(), r.metadata());
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** {@code apply(prepareUpsert(records))}. */
    public void upsert(List<VectorRecord> records) {
        apply(prepareUpsert(records));
    }

    /**
     * Prepares records that are already in stored form, as {@link #forEach} yields them (e.g. read
     * back from a snapshot): validated like {@link #prepareUpsert}, but their vectors are kept bit
     * for bit instead of being normalized again, because renormalizing a unit vector under COSINE
     * can change its last bits and a restart must reproduce the state exactly.
     */
    public UpsertBatch prepareRestore(List<VectorRecord> stored) {
        return prepare(stored, false);
    }

    /** The records with these ids, in the order asked; unknown ids are skipped. */
    public List<VectorRecord> get(List<String> ids) {
        List<VectorRecord> out = new ArrayList<>(ids.size());
        readLock.lock();
        try {
            for (String id : ids) {
                int slot = id == null ? -1 : store.slotOf(id);
                if (slot >= 0) {
                    out.add(record(slot));
                }
            }
        } finally {
            readLock.unlock();
        }
        return out;
    }

    /** Removes the records with these ids; returns how many existed. */
    public int delete(java.util.Collection<String> ids) {
        int removed = 0;
        writeLock.lock();
        try {
            for (String id : ids) {
                if (id != null && store.remove(id)) {
                    removed++;
                }
            }
        } finally {
            writeLock.unlock();
        }
        return removed;
    }

    /** The ids of the records matching a filter (null: all), in id order. */
    public List<String> idsMatching(Filter filter) {
        List<String> out = new ArrayList<>();
        readLock.lock();
        try {
            for (String id : store.sortedIds()) {
                if (FilterMatcher.matches(filter, store.metadata(store.slotOf(id)))) {
                    out.add(id);
                }
            }
        } finally {
            readLock.unlock();
        }
        return out;
    }

    /**
     * The k best matches, best first, ties by id ascending (UTF-8 order). Under EUCLIDEAN the
     * ranking uses the squared distance and reports its square root.
     *
     * @throws InvalidArgumentException for a query of the wrong dimension, with a NaN or infinite
     *     component, or all zeros under COSINE
     */
    public List<Match> search(SearchRequest request) {
        float[] query = checkedQuery("query vector", request.vector());
        return searchChecked(new float[][] {query}, request.k(), request.filter()).getFirst();
    }

    /**
     * Searches several queries in one pass per block of queries over the data (each vector is read
     * once per block, not once per query). Returns one result list per query, in order.
     *
     * @throws InvalidArgumentException naming the bad query, e.g. {@code queries[2]: expected
     *     dimension 128, got 127}; or for an empty list or k outside 1..10000
     */
    public List<List<Match>> searchBatch(List<float[]> queries, int k, Filter filter) {
        if (queries == null || queries.isEmpty()) {
            throw new InvalidArgumentException("queries: expected at least one query, got none");
        }
        Checks.inRange("top_k", k, 1, SearchRequest.MAX_K);
        float[][] checked = new float[queries.size()][];
        for (int i = 0; i < checked.length; i++) {
            checked[i] = checkedQuery("queries[" + i + "]", queries.get(i));
        }
        return searchChecked(checked, k, filter);
    }

    private float[] checkedQuery(String what, float[] vector) {
        Vectors.check(what, vector, spec.dimension(), spec.metric());
        return spec.metric() == Metric.COSINE ? Vectors.normalized(vector) : vector;
    }

    private List<List<Match>> searchChecked(float[][] queries, int k, Filter filter) {
        readLock.lock();
        try {
            long[] candidates = CandidateBits.matching(store, filter);
            TopK[] heaps = scanner.search(store, spec.metric(), queries, k, candidates);
            List<List<Match>> out = new ArrayList<>(heaps.length);
            int[] slots = new int[k];
            float[] scores = new float[k];
            for (TopK heap : heaps) {
                int n = heap.drainBestFirst(slots, scores);
                List<Match> matches = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    matches.add(
                            new Match(
                                    record(slots[i]),
                                    FlatScanner.toScore(spec.metric(), scores[i])));
                }
                out.add(matches);
            }
            return out;
        } finally {
            readLock.unlock();
        }
    }

    /** Counts the records matching the filter; null counts all. */
    public long count(Filter filter) {
        readLock.lock();
        try {
            return filter == null
                    ? store.size()
                    : CandidateBits.count(CandidateBits.matching(store, filter));
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Up to {@code limit} records matching the filter (null: all) whose ids follow {@code afterId}
     * (null: from the start), in id order. Paging by id keeps a scroll stable while data changes: a
     * record present for the whole scroll is returned exactly once.
     *
     * @throws InvalidArgumentException when limit is outside 1..10000
     */
    public Page scroll(Filter filter, String afterId, int limit) {
        Checks.inRange("limit", limit, 1, MAX_SCROLL_LIMIT);
        List<VectorRecord> records = new ArrayList<>(Math.min(limit, 1024));
        readLock.lock();
        try {
            Iterator<String> it =
                    (afterId == null
                                    ? store.sortedIds()
                                    : store.sortedIds().tailSet(afterId, false))
                            .iterator();
            while (it.hasNext()) {
                int slot = store.slotOf(it.next());
                if (!FilterMatcher.matches(filter, store.metadata(slot))) {
                    continue;
                }
                if (records.size() == limit) {
                    // Another match follows: the page ends here and the scroll continues.
                    return new Page(records, records.getLast().id());
                }
                records.add(record(slot));
            }
            return new Page(records, null);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Visits every live record in id order (for snapshots). The visitor runs under the read lock,
     * so it sees one consistent state and writers wait until it returns.
     */
    public void forEach(Consumer<VectorRecord> visitor) {
        readLock.lock();
        try {
            for (String id : store.sortedIds()) {
                visitor.accept(record(store.slotOf(id)));
            }
        } finally {
            readLock.unlock();
        }
    }

    private VectorRecord record(int slot) {
        return new VectorRecord(store.id(slot), store.copyVector(slot), store.metadata(slot));
    }
}
