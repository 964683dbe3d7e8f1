package io.vectaraft.index;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.flat.TopK;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A named set of records of one dimension, searched under one metric.
 *
 * <p>Records live in a {@link SlotStore} (contiguous vector chunks addressed by slot); searches are
 * exact scans by a {@link FlatScanner}, or, for an {@link IndexSpec.Hnsw} collection, walks of an
 * {@link io.vectaraft.index.hnsw.HnswIndex} graph (which itself falls back to a scan when that is
 * cheaper or the only complete plan). Under COSINE, vectors are normalized once at insert, so
 * cosine similarity is a dot product.
 *
 * <p>An HNSW collection links an upsert's records into its graph after the batch became visible, a
 * few milliseconds per write-lock hold, before the upsert returns: searches interleave with a long
 * build and find not-yet-linked records by an exact scan of them. Deletes leave tombstones until a
 * rebuild once they pass a quarter of the slots.
 *
 * <p>Thread safety: every method may be called from any thread. One read/write lock guards the
 * store: searches, gets and scrolls share it, a batch holds it exclusively while it is applied, so
 * readers see each record whole (never a half-written vector) and a batch becomes visible as a
 * whole. Returned records hold copies of the stored vectors.
 */
public final class VectorCollection {
    /** The largest scroll page. */
    public static final int MAX_SCROLL_LIMIT = 10_000;

    /** How long one write-lock hold may spend linking pending records into an HNSW graph. */
    static final long LINK_STEP_NANOS = 5_000_000;

    private final CollectionSpec spec;
    private final CollectionState records;
    private final Lock readLock;
    private final Lock writeLock;
    private final Lock linkLock = new java.util.concurrent.locks.ReentrantLock();

    /** Upserts and deletes applied; written under the write lock, read without a lock. */
    private volatile long writes;

    public VectorCollection(CollectionSpec spec) {
        this(spec, FlatScanner.shared());
    }

