package io.vectaraft.index.write;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.FieldIndexInfo;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.MetadataPatch;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Page;
import io.vectaraft.index.ScrollRequest;
import io.vectaraft.index.SearchRequest;
import io.vectaraft.index.SearchResults;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.hnsw.HnswIndex;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One collection's {@link CollectionState} behind its read/write lock: the read side ({@link
 * VectorCollection}) for everyone, and the package-private mutations behind the {@link
 * CollectionWriter} and {@link CollectionImageIO} facades, which only the storage layer reaches.
 *
 * <p>Records live in a {@link SlotStore} (contiguous vector chunks addressed by slot); searches are
 * exact scans by a {@link FlatScanner}, or, for an {@link IndexSpec.Hnsw} collection, walks of an
 * {@link HnswIndex} graph (which itself falls back to a scan when that is cheaper or the only
 * complete plan). Under COSINE, vectors are normalized once at insert, so cosine similarity is a
 * dot product.
 *
 * <p><b>Graph maintenance runs in the background.</b> Applying an upsert to an HNSW collection only
 * stores its records and queues them (visible at once: searches scan queued records exactly and
 * merge them with the graph's results); its {@link GraphMaintainer} then links them into the graph
 * on a background thread, a few milliseconds per write-lock hold, so neither the writer nor the
 * log's append path ever waits for the graph. Deletes leave tombstones; once they pass a quarter of
 * the slots the maintainer rebuilds: it copies the live records into a fresh store in one
 * write-lock hold (a memory copy) and links them anew in the same short steps, logging how long
 * both took.
 *
 * <p>Thread safety: one fair read/write lock guards the state: searches, gets and scrolls share it,
 * a batch holds it exclusively while it is applied, so readers see each record whole (never a
 * half-written vector) and a batch becomes visible as a whole. Every lock is taken and released in
 * one try/finally.
 */
final class LockedCollection implements VectorCollection {
    private static final System.Logger LOG = System.getLogger(LockedCollection.class.getName());

    /** How long one write-lock hold may spend linking pending records into an HNSW graph. */
    static final long LINK_STEP_NANOS = 5_000_000;

    /**
     * Records of a linking round searched (read lock) or linked (write lock) per lock hold: a few
     * milliseconds of work, so writers and queries get the lock between slices.
     */
    static final int ROUND_SLICE = 16;

    /** A snapshot's read-lock hold this long is logged at INFO (else DEBUG). */
    private static final long SLOW_HOLD_MS = 100;

    private final CollectionSpec spec;
    private final CollectionState state;
    private final Lock readLock;
    private final Lock writeLock;
    private final GraphMaintainer maintainer;
    private final CollectionWriter writer = new CollectionWriter(this);
    private final CollectionImageIO imageIO = new CollectionImageIO(this);

    /** Upserts and deletes applied; written under the write lock, read without a lock. */
    private volatile long writes;

    /** Set once an {@code on_disk} collection was dropped and its vector file unmapped. */
    private volatile boolean closed;

    /**
     * @param maintenance runs the graph maintenance (linking and rebuilds) of an HNSW collection
     * @param vectorDir where an {@code on_disk} collection maps its vectors (null: a temporary dir)
     */
    LockedCollection(
            CollectionSpec spec,
            FlatScanner scanner,
            Executor maintenance,
            java.nio.file.Path vectorDir) {
        this.spec = spec;
        this.state = new CollectionState(spec, scanner, vectorDir);
        this.maintainer = new GraphMaintainer(maintenance, this::maintain);
        // Fair, so that a writer linking a large batch step by step lets queued readers in
        // between steps instead of barging back in.
        ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
        this.readLock = lock.readLock();
        this.writeLock = lock.writeLock();
    }

    CollectionWriter writer() {
        return writer;
    }

    /**
     * Releases the vector file of an {@code on_disk} collection once in-flight readers are done;
     * later reads of a dropped collection fail as reads of a missing one.
     */
    void close() {
        writeLock.lock();
        try {
            closed = true;
            state.close();
        } finally {
            writeLock.unlock();
        }
    }

    /** Under the read lock, before touching vectors. */
    private void checkOpen() {
        if (closed) {
            throw new io.vectaraft.index.CollectionNotFoundException(spec.name());
        }
    }

    CollectionImageIO imageIO() {
        return imageIO;
    }

    // ---- the read side

    @Override
    public CollectionSpec spec() {
        return spec;
    }

    @Override
    public long size() {
        readLock.lock();
        try {
            return state.store().size();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long writeCount() {
        return writes;
    }

    @Override
    public IndexStats stats() {
        readLock.lock();
        try {
            return state.stats();
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public List<VectorRecord> get(List<String> ids, boolean includeValues) {
        List<VectorRecord> out = new ArrayList<>(ids.size());
        readLock.lock();
        try {
            checkOpen();
            for (String id : ids) {
                int slot = id == null ? -1 : state.store().slotOf(id);
                if (slot >= 0) {
                    out.add(state.record(slot, includeValues));
                }
            }
        } finally {
            readLock.unlock();
        }
        return out;
    }

    @Override
    public SearchResults search(SearchRequest request) {
        float[][] queries = new float[request.queries().size()][];
        for (int i = 0; i < queries.length; i++) {
            float[] vector = request.queries().get(i);
            Vectors.check(request.queryName(i), vector, spec.dimension(), spec.metric());
            queries[i] = spec.metric() == Metric.COSINE ? Vectors.normalized(vector) : vector;
        }
        readLock.lock();
        try {
            checkOpen();
            TopK[] heaps =
                    state.search(
                            queries,
                            request.k(),
                            request.filter(),
                            request.ef(),
                            request.exact(),
                            request.rescore(),
                            request.oversample());
            long visited = 0;
            for (TopK heap : heaps) {
                visited += heap.visited();
            }
            return new SearchResults(
                    state.matches(heaps, request.k(), request.includeValues()), visited);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long count(Filter filter) {
        readLock.lock();
        try {
            return state.count(filter);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public Page scroll(ScrollRequest request) {
        int limit = request.limit();
        List<VectorRecord> page = new ArrayList<>(Math.min(limit, 1024));
        readLock.lock();
        try {
            checkOpen();
            SlotStore store = state.store();
            PrimitiveIterator.OfInt slots =
                    request.afterId() == null
                            ? store.slotsInIdOrder()
                            : store.slotsInIdOrderAfter(request.afterId());
            while (slots.hasNext()) {
                int slot = slots.nextInt();
                if (!FilterMatcher.matches(request.filter(), store.metadata(slot))) {
                    continue;
                }
                if (page.size() == limit) {
                    // Another match follows: the page ends here and the scroll continues.
                    return new Page(page, page.getLast().id());
                }
                page.add(state.record(slot, request.includeValues()));
            }
            return new Page(page, null);
        } finally {
            readLock.unlock();
        }
    }

    // ---- writes (CollectionWriter)

    /** Validates a batch; changes nothing. */
    UpsertBatch prepare(List<VectorRecord> batch, UpsertValidator.Form form) {
        return new UpsertBatch(spec, UpsertValidator.validate(spec, batch, form).records());
    }

    /** Inserts or replaces every record of a prepared batch, visible whole; not linked yet. */
    void applyUnlinked(UpsertBatch batch) {
        if (!batch.spec().equals(spec)) {
            throw new IllegalArgumentException(
                    "batch: prepared for "
                            + batch.spec().describeParameters()
                            + ", applied to collection "
                            + ClientText.quote(spec.name())
                            + " with "
                            + spec.describeParameters());
        }
        writeLock.lock();
        try {
            for (VectorRecord r : batch.records()) {
                state.put(r);
            }
            writes++;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the records with these ids; returns how many existed. */
    int delete(Collection<String> ids) {
        int removed = 0;
        writeLock.lock();
        try {
            for (String id : ids) {
                if (id != null && state.remove(id)) {
                    removed++;
                }
            }
            writes++;
        } finally {
            writeLock.unlock();
        }
        return removed;
    }

    /**
     * Applies a metadata patch to the records with these ids, all under one write-lock hold
     * (readers see all of it or none); returns how many existed.
     */
    int updateMetadata(Collection<String> ids, MetadataPatch patch) {
        int updated = 0;
        writeLock.lock();
        try {
            for (String id : ids) {
                if (id != null && state.updateMetadata(id, patch)) {
                    updated++;
                }
            }
            writes++;
        } finally {
            writeLock.unlock();
        }
        return updated;
    }

    // ---- field indexes

    /**
     * Checks that an index on this key may be created; changes nothing.
     *
     * @throws io.vectaraft.index.FieldIndexConflictException when the key has an index already
     */
    void checkCreateFieldIndex(FieldIndexSpec index) {
        readLock.lock();
        try {
            FieldIndexSpec existing = state.fieldIndexes().spec(index.key());
            if (existing != null) {
                throw new io.vectaraft.index.FieldIndexConflictException(spec.name(), existing);
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Checks that an index on this key exists; changes nothing.
     *
     * @throws io.vectaraft.index.FieldIndexNotFoundException otherwise
     */
    void checkDeleteFieldIndex(String key) {
        readLock.lock();
        try {
            if (state.fieldIndexes().spec(key) == null) {
                throw new io.vectaraft.index.FieldIndexNotFoundException(spec.name(), key);
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Adds an index, built in the background (filters check records meanwhile). An index on the key
     * already there is kept as it is (a replayed or repeated entry). Returns whether one was added.
     */
    boolean createFieldIndex(FieldIndexSpec index) {
        writeLock.lock();
        try {
            if (state.fieldIndexes().spec(index.key()) != null) {
                return false;
            }
            state.fieldIndexes().add(index);
            writes++;
        } finally {
            writeLock.unlock();
        }
        maintainer.request();
        return true;
    }

    /** Removes the index on this key; returns whether there was one. */
    boolean deleteFieldIndex(String key) {
        writeLock.lock();
        try {
            boolean removed = state.fieldIndexes().remove(key);
            if (removed) {
                writes++;
            }
            return removed;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<FieldIndexInfo> fieldIndexes() {
        readLock.lock();
        try {
            return state.fieldIndexes().info();
        } finally {
            readLock.unlock();
        }
    }

    /** The specs of the field indexes, in creation order (snapshots). */
    List<FieldIndexSpec> fieldIndexSpecs() {
        readLock.lock();
        try {
            return state.fieldIndexes().specs();
        } finally {
            readLock.unlock();
        }
    }

    /** One step of building field indexes; false when none is left to build. */
    private boolean fieldIndexStep() {
        writeLock.lock();
        try {
            return !closed && state.fieldIndexes().buildStep();
        } finally {
            writeLock.unlock();
        }
    }

    /** The ids of the records matching a filter (null: all), in id order. */
    List<String> idsMatching(Filter filter) {
        List<String> out = new ArrayList<>();
        readLock.lock();
        try {
            SlotStore store = state.store();
            for (PrimitiveIterator.OfInt slots = store.slotsInIdOrder(); slots.hasNext(); ) {
                int slot = slots.nextInt();
                if (FilterMatcher.matches(filter, store.metadata(slot))) {
                    out.add(store.id(slot));
                }
            }
        } finally {
            readLock.unlock();
        }
        return out;
    }

    /**
     * Asks the background maintainer to link what the last write queued and to rebuild the graph if
     * deletes made that due; returns at once. A flat collection has nothing to maintain.
     */
    void maintainLater() {
        if (hasIndexImage()) {
            maintainer.request();
        }
    }

    /** Waits until the maintenance asked for so far is done (tests, benchmarks, restore). */
    void awaitMaintained() throws InterruptedException {
        maintainer.awaitIdle();
    }

    /**
     * One pass of graph maintenance, on the maintainer's thread: linking in steps until nothing is
     * queued, with a rebuild whenever one is due, checked before every step. Each step takes and
     * releases the locks it needs, so writers and searches interleave with a long build. The check
     * is per step, not per pass, because under writes faster than linking the queue never empties
     * and a pass never ends: checked once per pass, tombstones (whose vectors an HNSW store keeps)
     * grew without bound, and memory with them.
     */
    private void maintain() {
        while (fieldIndexStep()) {
            // each step takes and releases the write lock
        }
        long rebuildStart = System.nanoTime();
        int rebuilt = -1;
        do {
            long start = System.nanoTime();
            int copied = rebuildIfDue();
            if (copied >= 0) {
                rebuilt = copied;
                rebuildStart = start;
            }
        } while (linkStep());
        if (rebuilt >= 0 && !closed) {
            LOG.log(
                    Level.INFO,
                    "collection {0}: graph rebuilt over {1} records in {2} ms (searches and writes"
                            + " went on meanwhile)",
                    spec.name(),
                    rebuilt,
                    (System.nanoTime() - rebuildStart) / 1_000_000);
        }
    }

    /**
     * Copies the live records into a fresh store queued for a fresh graph when tombstones pass the
     * threshold; returns the records copied, or -1 when no rebuild was due.
     */
    private int rebuildIfDue() {
        long start = System.nanoTime();
        int copied;
        writeLock.lock();
        try {
            if (closed || !state.rebuildDue()) {
                return -1;
            }
            copied = state.rebuild();
        } finally {
            writeLock.unlock();
        }
        LOG.log(
                Level.INFO,
                "collection {0}: tombstones passed a quarter of the slots; copied {1} live records"
                        + " into a fresh store in {2} ms, linking them in the background",
                spec.name(),
                copied,
                (System.nanoTime() - start) / 1_000_000);
        return copied;
    }

    /** One step of linking; false when nothing is left. On the maintainer's thread only. */
    private boolean linkStep() {
        HnswIndex.LinkRound round;
        writeLock.lock();
        try {
            if (closed || !state.hasPending()) {
                return false;
            }
            round = state.claimRound();
            if (round == null) {
                state.link(LINK_STEP_NANOS); // small graph: one by one
                return true;
            }
        } finally {
            writeLock.unlock();
        }
        // In slices, each its own lock hold: a whole round (128 searches with ef_construction)
        // held the read lock for hundreds of milliseconds on a busy machine, and a writer queued
        // behind it (with every query after the writer: the lock is fair) waited as long.
        for (int from = 0; from < round.size(); from += ROUND_SLICE) {
            int to = Math.min(round.size(), from + ROUND_SLICE);
            readLock.lock();
            try {
                if (closed) {
                    return false;
                }
                state.findRound(round, from, to); // the expensive half, beside queries
            } finally {
                readLock.unlock();
            }
        }
        for (int from = 0; from < round.size(); from += ROUND_SLICE) {
            int to = Math.min(round.size(), from + ROUND_SLICE);
            writeLock.lock();
            try {
                if (closed) {
                    return false;
                }
                state.linkRound(round, from, to);
            } finally {
                writeLock.unlock();
            }
        }
        return true;
    }

    // ---- snapshots and restore (CollectionImageIO)

    /** Whether this collection has an index image for snapshots (an HNSW graph). */
    boolean hasIndexImage() {
        return spec.index() instanceof IndexSpec.Hnsw;
    }

    /** Applies restored records in stored form without linking them. */
    void restore(List<VectorRecord> stored) {
        UpsertValidator.Validated valid =
                UpsertValidator.validate(spec, stored, UpsertValidator.Form.STORED);
        writeLock.lock();
        try {
            state.deferEncoding(); // the snapshot's codes follow the records
            for (VectorRecord r : valid.records()) {
                state.put(r);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** How often the codes were trained (0 when not quantized). */
    int codeTrainings() {
        readLock.lock();
        try {
            return state.codes() == null ? 0 : state.codes().trainings();
        } finally {
            readLock.unlock();
        }
    }

    boolean hasCodeImage() {
        return state.hasCodes();
    }

    boolean readCodeImage(DataInput in) throws IOException {
        writeLock.lock();
        try {
            return state.readCodes(in);
        } finally {
            writeLock.unlock();
        }
    }

    boolean readIndexImage(DataInput in) throws IOException {
        writeLock.lock();
        try {
            return state.readImage(in);
        } finally {
            writeLock.unlock();
        }
    }

    void finishRestore() {
        writeLock.lock();
        try {
            state.finishEncoding();
        } finally {
            writeLock.unlock();
        }
        maintainLater();
    }

    /**
     * The records and images of a snapshot, consistent with each other. The read lock is held only
     * to copy them to memory (records, then the images into the caller's in-memory outputs); {@code
     * visitor}, which encodes and writes the records to the snapshot file, runs after it is
     * released, so writers wait for a memory copy, not for the file. A collection whose vectors
     * exceed {@link #captureLimitBytes} (an eighth of the maximum heap) is visited under the lock
     * instead: a copy of it could run the heap out. What counts is the size of the copy, wherever
     * the vectors live: an {@code on_disk} collection's are in its mapping, not the heap, and its
     * copy would land on the heap all the same.
     */
    void forEachThenImage(Consumer<VectorRecord> visitor, DataOutput imageOut, DataOutput codesOut)
            throws IOException {
        List<VectorRecord> captured = null;
        boolean underLock;
        long start = System.nanoTime();
        readLock.lock();
        try {
            checkOpen();
            SlotStore store = state.store();
            underLock = (long) store.size() * store.dimension() * Float.BYTES > captureLimitBytes();
            if (!underLock) {
                captured = new ArrayList<>(store.size());
            }
            for (PrimitiveIterator.OfInt slots = store.slotsInIdOrder(); slots.hasNext(); ) {
                VectorRecord r = state.record(slots.nextInt(), true);
                if (underLock) {
                    visitor.accept(r);
                } else {
                    captured.add(r);
                }
            }
            if (hasIndexImage()) {
                state.writeImage(imageOut);
            }
            if (codesOut != null && state.hasCodes()) {
                state.writeCodes(codesOut);
            }
        } finally {
            readLock.unlock();
        }
        long heldMs = (System.nanoTime() - start) / 1_000_000;
        LOG.log(
                heldMs >= SLOW_HOLD_MS ? Level.INFO : Level.DEBUG,
                "snapshot of collection {0}: {1} in {2} ms under the read lock",
                ClientText.quote(spec.name()),
                underLock ? "records written to the file" : "records copied",
                heldMs);
        if (captured != null) {
            captured.forEach(visitor);
        }
    }

    /** The largest collection (vector bytes) a snapshot copies before writing it. */
    private static long captureLimitBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }
}
