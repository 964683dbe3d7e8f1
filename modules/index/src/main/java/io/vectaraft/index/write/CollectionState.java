package io.vectaraft.index.write;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.IndexStats;
import io.vectaraft.index.Match;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.field.FieldIndexes;
import io.vectaraft.index.field.IndexedFilter;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.flat.CandidateBits;
import io.vectaraft.index.flat.ExactScorer;
import io.vectaraft.index.flat.FilterCache;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.MappedVectors;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.hnsw.HnswIndex;
import io.vectaraft.index.quant.CodeSearch;
import io.vectaraft.index.quant.CodeStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one collection and their search structure: a {@link SlotStore}, plus an {@link
 * HnswIndex} for an HNSW collection. Not thread-safe: {@link LockedCollection} guards it with its
 * read/write lock (readers: {@link #store()}, {@link #search}, {@link #count}, {@link #stats};
 * everything else under the write lock).
 *
 * <p>In an HNSW collection a replaced or deleted record leaves a tombstone: its slot keeps the old
 * vector for the graph to traverse and is never returned. When tombstones pass a quarter of the
 * slots, {@link #rebuild} copies the live records into a fresh store and queues them all for a
 * fresh graph, so memory and recall recover after heavy deletes.
 */
final class CollectionState {
    /** The vector of a record whose values were not asked for (length 0: nothing to modify). */
    private static final float[] NO_VALUES = new float[0];

    private final CollectionSpec spec;
    private final FlatScanner scanner;
    private final FilterCache filterCache = new FilterCache();
    private SlotStore store;
    private CodeStore codes;
    private HnswIndex hnsw;
    private FieldIndexes fieldIndexes;

    private final java.nio.file.Path vectorDir;

    /**
     * @param vectorDir where an {@code on_disk} collection maps its vector file (null: a temporary
     *     directory)
     */
    CollectionState(CollectionSpec spec, FlatScanner scanner, java.nio.file.Path vectorDir) {
        this.spec = spec;
        this.scanner = scanner;
        this.vectorDir = vectorDir;
        this.store = newStore();
        this.codes = newCodes();
        this.hnsw = newGraph(store, codes);
        this.fieldIndexes = new FieldIndexes(store, List.of());
    }

    private CodeStore newCodes() {
        return spec.quantization().quantized() ? new CodeStore(spec) : null;
    }

    private SlotStore newStore() {
        boolean reuse = !(spec.index() instanceof IndexSpec.Hnsw);
        if (!spec.onDisk()) {
            return new SlotStore(spec.dimension(), reuse);
        }
        return new SlotStore(
                spec.dimension(),
                reuse,
                MappedVectors.create(
                        vectorDir != null ? vectorDir : TemporaryVectors.dir(),
                        spec.name(),
                        spec.dimension()));
    }

    /** Unmaps the vector file of an {@code on_disk} collection (dropped). */
    void close() {
        store.close();
    }

    private HnswIndex newGraph(SlotStore forStore, CodeStore forCodes) {
        return spec.index() instanceof IndexSpec.Hnsw params
                ? new HnswIndex(
                        forStore, spec.metric(), params, scanner, forCodes, spec.quantization())
                : null;
    }

    SlotStore store() {
        return store;
    }

    /** Inserts or replaces a record; in an HNSW collection it is linked later ({@link #link}). */
    void put(VectorRecord r) {
        if (hnsw != null) {
            store.remove(r.id()); // a replaced record's old node becomes a tombstone
        }
        added(store.put(r.id(), r.vector(), r.metadata()), r.vector());
    }

    /** Encodes a slot's new vector and queues it for linking. */
    private void added(int slot, float[] vector) {
        if (codes != null) {
            codes.put(slot, vector, store);
        }
        if (hnsw != null) {
            hnsw.add(slot);
        }
    }

    /**
     * Replaces a record's metadata in place (its vector, codes and graph node stay); returns
     * whether the record exists. Anything derived from metadata (the store's version, and so the
     * cached filter bitsets) must follow this change as it follows {@link #put} and {@link
     * #remove}.
     */
    boolean updateMetadata(String id, io.vectaraft.index.MetadataPatch patch) {
        int slot = store.slotOf(id);
        if (slot < 0) {
            return false;
        }
        return store.replaceMetadata(id, patch.applyTo(store.metadata(slot)));
    }

    boolean remove(String id) {
        return store.remove(id);
    }

    /**
     * Links pending records into the graph for at most {@code budgetNanos}; returns whether any
     * remain. A flat collection has none.
     */
    boolean link(long budgetNanos) {
        return hnsw != null && hnsw.indexPending(budgetNanos);
    }

    /** Whether an HNSW collection has records queued for linking. */
    boolean hasPending() {
        return hnsw != null && hnsw.hasPending();
    }

    /**
     * Claims a round of pending records to link in parallel, or null when they should be linked one
     * by one ({@link #link}) or none is left.
     */
    HnswIndex.LinkRound claimRound() {
        return hnsw != null && hnsw.linksInRounds() ? hnsw.claimRound() : null;
    }

    /** Finds a round's candidates on the scan pool; under the read lock. */
    void findRound(HnswIndex.LinkRound round, int from, int to) {
        if (round.index() == hnsw) {
            round.index().findRound(round, scanner.pool(), from, to);
        }
    }

    /**
     * Links a slice of a found round, unless a rebuild replaced the graph meanwhile; write lock.
     */
    void linkRound(HnswIndex.LinkRound round, int from, int to) {
        if (round.index() == hnsw) {
            hnsw.linkRound(round, from, to);
        }
    }

    /** Whether tombstones in an HNSW collection passed a quarter of the slots. */
    boolean rebuildDue() {
        return hnsw != null && store.tombstones() * 4L > store.slotLimit();
    }

    /**
     * Replaces an HNSW collection's store by a copy of its live records (in slot order, so the
     * result is deterministic), all queued for a fresh graph; returns how many were copied.
     */
    int rebuild() {
        SlotStore compacted = newStore();
        FieldIndexes compactedIndexes = new FieldIndexes(compacted, fieldIndexes.specs());
        CodeStore compactedCodes = newCodes();
        HnswIndex graph = newGraph(compacted, compactedCodes);
        long[] live = store.liveBits();
        int copied = 0;
        for (int slot = 0; slot < store.slotLimit(); slot++) {
            if ((live[slot >>> 6] & (1L << slot)) != 0) {
                float[] vector = store.copyVector(slot);
                int to = compacted.put(store.id(slot), vector, store.metadata(slot));
                if (compactedCodes != null) {
                    compactedCodes.put(to, vector, compacted);
                }
                graph.add(to);
                copied++;
            }
        }
        store.close(); // under the write lock: no reader holds the old store
        // Indexes still building when the rebuild began are complete now: the copy filled them.
        fieldIndexes = compactedIndexes;
        store = compacted;
        codes = compactedCodes;
        hnsw = graph;
        return copied;
    }

    /**
     * The k best of each query: a flat scan, or per query a graph search (which scans where that is
     * the better plan). Queries are checked and normalized already.
     */
    TopK[] search(
            float[][] queries,
            int k,
            Filter filter,
            int ef,
            boolean exact,
            boolean rescore,
            double oversample) {
        long[] candidates = filterCache.matching(store, filter, this::evaluate);
        boolean quantized = codes != null && codes.active() && !exact;
        if (hnsw == null && quantized) {
            return scanCodes(queries, k, candidates, rescore, oversample);
        }
        if (hnsw == null || exact) {
            return scanner.search(store, spec.metric(), queries, k, candidates);
        }
        long acceptCount = filter == null ? store.size() : CandidateBits.count(candidates);
        TopK[] heaps = new TopK[queries.length];
        for (int q = 0; q < queries.length; q++) {
            heaps[q] = hnsw.search(queries[q], k, ef, candidates, acceptCount, rescore, oversample);
        }
        return heaps;
    }

    /**
     * A flat quantized search: each query scans the codes for its best {@code oversample * k}
     * candidates, which are then rescored with the full-precision vectors.
     */
    private TopK[] scanCodes(
            float[][] queries, int k, long[] candidates, boolean rescore, double oversample) {
        int wanted =
                rescore
                        ? Quantization.candidates(
                                k, oversample > 0 ? oversample : spec.quantization().oversample())
                        : k;
        ExactScorer exactScorer = new ExactScorer(store, spec.metric());
        TopK[] heaps = new TopK[queries.length];
        for (int q = 0; q < queries.length; q++) {
            TopK found =
                    CodeSearch.scan(
                            codes.scorer(queries[q], store), candidates, wanted, store.idsBySlot());
            heaps[q] =
                    rescore
                            ? CodeSearch.rescore(
                                    found, k, exactScorer.query(queries[q]), store.idsBySlot())
                            : found;
        }
        return heaps;
    }

    /** Each heap's entries as matches, best first, with copies of the vectors if asked. */
    List<List<Match>> matches(TopK[] heaps, int k, boolean includeValues) {
        List<List<Match>> out = new ArrayList<>(heaps.length);
        int[] slots = new int[k];
        float[] scores = new float[k];
        for (TopK heap : heaps) {
            int n = heap.drainBestFirst(slots, scores);
            List<Match> matches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                matches.add(
                        new Match(
                                record(slots[i], includeValues),
                                FlatScanner.toScore(spec.metric(), scores[i])));
            }
            out.add(matches);
        }
        return out;
    }

    long count(Filter filter) {
        return filter == null
                ? store.size()
                : CandidateBits.count(filterCache.matching(store, filter, this::evaluate));
    }

    private long[] evaluate(SlotStore on, Filter filter) {
        return IndexedFilter.matching(on, on == store ? fieldIndexes : null, filter);
    }

    /** The collection's field indexes (write lock to change, read lock to read). */
    FieldIndexes fieldIndexes() {
        return fieldIndexes;
    }

    /** A record with a copy of its stored vector, or with an empty one. */
    VectorRecord record(int slot, boolean includeValues) {
        return new VectorRecord(
                store.id(slot),
                includeValues ? store.copyVector(slot) : NO_VALUES,
                store.metadata(slot));
    }

    IndexStats stats() {
        return new IndexStats(
                store.size(),
                store.tombstones(),
                store.vectorBytes(),
                hnsw == null ? 0 : hnsw.graph().size(),
                hnsw == null ? 0 : hnsw.graph().maxLevel() + 1,
                hnsw == null ? 0 : hnsw.graph().bytesUsed(),
                hnsw == null ? 0 : hnsw.pendingCount(),
                store.mappedBytes(),
                codes == null ? 0 : codes.bytesUsed());
    }

    /** Whether snapshots carry codes for this collection. */
    boolean hasCodes() {
        return codes != null;
    }

    void writeCodes(DataOutput out) throws IOException {
        codes.writeImage(store, out);
    }

    boolean readCodes(DataInput in) throws IOException {
        return codes != null && codes.readImage(in, store);
    }

    /** Restoring: stored vectors wait for the snapshot's codes instead of being encoded. */
    void deferEncoding() {
        if (codes != null) {
            codes.deferEncoding();
        }
    }

    /** Ends a restore: encodes now if no codes were loaded. */
    void finishEncoding() {
        if (codes != null) {
            codes.finishRestore(store);
        }
    }

    /** The codes (tests). */
    CodeStore codes() {
        return codes;
    }

    void writeImage(DataOutput out) throws IOException {
        hnsw.writeImage(out);
    }

    boolean readImage(DataInput in) throws IOException {
        return hnsw != null && hnsw.readImage(in);
    }
}