    /** A collection searched by this scanner (tests use one with other thresholds or pool). */
    VectorCollection(CollectionSpec spec, FlatScanner scanner) {
        this.spec = spec;
        this.records = new CollectionState(spec, scanner);
        // Fair, so that a writer linking a large batch step by step lets queued readers in
        // between steps instead of barging back in.
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
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
            return records.store().size();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * The number of upserts and deletes applied so far. Two equal readings around a search mean no
     * record changed in between (linking pending records into the graph does not count: it changes
     * no result of an exact search). Lets a caller tell whether a result is still current.
     */
    public long writeCount() {
        return writes;
    }

    /** Storage and index state (counts and sizes), read under the lock. */
    public IndexStats stats() {
        readLock.lock();
        try {
            return records.stats();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Validates a batch (ids, dimensions, finite values, no duplicate ids, no zero vector under
     * cosine, non-empty metadata keys) and prepares it for {@link #apply}. Changes nothing. Errors
     * name the record, e.g. {@code record[3] id "a7": expected dimension 128, got 127}.
     */
    public UpsertBatch prepareUpsert(List<VectorRecord> batch) {
        requireRecords(batch);
        return new UpsertBatch(spec, UpsertValidator.validate(spec, batch, true));
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

    private static void requireRecords(List<VectorRecord> batch) {
        if (batch == null || batch.isEmpty()) {
            throw new InvalidArgumentException("records: expected at least one record, got none");
        }
    }

    /** Inserts or replaces every record of a prepared batch, atomically for readers. */
    public void apply(UpsertBatch batch) {
        applyUnlinked(batch);
        linkPending();
    }

    /** {@code apply(prepareUpsert(records))}. */
    public void upsert(List<VectorRecord> batch) {
        apply(prepareUpsert(batch));
    }

    /**
     * Applies a batch of restored records (from {@link #prepareRestore}) without linking them into
     * an HNSW graph yet: recovery then loads the graph from the snapshot ({@link #readIndexImage})
     * and calls {@link #finishRestore} for whatever the image did not cover.
     */
    public void applyRestored(UpsertBatch batch) {
        applyUnlinked(batch);
    }

    /**
     * Bulk form of {@code applyRestored(prepareRestore(stored))} for records in stored form whose
     * ids ascend in UTF-8 order, as a snapshot stores them: no per-record copies or messages, and
     * the ids join the id order in one linear build (on {@link #finishRestore} or the next read)
     * instead of one tree insert each. Records are not linked into an HNSW graph yet. A batch that
     * fails a check, or is not in id order, takes the general path, which reports the first problem
     * exactly as {@link #prepareRestore} does.
     */
    public void restoreInIdOrder(List<VectorRecord> stored) {
        requireRecords(stored);
        if (!plainlyValidInOrder(stored)) {
            applyRestored(prepareRestore(stored));
            return;
        }
        writeLock.lock();
        try {
            for (VectorRecord r : stored) {
                records.putInOrder(r);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The checks of {@link UpsertValidator}, without building messages, plus id order. */
    private boolean plainlyValidInOrder(List<VectorRecord> stored) {
        String previous = null;
        try {
            for (VectorRecord r : stored) {
                Ids.check(r.id());
                if (previous != null && Ids.compareUtf8(previous, r.id()) >= 0) {
                    return false;
                }
                previous = r.id();
                Vectors.check("record", r.vector(), spec.dimension(), spec.metric());
                if (r.metadata().containsKey("")) {
                    return false;
                }
            }
        } catch (InvalidArgumentException | NullPointerException e) {
            return false;
        }
        return true;
    }

    private void applyUnlinked(UpsertBatch batch) {
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
                records.put(r);
            }
            records.compactIfNeeded();
            writes++;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Links the records an upsert (or a rebuild) left pending into the HNSW graph: one by one in
     * short write-lock holds while the graph is small, then in rounds whose neighbour searches run
     * in parallel under the read lock, so searches interleave with a long build. The batch was
     * visible before: pending records are found by an exact scan of them meanwhile.
     */
    private void linkPending() {
        if (!hasIndexImage()) {
            return;
        }
        linkLock.lock(); // one linker at a time; it links every writer's pending records
        try {
            while (true) {
                io.vectaraft.index.hnsw.HnswIndex.LinkRound round;
                writeLock.lock();
                try {
                    if (!records.hasPending()) {
                        return;
                    }
                    round = records.claimRound();
                    if (round == null) {
                        records.link(LINK_STEP_NANOS); // small graph: one by one
                        continue;
                    }
                } finally {
                    writeLock.unlock();
                }
                readLock.lock();
                try {
                    records.findRound(round); // the expensive half, beside queries
                } finally {
                    readLock.unlock();
                }
                writeLock.lock();
                try {
                    records.linkRound(round);
                } finally {
                    writeLock.unlock();
                }
            }
        } finally {
            linkLock.unlock();
        }
    }

    /** Whether this collection has an index image for snapshots (an HNSW graph). */
    public boolean hasIndexImage() {
        return spec.index() instanceof IndexSpec.Hnsw;
    }

    /**
     * Writes the HNSW graph for a snapshot, its nodes numbered by id order among the live records
     * (the order {@link #forEach} visits them), so it fits the records after a restart. Call while
     * writes are held off, so that it matches the records the snapshot visited.
     *
     * @throws IllegalStateException when the collection has no graph
     */
    public void writeIndexImage(DataOutput out) throws IOException {
        if (!hasIndexImage()) {
            throw new IllegalStateException("collection \"" + spec.name() + "\" has no graph");
        }
        readLock.lock();
        try {
            records.writeImage(out);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Loads a graph written by {@link #writeIndexImage} after the records were restored with {@link
     * #applyRestored} (and before any other write).
     *
     * @return false when the image does not fit (other records or parameters): nothing was loaded
     *     and {@link #finishRestore} will build the graph
     * @throws IOException when the image is malformed or short (nothing was loaded)
     */
    public boolean readIndexImage(DataInput in) throws IOException {
        writeLock.lock();
        try {
            return records.readImage(in);
        } finally {
            writeLock.unlock();
        }
    }

    /** Links restored records no graph image covered; a no-op for a flat index. */
    public void finishRestore() {
        writeLock.lock();
        try {
            records.store().sortedIds(); // builds the id order of restoreInIdOrder's records
        } finally {
            writeLock.unlock();
        }
        linkPending();
    }

    /** The records with these ids, in the order asked; unknown ids are skipped. */
    public List<VectorRecord> get(List<String> ids) {
        List<VectorRecord> out = new ArrayList<>(ids.size());
        readLock.lock();
        try {
            for (String id : ids) {
                int slot = id == null ? -1 : records.store().slotOf(id);
                if (slot >= 0) {
                    out.add(records.record(slot));
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
                if (id != null && records.remove(id)) {
                    removed++;
                }
            }
            records.compactIfNeeded();
            writes++;
        } finally {
            writeLock.unlock();
        }
        linkPending();
        return removed;
    }

    /** The ids of the records matching a filter (null: all), in id order. */
    public List<String> idsMatching(Filter filter) {
        List<String> out = new ArrayList<>();
        readLock.lock();
        try {
            SlotStore store = records.store();
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
     * ranking uses the squared distance and reports its square root. An HNSW collection searches
     * its graph with beam {@code request.ef()} (0: the collection's default) unless {@code
     * request.exact()}.
     *
     * @throws InvalidArgumentException for a query of the wrong dimension, with a NaN or infinite
     *     component, or all zeros under COSINE
     */
    public List<Match> search(SearchRequest request) {
        return searchCounted(request).matches().getFirst();
    }

    /** As {@link #search}, with how many stored vectors the search visited. */
    public SearchResults searchCounted(SearchRequest request) {
        float[] query = checkedQuery("query vector", request.vector());
        return searchChecked(
                new float[][] {query},
                request.k(),
                request.filter(),
                request.ef(),
                request.exact());
    }

    /**
     * Searches several queries in one pass per block of queries over the data (each vector is read
     * once per block, not once per query). Returns one result list per query, in order.
     *
     * @throws InvalidArgumentException naming the bad query, e.g. {@code queries[2]: expected
     *     dimension 128, got 127}; or for an empty list or k outside 1..10000
     */
    public List<List<Match>> searchBatch(List<float[]> queries, int k, Filter filter) {
        return searchBatch(queries, k, filter, 0, false);
    }

    /**
     * As {@link #searchBatch(List, int, Filter)}, with the HNSW beam width {@code ef} (0: the
     * collection default) and {@code exact} (force a flat scan) of {@link SearchRequest}.
     */
    public List<List<Match>> searchBatch(
            List<float[]> queries, int k, Filter filter, int ef, boolean exact) {
        return searchBatchCounted(queries, k, filter, ef, exact).matches();
    }

    /** As {@link #searchBatch(List, int, Filter, int, boolean)}, with the vectors visited. */
    public SearchResults searchBatchCounted(
            List<float[]> queries, int k, Filter filter, int ef, boolean exact) {
        if (queries == null || queries.isEmpty()) {
            throw new InvalidArgumentException("queries: expected at least one query, got none");
        }
        Checks.inRange("top_k", k, 1, SearchRequest.MAX_K);
        float[][] checked = new float[queries.size()][];
        for (int i = 0; i < checked.length; i++) {
            checked[i] = checkedQuery("queries[" + i + "]", queries.get(i));
        }
        Checks.inRange("ef", ef, 0, SearchRequest.MAX_EF);
        return searchChecked(checked, k, filter, ef, exact);
    }

    private float[] checkedQuery(String what, float[] vector) {
        Vectors.check(what, vector, spec.dimension(), spec.metric());
        return spec.metric() == Metric.COSINE ? Vectors.normalized(vector) : vector;
    }

    private SearchResults searchChecked(
            float[][] queries, int k, Filter filter, int ef, boolean exact) {
        readLock.lock();
        try {
            TopK[] heaps = records.search(queries, k, filter, ef, exact);
            long visited = 0;
            for (TopK heap : heaps) {
                visited += heap.visited();
            }
            return new SearchResults(records.matches(heaps, k), visited);
        } finally {
            readLock.unlock();
        }
    }

    /** Counts the records matching the filter; null counts all. */
    public long count(Filter filter) {
        readLock.lock();
        try {
            return records.count(filter);
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
        List<VectorRecord> page = new ArrayList<>(Math.min(limit, 1024));
        readLock.lock();
        try {
            SlotStore store = records.store();
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
                if (page.size() == limit) {
                    // Another match follows: the page ends here and the scroll continues.
                    return new Page(page, page.getLast().id());
                }
                page.add(records.record(slot));
            }
            return new Page(page, null);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Visits every live record in id order, then writes the index image ({@link #writeIndexImage};
     * nothing for a flat index), both in one read-lock hold: the image then numbers exactly the
     * records visited even while writers are queued (fuzzy snapshots).
     */
    public void forEachThenImage(Consumer<VectorRecord> visitor, DataOutput imageOut)
            throws IOException {
        readLock.lock();
        try {
            SlotStore store = records.store();
            for (String id : store.sortedIds()) {
                visitor.accept(records.record(store.slotOf(id)));
            }
            if (hasIndexImage()) {
                records.writeImage(imageOut);
            }
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
            SlotStore store = records.store();
            for (String id : store.sortedIds()) {
                visitor.accept(records.record(store.slotOf(id)));
            }
        } finally {
            readLock.unlock();
        }
    }
}
