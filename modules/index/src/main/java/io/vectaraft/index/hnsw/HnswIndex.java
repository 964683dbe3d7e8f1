package io.vectaraft.index.hnsw;

import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.flat.TopK;
import io.vectaraft.index.flat.VectorStore;

/**
 * Approximate search over a collection's {@link VectorStore} through an HNSW graph: the builder,
 * searcher and graph storage behind one small interface.
 *
 * <p>Which plan a search takes (the filtered-search strategy):
 *
 * <ul>
 *   <li>A flat scan of the accepted vectors costs about {@code a} scores ({@code a} = records that
 *       pass the filter; all live ones without a filter). A graph search costs about {@code 2*ef*M}
 *       scores at selectivity {@code s = a/live}, and about {@code 1/s} times that when the filter
 *       rejects most nodes it walks through. So the graph is used only when {@code a > 2*ef*M/s},
 *       i.e. {@code a^2 > 2*ef*M*live}; otherwise {@link #search} returns null and the caller scans
 *       exactly. With the defaults (ef=64, M=16) a collection under 2,048 records is always
 *       scanned, and on 100,000 records a filter passing under ~14% is scanned.
 *   <li>The graph search traverses every node (also rejected and deleted ones, which keeps the
 *       graph connected) but keeps only accepted ones, and keeps exploring until it holds {@code
 *       max(ef, k)} of them or runs out of reachable nodes. If it still finds fewer than {@code
 *       min(k, a)}, the caller scans exactly: a search returns k results whenever k exist.
 * </ul>
 *
 * <p>Not thread-safe by itself: inserts run under the collection's write lock, searches under its
 * read lock (each search has its own scratch state, so searches run concurrently).
 */
public final class HnswIndex {
    /** The seed of the level generator: the same inserts in the same order give the same graph. */
    public static final long SEED = 0x5EED_CAFEL;

    /** The constant 2 of the plan rule {@code a^2 <= 2*ef*M*live}. */
    public static final double DEFAULT_EXACT_SCAN_FACTOR = 2.0;

    private final IndexSpec.Hnsw params;
    private final VectorStore store;
    private final HnswGraph graph;
    private final SlotScorer scorer;
    private final HnswGraphBuilder builder;
    private final double exactScanFactor;

    public HnswIndex(VectorStore store, Metric metric, IndexSpec.Hnsw params) {
        this(store, metric, params, DEFAULT_EXACT_SCAN_FACTOR);
    }

    /**
     * @param exactScanFactor the constant c of the plan rule {@code a^2 <= c*ef*M*live} (scan
     *     exactly); 0 makes every search with a match walk the graph (tests)
     */
    HnswIndex(VectorStore store, Metric metric, IndexSpec.Hnsw params, double exactScanFactor) {
        this.exactScanFactor = exactScanFactor;
        this.params = params;
        this.store = store;
        this.graph = new HnswGraph(params.m());
        this.scorer = new SlotScorer(store, metric);
        this.builder = new HnswGraphBuilder(graph, scorer, params.efConstruction(), SEED);
    }

    public IndexSpec.Hnsw params() {
        return params;
    }

    public HnswGraph graph() {
        return graph;
    }

    /** Links a slot the store just filled. */
    public void insert(int slot) {
        builder.insert(slot);
    }

    /**
     * The k best accepted nodes for a query, or null when an exact scan is the better (or the only
     * complete) plan.
     *
     * @param query normalized under COSINE, of the store's dimension
     * @param ef beam width, 0 for the collection default
     * @param accept bitset of the slots that may be returned (live and matching the filter)
     * @param acceptCount the number of bits set in {@code accept}
     */
    public TopK search(float[] query, int k, int ef, long[] accept, long acceptCount) {
        int beam = Math.max(k, ef > 0 ? ef : params.efSearch());
        long live = store.size();
        if (acceptCount == 0) {
            return new TopK(k, store.idsBySlot());
        }
        if ((double) acceptCount * acceptCount <= exactScanFactor * beam * params.m() * live) {
            return null;
        }
        NeighborQueue results = new NeighborQueue(beam, false);
        new HnswGraphSearcher(graph, scorer).search(query, beam, accept, results);
        if (results.size() < Math.min(k, acceptCount)) {
            return null; // too few accepted nodes reachable: only a scan is complete
        }
        TopK top = new TopK(k, store.idsBySlot());
        for (int i = 0; i < results.size(); i++) {
            top.offer(results.scoreAt(i), results.nodeAt(i));
        }
        return top;
    }
}
