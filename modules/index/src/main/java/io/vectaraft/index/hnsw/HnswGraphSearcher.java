package io.vectaraft.index.hnsw;

import io.vectaraft.index.flat.QueryScorer;

/**
 * Beam search over one layer of an {@link HnswGraph} (the paper's SEARCH-LAYER): expand the best
 * unexpanded candidate, score its neighbours, keep the {@code ef} best, stop when the best
 * candidate cannot improve the kept set.
 *
 * <p>Filtered search follows Lucene: every node is traversed (the graph stays connected through
 * nodes the filter rejects, and through deleted nodes), but only accepted nodes enter the results.
 *
 * <p>Holds scratch state (candidate queue, visited set) reused across calls: one instance per
 * thread, not thread-safe.
 */
final class HnswGraphSearcher {
    private final HnswGraph graph;
    private final NeighborQueue candidates = new NeighborQueue(64, true);
    private long[] visited = new long[0];
    private int[] touchedWords = new int[64];
    private int touchedCount;
    private long scored;

    HnswGraphSearcher(HnswGraph graph) {
        this.graph = graph;
    }

    /**
     * Searches the whole graph: greedy descent through the upper layers, then a beam of width ef on
     * layer 0. Fills {@code results} (a min-queue) with up to ef accepted nodes.
     *
     * @param accept bitset of the nodes that may be returned, or null for all
     */
    void search(QueryScorer query, int ef, long[] accept, NeighborQueue results) {
        results.clear();
        int entry = graph.entryNode();
        if (entry < 0) {
            return;
        }
        int[] eps = {entry};
        for (int level = graph.maxLevel(); level > 0; level--) {
            results.clear();
            searchLayer(query, eps, 1, 1, level, null, results);
            eps[0] = results.topNode();
        }
        results.clear();
        searchLayer(query, eps, 1, ef, 0, accept, results);
    }

    /**
     * Adds to {@code results} (a min-queue bounded to ef) the best accepted nodes reachable on one
     * layer from the entry points.
     */
    void searchLayer(
            QueryScorer query,
            int[] entryPoints,
            int entryCount,
            int ef,
            int level,
            long[] accept,
            NeighborQueue results) {
        candidates.clear();
        resetVisited();
        for (int i = 0; i < entryCount; i++) {
            int ep = entryPoints[i];
            if (visit(ep)) {
                float s = query.score(ep);
                scored++;
                candidates.add(ep, s);
                if (accepted(accept, ep)) {
                    results.insertWithOverflow(ep, s, ef);
                }
            }
        }
        while (candidates.size() > 0) {
            if (results.size() >= ef && candidates.topScore() < results.topScore()) {
                break; // the best unexpanded candidate is worse than everything kept
            }
            int c = candidates.pop();
            int count = graph.neighborCount(level, c);
            for (int i = 0; i < count; i++) {
                int n = graph.neighbor(level, c, i);
                if (!visit(n)) {
                    continue;
                }
                float s = query.score(n);
                scored++;
                if (results.size() < ef || s > results.topScore()) {
                    candidates.add(n, s);
                    if (accepted(accept, n)) {
                        results.insertWithOverflow(n, s, ef);
                    }
                }
            }
        }
    }

    /** Nodes scored by this searcher so far, over all its searches. */
    long scored() {
        return scored;
    }

    private static boolean accepted(long[] accept, int node) {
        return accept == null
                || ((node >>> 6) < accept.length && (accept[node >>> 6] & (1L << node)) != 0);
    }

    /** Marks a node visited; returns false if it already was. */
    private boolean visit(int node) {
        int word = node >>> 6;
        if (word >= visited.length) {
            visited =
                    java.util.Arrays.copyOf(
                            visited, Math.max(word + 1, graph.nodeLimit() >>> 6) + 1);
        }
        long bit = 1L << node;
        long w = visited[word];
        if ((w & bit) != 0) {
            return false;
        }
        if (w == 0) {
            if (touchedCount == touchedWords.length) {
                touchedWords = java.util.Arrays.copyOf(touchedWords, touchedCount * 2);
            }
            touchedWords[touchedCount++] = word;
        }
        visited[word] = w | bit;
        return true;
    }

    /** Clears only the words touched since the last reset, so a search costs what it visits. */
    private void resetVisited() {
        for (int i = 0; i < touchedCount; i++) {
            visited[touchedWords[i]] = 0;
        }
        touchedCount = 0;
    }
}
