package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.CandidateBits;
import io.vectaraft.index.flat.FilterCache;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.flat.VectorStore;
import io.vectaraft.index.hnsw.HnswIndex;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A named set of records of one dimension, searched under one metric.
 *
 * <p>Records live in a {@link VectorStore} (contiguous vector chunks addressed by slot); searches
 * are exact scans by a {@link FlatScanner}, or, for an {@link IndexSpec.Hnsw} collection, walks of
 * an {@link HnswIndex} graph (which itself falls back to a scan when that is cheaper or the only
 * complete plan). Under COSINE, vectors are normalized once at insert, so cosine similarity is a
 * dot product.
 *
 * <p>In an HNSW collection a replaced or deleted record leaves a tombstone: its slot keeps the old
 * vector for the graph to traverse and is never returned. When tombstones pass a quarter of the
 * slots, the store and graph are rebuilt from the live records (under the write lock), so memory
 * and recall recover after heavy deletes.
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
    private final FilterCache filterCache = new FilterCache();
    private VectorStore store;
    private HnswIndex hnsw;
    private final Lock readLock;
    private final Lock writeLock;

    public Collection(CollectionSpec spec) {
        this(spec, FlatScanner.shared());
    }

    /** A collection searched by this scanner (tests use one with other thresholds or pool). */
    Collection(CollectionSpec spec, FlatScanner scanner) {
        this.spec = spec;
        this.scanner = scanner;
        this.store = newStore();
        this.hnsw = newGraph(store);
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        this.readLock = lock.readLock();
        this.writeLock = lock.writeLock();
    }

    private VectorStore newStore() {
        return new VectorStore(spec.dimension(), !(spec.index() instanceof IndexSpec.Hnsw));
    }

    private HnswIndex newGraph(VectorStore forStore) {
        return spec.index() instanceof IndexSpec.Hnsw params
                ? new HnswIndex(forStore, spec.metric(), params)
                : null;
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

    /** Storage and index state (counts and sizes), read under the lock. */
    public IndexStats stats() {
        readLock.lock();
        try {
            return new IndexStats(
                    store.size(),
                    store.tombstones(),
                    store.vectorBytes(),
                    hnsw == null ? 0 : hnsw.graph().size(),
                    hnsw == null ? 0 : hnsw.graph().maxLevel() + 1,
                    hnsw == null ? 0 : hnsw.graph().bytesUsed());
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
        requireRecords(records);
        return new UpsertBatch(spec, UpsertValidator.validate(spec, records, true));
    }

    private static void requireRecords(List<VectorRecord> records) {
        if (records == null || records.isEmpty()) {
            throw new InvalidArgumentException("records: expected at least one record, got none");
        }
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
                if (hnsw == null) {
                    store.put(r.id(), r.vector(), r.metadata());
                } else {
                    store.remove(r.id()); // a replaced record's old node becomes a tombstone
                    hnsw.insert(store.put(r.id(), r.vector(), r.metadata()));
                }
            }
            compactIfNeeded();
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
        requireRecords(stored);
        return new UpsertBatch(spec, UpsertValidator.validate(spec, stored, false));
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
            compactIfNeeded();
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
        return searchChecked(
                        new float[][] {query},
                        request.k(),
                        request.filter(),
                        request.ef(),
                        request.exact())
                .getFirst();
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
        return searchChecked(checked, k, filter, 0, false);
    }

    private float[] checkedQuery(String what, float[] vector) {
        Vectors.check(what, vector, spec.dimension(), spec.metric());
        return spec.metric() == Metric.COSINE ? Vectors.normalized(vector) : vector;
    }

    private List<List<Match>> searchChecked(
            float[][] queries, int k, Filter filter, int ef, boolean exact) {
        readLock.lock();
        try {
            long[] candidates = filterCache.matching(store, filter);
            TopK[] heaps =
                    hnsw == null || exact
                            ? scanner.search(store, spec.metric(), queries, k, candidates)
                            : searchGraph(queries, k, filter, ef, candidates);
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

    /** Graph search per query; the queries the graph declines are scanned together. */
    private TopK[] searchGraph(float[][] queries, int k, Filter filter, int ef, long[] candidates) {
        long acceptCount = filter == null ? store.size() : CandidateBits.count(candidates);
        TopK[] heaps = new TopK[queries.length];
        List<Integer> declined = new ArrayList<>();
        for (int q = 0; q < queries.length; q++) {
            heaps[q] = hnsw.search(queries[q], k, ef, candidates, acceptCount);
            if (heaps[q] == null) {
                declined.add(q);
            }
        }
        if (!declined.isEmpty()) {
            float[][] rest = new float[declined.size()][];
            for (int i = 0; i < rest.length; i++) {
                rest[i] = queries[declined.get(i)];
            }
            TopK[] scanned = scanner.search(store, spec.metric(), rest, k, candidates);
            for (int i = 0; i < rest.length; i++) {
                heaps[declined.get(i)] = scanned[i];
            }
        }
        return heaps;
    }

    /**
     * Rebuilds an HNSW collection's store and graph from its live records (in slot order, so the
     * result is deterministic) once tombstones pass a quarter of the slots. Called under the write
     * lock.
     */
    private void compactIfNeeded() {
        if (hnsw == null || store.tombstones() * 4L <= store.slotLimit()) {
            return;
        }
        VectorStore compacted = newStore();
        HnswIndex graph = newGraph(compacted);
        long[] live = store.liveBits();
        for (int slot = 0; slot < store.slotLimit(); slot++) {
            if ((live[slot >>> 6] & (1L << slot)) != 0) {
                graph.insert(
                        compacted.put(
                                store.id(slot), store.copyVector(slot), store.metadata(slot)));
            }
        }
        store = compacted;
        hnsw = graph;
    }

    /** Counts the records matching the filter; null counts all. */
    public long count(Filter filter) {
        readLock.lock();
        try {
            return filter == null
                    ? store.size()
                    : CandidateBits.count(filterCache.matching(store, filter));
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
