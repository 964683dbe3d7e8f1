package io.vectaraft.index.hnsw;

import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.flat.CandidateBits;
import io.vectaraft.index.flat.ExactScorer;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.quant.CodeSearch;
import io.vectaraft.index.quant.CodeStore;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Approximate search over a collection's {@link SlotStore} through an HNSW graph: the builder,
 * searcher and graph storage behind one small interface.
 *
 * <p><b>Inserts are two-phase.</b> {@link #add} only marks a stored slot pending (cheap, so a whole
 * batch becomes visible at once under the collection's write lock); {@link #indexPending} links
 * pending slots into the graph in short steps, each under the write lock, so searches interleave
 * with a large build instead of waiting for all of it. Searches scan pending slots exactly and
 * merge them with the graph's results, so a record is found from the moment it is visible.
 *
 * <p><b>Bulk linking runs in rounds</b> once the graph has {@link #ROUND_MIN_GRAPH} nodes: {@link
 * #claimRound} takes up to {@link #ROUND_SIZE} pending slots and draws their levels (write lock),
 * {@link #findRound} searches their candidate neighbours on the shared pool's threads (read lock:
 * queries run meanwhile), and {@link #linkRound} links them in order (write lock), offering each
 * the round-mates linked before it. A single writer's rounds are deterministic.
 *
 * <p><b>Which plan a search takes</b> (the filtered-search strategy, ADR 0004): with {@code a}
 * graph nodes passing the filter (all live ones without a filter) out of {@code live}:
 *
 * <ul>
 *   <li>{@code a <= c*ef*M} ({@link #DEFAULT_EXACT_SCAN_FACTOR} c = 2; 2,048 with the defaults): an
 *       exact scan of the matches, which costs {@code a} scores and is exact.
 *   <li>{@code a/live <} {@link #twoHopBelow} (from 10% for vectors of 128 floats or fewer up to
 *       41% for 768): a layer-0 walk that scores accepted nodes only and reaches them through
 *       rejected ones two hops at a time (ACORN-1 style).
 *   <li>otherwise the plain walk, through every node, keeping accepted ones.
 * </ul>
 *
 * <p>Either walk goes on until it holds {@code max(ef, k)} accepted nodes or runs out of reachable
 * ones; if it finds fewer than {@code min(k, a)}, the search scans exactly: a search returns k
 * results whenever k exist.
 *
 * <p>Thread safety: {@link #add} and {@link #indexPending} run under the collection's write lock,
 * {@link #search} under its read lock (each search has its own scratch state).
 */
public final class HnswIndex {
    /** The seed of the level generator: the same inserts in the same order give the same graph. */
    public static final long SEED = 0x5EED_CAFEL;

    /** Below this many nodes, pending slots are linked one by one (rounds would see too little). */
    public static final int ROUND_MIN_GRAPH = 1024;

    /** Pending slots per round of parallel linking. */
    public static final int ROUND_SIZE = 128;

    /** The constant c of the plan rule {@code a <= c*ef*M} (scan the matches exactly). */
    public static final double DEFAULT_EXACT_SCAN_FACTOR = 2.0;

    /**
     * Below this share of the graph's live nodes passing the filter, layer 0 is walked two hops at
     * a time through rejected nodes, scoring accepted ones only ({@link
     * HnswGraphSearcher#searchLayerTwoHop}); above it, the plain walk with a post-check. This is
     * the switch for short vectors (a score reading at most {@link #SHORT_SCORE_BYTES}); see {@link
     * #twoHopBelow}.
     */
    static final double TWO_HOP_BELOW_SHORT = 0.1;

    /** The highest switch to the two-hop walk, for the longest vectors. */
    static final double TWO_HOP_BELOW_MAX = 0.5;

    /** Bytes a score reads (128 floats) at which the switch is {@link #TWO_HOP_BELOW_SHORT}. */
    static final int SHORT_SCORE_BYTES = 512;

    /** How much the switch rises each time a score reads twice as many bytes. */
    static final double TWO_HOP_PER_DOUBLING = 0.12;

    private final IndexSpec.Hnsw params;
    private final Metric metric;
    private final SlotStore store;
    private final FlatScanner scanner;
    private final HnswGraph graph;
    private final ExactScorer exact;
    private final GraphScorer scorer;
    private final Quantization quantization;
    private final HnswGraphBuilder builder;
    private final double exactScanFactor;
    private long[] pending = new long[1];
    private int[] pendingQueue = new int[16];
    private int pendingHead;
    private int pendingTail;
    private int pendingMarked;

    public HnswIndex(SlotStore store, Metric metric, IndexSpec.Hnsw params, FlatScanner scanner) {
        this(store, metric, params, scanner, null, Quantization.none(), DEFAULT_EXACT_SCAN_FACTOR);
    }

    /**
     * @param codes the collection's quantized codes (null when not quantized): searches walk the
     *     graph on them once they are trained, then rescore
     */
    public HnswIndex(
            SlotStore store,
            Metric metric,
            IndexSpec.Hnsw params,
            FlatScanner scanner,
            CodeStore codes,
            Quantization quantization) {
        this(store, metric, params, scanner, codes, quantization, DEFAULT_EXACT_SCAN_FACTOR);
    }

    /** Not quantized, with another plan constant (tests). */
    HnswIndex(
            SlotStore store,
            Metric metric,
            IndexSpec.Hnsw params,
            FlatScanner scanner,
            double exactScanFactor) {
        this(store, metric, params, scanner, null, Quantization.none(), exactScanFactor);
    }

    /**
     * @param exactScanFactor the constant c of the plan rule {@code a <= c*ef*M} (scan exactly); 0
     *     makes every search with a match walk the graph (tests)
     */
    HnswIndex(
            SlotStore store,
            Metric metric,
            IndexSpec.Hnsw params,
            FlatScanner scanner,
            CodeStore codes,
            Quantization quantization,
            double exactScanFactor) {
        this.params = params;
        this.quantization = quantization;
        this.metric = metric;
        this.store = store;
        this.scanner = scanner;
        this.exactScanFactor = exactScanFactor;
        this.graph = new HnswGraph(params.m());
        this.exact = new ExactScorer(store, metric);
        this.scorer = new GraphScorer(store, exact, codes);
        this.builder = new HnswGraphBuilder(graph, scorer, params.efConstruction(), SEED);
    }

    public IndexSpec.Hnsw params() {
        return params;
    }

    public HnswGraph graph() {
        return graph;
    }

    /** Links a slot the store just filled, now (tests and rebuilds that own the store alone). */
    public void insert(int slot) {
        builder.insert(slot);
    }

    /** Marks a slot the store just filled as pending: searchable at once, linked later. */
    public void add(int slot) {
        if ((slot >>> 6) >= pending.length) {
            pending = Arrays.copyOf(pending, Math.max((slot >>> 6) + 1, pending.length * 2));
        }
        if ((pending[slot >>> 6] & (1L << slot)) == 0) {
            pending[slot >>> 6] |= 1L << slot;
            pendingMarked++;
        }
        if (pendingTail == pendingQueue.length) {
            int n = pendingTail - pendingHead;
            int[] grown = n * 2 > pendingQueue.length ? new int[n * 2] : pendingQueue;
            System.arraycopy(pendingQueue, pendingHead, grown, 0, n);
            pendingQueue = grown;
            pendingHead = 0;
            pendingTail = n;
        }
        pendingQueue[pendingTail++] = slot;
    }

    /** Whether slots wait in the queue to be linked. */
    public boolean hasPending() {
        return pendingHead < pendingTail;
    }

    /**
     * The number of slots marked pending: visible but not linked (deleted ones included until a
     * linker skips them). Searches scan these exactly.
     */
    public int pendingCount() {
        return pendingMarked;
    }

    private void clearPending(int slot) {
        if ((pending[slot >>> 6] & (1L << slot)) != 0) {
            pending[slot >>> 6] &= ~(1L << slot);
            pendingMarked--;
        }
    }

    /**
     * Links pending slots in arrival order until none is left, {@code budgetNanos} has passed (at
     * least one is linked), or a graph smaller than {@link #ROUND_MIN_GRAPH} reaches that size.
     * Slots deleted meanwhile are dropped: the graph never sees them.
     *
     * <p>Stopping where rounds take over makes the switch independent of the budget: the same
     * inserts then give the same graph however fast the steps ran (two collections fed the same
     * batches answered differently when one step linked past the threshold and the other did not).
     *
     * @return whether slots remain pending
     */
    public boolean indexPending(long budgetNanos) {
        long start = System.nanoTime();
        long[] live = store.liveBits();
        boolean belowRounds = !linksInRounds();
        while (pendingHead < pendingTail) {
            int slot = pendingQueue[pendingHead++];
            clearPending(slot);
            if ((live[slot >>> 6] & (1L << slot)) != 0 && graph.level(slot) < 0) {
                builder.insert(slot);
                if (System.nanoTime() - start >= budgetNanos || (belowRounds && linksInRounds())) {
                    break;
                }
            }
        }
        return hasPending();
    }

    /** Pending slots claimed for one round of linking, with their levels and candidates. */
    public static final class LinkRound {
        final HnswIndex index;
        final int[] nodes;
        final int[] levels;
        final HnswGraphBuilder.Candidates[] found;

        LinkRound(HnswIndex index, int[] nodes, int[] levels) {
            this.index = index;
            this.nodes = nodes;
            this.levels = levels;
            this.found = new HnswGraphBuilder.Candidates[nodes.length];
        }

        /** The index that claimed the round (a rebuild replaces it: then drop the round). */
        public HnswIndex index() {
            return index;
        }

        /** How many slots the round claimed. */
        public int size() {
            return nodes.length;
        }
    }

    /** Whether pending slots should be linked in parallel rounds rather than one by one. */
    public boolean linksInRounds() {
        return graph.size() >= ROUND_MIN_GRAPH;
    }

    /**
     * Takes up to {@link #ROUND_SIZE} pending live slots off the queue and draws their levels. They
     * stay marked pending (searches scan them) until {@link #linkRound}. Under the write lock; null
     * when nothing is left to link.
     */
    public LinkRound claimRound() {
        long[] live = store.liveBits();
        int[] nodes = new int[Math.min(ROUND_SIZE, pendingTail - pendingHead)];
        int n = 0;
        while (n < nodes.length && pendingHead < pendingTail) {
            int slot = pendingQueue[pendingHead++];
            if ((live[slot >>> 6] & (1L << slot)) != 0 && graph.level(slot) < 0) {
                nodes[n++] = slot;
            } else {
                clearPending(slot);
            }
        }
        if (n == 0) {
            return null;
        }
        int[] levels = new int[n];
        for (int i = 0; i < n; i++) {
            levels[i] = builder.nextLevel();
        }
        return new LinkRound(this, Arrays.copyOf(nodes, n), levels);
    }

    /** Finds every claimed slot's candidate neighbours, in parallel on the pool. Read lock. */
    public void findRound(LinkRound round, ScanPool pool) {
        findRound(round, pool, 0, round.nodes.length);
    }

    /**
     * Finds the candidate neighbours of the claimed slots {@code from} (inclusive) to {@code to}
     * (exclusive), in parallel on the pool; the caller may release the read lock between slices
     * (only the linking thread changes the graph, so a slice sees the graph the earlier ones saw).
     * Read lock.
     */
    public void findRound(LinkRound round, ScanPool pool, int from, int to) {
        AtomicInteger next = new AtomicInteger(from);
        pool.run(
                Math.min(pool.parallelism(), to - from),
                w -> {
                    HnswGraphSearcher searcher = builder.newSearcher();
                    NeighborQueue queue = builder.newResults();
                    for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                        round.found[i] =
                                builder.findCandidates(
                                        round.nodes[i], round.levels[i], searcher, queue);
                    }
                });
    }

    /** Links a found round in claim order and clears its pending marks. Write lock. */
    public void linkRound(LinkRound round) {
        linkRound(round, 0, round.nodes.length);
    }

    /**
     * Links the found slots {@code from} (inclusive) to {@code to} (exclusive) in claim order and
     * clears their pending marks; slices must come in order (each slot is offered the round-mates
     * linked before it). Between slices the graph is whole: the rest of the round is still pending.
     * Write lock.
     */
    public void linkRound(LinkRound round, int from, int to) {
        for (int i = from; i < to; i++) {
            int slot = round.nodes[i];
            builder.link(slot, round.levels[i], round.found[i], round.nodes, i);
            clearPending(slot);
        }
    }

    /** Writes the graph for a snapshot (see {@link HnswGraphImage}); under the read lock. */
    public void writeImage(java.io.DataOutput out) throws java.io.IOException {
        HnswGraphImage.write(graph, store, out);
    }

    /**
     * Loads a graph image into this (still empty) graph over the restored records; records the
     * image does not cover stay pending. Under the write lock.
     *
     * @return false when the image does not fit these records or parameters (nothing loaded)
     */
    public boolean readImage(java.io.DataInput in) throws java.io.IOException {
        boolean loaded = HnswGraphImage.read(in, graph, store);
        if (loaded) {
            for (int i = pendingHead; i < pendingTail; i++) {
                int slot = pendingQueue[i];
                if (graph.level(slot) >= 0) {
                    clearPending(slot);
                }
            }
        }
        return loaded;
    }

    /**
     * The k best accepted slots for a query (exact for pending slots, approximate over the graph).
     * A quantized index walks the graph (or scans) on codes and rescores the best {@code
     * ceil(oversample * k)} with the full-precision vectors ({@code rescore} false: returns the k
     * best by code score).
     *
     * @param query normalized under COSINE, of the store's dimension
     * @param ef beam width, 0 for the collection default
     * @param accept bitset of the slots that may be returned (live and matching the filter)
     * @param acceptCount the number of bits set in {@code accept}
     * @param oversample candidates per result to rescore, 0 for the collection's
     */
    public TopK search(
            float[] query,
            int k,
            int ef,
            long[] accept,
            long acceptCount,
            boolean rescore,
            double oversample) {
        boolean quantized = scorer.quantized();
        int candidates =
                quantized && rescore
                        ? Quantization.candidates(
                                k, oversample > 0 ? oversample : quantization.oversample())
                        : k;
        int beam = Math.max(candidates, ef > 0 ? ef : params.efSearch());
        if (acceptCount == 0) {
            return new TopK(k, store.idsBySlot());
        }
        boolean anyPending = pendingMarked > 0;
        long[] acceptPending = anyPending ? and(accept, pending) : null;
        long pendingAccepted = acceptPending == null ? 0 : CandidateBits.count(acceptPending);
        long graphAccepted = acceptCount - pendingAccepted;
        long graphLive =
                store.size()
                        - (anyPending ? CandidateBits.count(and(store.liveBits(), pending)) : 0);
        if (graphAccepted <= exactScanFactor * beam * params.m()) {
            return planScan(query, k, candidates, accept, quantized, rescore);
        }
        double acceptedShare =
                graphAccepted < twoHopBelow(scorer.bytesPerScore()) * graphLive
                        ? graphAccepted / (double) graphLive
                        : 1;
        NeighborQueue results = new NeighborQueue(beam, false);
        HnswGraphSearcher searcher = new HnswGraphSearcher(graph);
        searcher.search(scorer.search(query), beam, accept, acceptedShare, results);
        if (results.size() < Math.min(k, graphAccepted)) {
            // Too few accepted nodes reachable: only a scan is complete.
            TopK scanned = planScan(query, k, candidates, accept, quantized, rescore);
            scanned.addVisited(searcher.scored());
            return scanned;
        }
        TopK top = new TopK(candidates, store.idsBySlot());
        top.addVisited(searcher.scored());
        for (int i = 0; i < results.size(); i++) {
            top.offer(results.scoreAt(i), results.nodeAt(i));
        }
        if (quantized && rescore) {
            top = CodeSearch.rescore(top, k, exact.query(query), store.idsBySlot());
        }
        if (pendingAccepted > 0) {
            top.addAll(scan(query, k, acceptPending));
        }
        return top;
    }

    /** {@link #search} with rescoring at the collection's oversampling. */
    public TopK search(float[] query, int k, int ef, long[] accept, long acceptCount) {
        return search(query, k, ef, accept, acceptCount, true, 0);
    }

    /** The scan plan: exact, or on codes then rescored when quantized. */
    private TopK planScan(
            float[] query,
            int k,
            int candidates,
            long[] accept,
            boolean quantized,
            boolean rescore) {
        if (!quantized) {
            return scan(query, k, accept);
        }
        TopK found = CodeSearch.scan(scorer.search(query), accept, candidates, store.idsBySlot());
        return rescore
                ? CodeSearch.rescore(found, k, exact.query(query), store.idsBySlot())
                : found;
    }

    private TopK scan(float[] query, int k, long[] candidates) {
        return scanner.search(store, metric, new float[][] {query}, k, candidates)[0];
    }

    private static long[] and(long[] a, long[] b) {
        long[] out = new long[Math.min(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] & b[i];
        }
        return out;
    }

    /**
     * The share of accepted nodes below which a filtered search walks two hops at a time, for
     * scores that read {@code bytesPerScore} bytes. The two-hop walk spends graph reads to save
     * scores, so it pays off at higher shares the more a score costs: measured on 100,000 synthetic
     * vectors (ADR 0004, "Revision 3"), the two walks ran equally fast at about 12% of the nodes
     * accepted with 128 floats, 32% with 384 and 40% with 768, which this follows (0.12 more per
     * doubling of the bytes from 0.1 at 512 bytes, between 0.1 and 0.5).
     */
    static double twoHopBelow(int bytesPerScore) {
        double doublings = Math.log(bytesPerScore / (double) SHORT_SCORE_BYTES) / Math.log(2);
        return Math.clamp(
                TWO_HOP_BELOW_SHORT + TWO_HOP_PER_DOUBLING * doublings,
                TWO_HOP_BELOW_SHORT,
                TWO_HOP_BELOW_MAX);
    }
}
