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
 * <p>An expanded node's unvisited neighbours are scored together ({@link QueryScorer#bulkScore}, as
 * Lucene's searcher does), then offered to the beam in neighbour order: the same walk as scoring
 * them one by one, with their memory loads overlapped.
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
    private int[] collected = new int[0];
    private int[] rejected = new int[0];
    private float[] collectedScores = new float[0];
    private int[] unvisited = new int[0];
    private float[] unvisitedScores = new float[0];

    /**
     * A two-hop expansion that finds fewer accepted nodes than this also queues the rejected
     * neighbours it went through.
     */
    static final int SPARSE = 2;

    /**
     * A two-hop expansion goes past a node's direct neighbours only when the filter rejected more
     * than this share of them (Lucene's {@code EXPANDED_EXPLORATION_LAMBDA}).
     */
    static final double TWO_HOP_LAMBDA = 0.1;

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
        search(query, ef, accept, 1, results);
    }

    /**
     * As {@link #search(QueryScorer, int, long[], NeighborQueue)}; with {@code acceptedShare} below
     * 1, layer 0 is walked as {@link #searchLayerTwoHop} does (a selective filter passing that
     * share of the graph's nodes).
     */
    void search(
            QueryScorer query, int ef, long[] accept, double acceptedShare, NeighborQueue results) {
        results.clear();
        int entry = graph.entryNode();
        if (entry < 0) {
            return;
        }
        int[] eps = {descend(query, entry)};
        if (acceptedShare < 1 && accept != null) {
            searchLayerTwoHop(query, eps[0], ef, accept, acceptedShare, results);
        } else {
            searchLayer(query, eps, 1, ef, 0, accept, results);
        }
    }

    /**
     * The greedy descent through the upper layers (as Lucene's {@code findBestEntryPoint}): on each
     * layer, move to the best neighbour while one is better. One visited set serves all layers: a
     * node scored on a higher layer lost to the current node then, and the current node only gets
     * better, so it is not scored again below (a beam of one per layer, starting afresh, would
     * score the entry and its old neighbours again on every layer).
     */
    int descend(QueryScorer query, int entry) {
        resetVisited();
        visit(entry);
        int current = entry;
        float currentScore = query.score(entry);
        scored++;
        for (int level = graph.maxLevel(); level > 0; level--) {
            boolean moved = true;
            while (moved) {
                moved = false;
                int fresh = unvisitedNeighbors(level, current);
                query.bulkScore(unvisited, unvisitedScores, fresh);
                scored += fresh;
                for (int i = 0; i < fresh; i++) {
                    if (unvisitedScores[i] > currentScore) {
                        currentScore = unvisitedScores[i];
                        current = unvisited[i];
                        moved = true;
                    }
                }
            }
        }
        return current;
    }

    /** Marks a node's unvisited neighbours on a layer visited, into {@code unvisited}; how many. */
    private int unvisitedNeighbors(int level, int node) {
        int count = graph.neighborCount(level, node);
        if (unvisited.length < count) {
            unvisited = new int[count];
            unvisitedScores = new float[count];
        }
        int fresh = 0;
        for (int i = 0; i < count; i++) {
            int n = graph.neighbor(level, node, i);
            if (visit(n)) {
                unvisited[fresh++] = n;
            }
        }
        return fresh;
    }

    /**
     * Layer-0 beam search for a selective filter, after ACORN-1 (Patel et al., SIGMOD 2024) and
     * Lucene's filtered HNSW search: only accepted nodes are scored and enter the beam. Expanding a
     * node collects its accepted neighbours and, when the filter rejected more than {@link
     * #TWO_HOP_LAMBDA} of them, goes on through the rejected ones to their accepted neighbours (two
     * hops); a rejected node is never scored. The two-hop step keeps the accepted nodes connected
     * where the filter cuts the graph's direct links, so recall at a fixed ef holds as selectivity
     * falls, and the scores spent go to candidates that can be returned.
     *
     * <p>As in Lucene, an expansion looks at no more than {@code maxConn(0) * spread} nodes (one
     * and two hops together) and scores no more than {@code count * min(spread, 1 / (1 -
     * rejected))} of them ({@code count} the node's neighbours, {@code rejected} the share of them
     * the filter rejects), with {@code spread = min(1 / acceptedShare, maxConn(0) / 4)}: the rarer
     * the accepted nodes, the wider an expansion reaches; with half the graph accepted it stays
     * near the node, instead of scoring far two-hop nodes the beam then discards.
     */
    void searchLayerTwoHop(
            QueryScorer query,
            int entry,
            int ef,
            long[] accept,
            double acceptedShare,
            NeighborQueue results) {
        candidates.clear();
        resetVisited();
        int maxConn = graph.maxConn(0);
        double spread = Math.max(1, Math.round(Math.min(1 / acceptedShare, maxConn / 4.0)));
        int budget = (int) (maxConn * spread);
        if (collected.length < budget) {
            collected = new int[budget];
            collectedScores = new float[Math.max(budget, maxConn)];
            rejected = new int[maxConn];
        }
        visit(entry);
        float es = query.score(entry);
        scored++;
        candidates.add(entry, es); // the way in, accepted or not
        if (accepted(accept, entry)) {
            results.insertWithOverflow(entry, es, ef);
        }
        while (candidates.size() > 0) {
            if (results.size() >= ef && candidates.topScore() < results.topScore()) {
                break;
            }
            int c = candidates.pop();
            int n = 0;
            int hops = 0;
            int count = graph.neighborCount(0, c);
            for (int i = 0; i < count; i++) {
                int nb = graph.neighbor(0, c, i);
                if (visit(nb)) {
                    if (accepted(accept, nb)) {
                        collected[n++] = nb;
                    } else {
                        rejected[hops++] = nb;
                    }
                }
            }
            double rejectedShare = count == 0 ? 0 : hops / (double) count;
            int maxToScore =
                    (int) (count * Math.min(spread, 1 / Math.max(1e-9, 1 - rejectedShare)));
            if (n < maxToScore && rejectedShare > TWO_HOP_LAMBDA) {
                int explored = n + hops;
                for (int h = 0; h < hops && explored < budget && n < maxToScore; h++) {
                    int nb = rejected[h];
                    int count2 = graph.neighborCount(0, nb);
                    for (int j = 0; j < count2 && n < maxToScore; j++) {
                        int nb2 = graph.neighbor(0, nb, j);
                        if (isVisited(nb2)) {
                            continue;
                        }
                        explored++;
                        if (accepted(accept, nb2)) {
                            visit(nb2);
                            collected[n++] = nb2;
                        }
                    }
                }
            }
            query.bulkScore(collected, collectedScores, n);
            scored += n;
            for (int i = 0; i < n; i++) {
                int node = collected[i];
                float s = collectedScores[i];
                if (results.size() < ef || s > results.topScore()) {
                    candidates.add(node, s);
                    results.insertWithOverflow(node, s, ef);
                }
            }
            if (n < SPARSE) {
                // Few accepted nodes within two hops: the filter cuts the graph here. Walk on
                // through the rejected neighbours too (scored, never returned), as the plain walk
                // would, so that accepted regions beyond stay reachable.
                query.bulkScore(rejected, collectedScores, hops);
                scored += hops;
                for (int i = 0; i < hops; i++) {
                    int node = rejected[i];
                    float s = collectedScores[i];
                    if (results.size() < ef || s > results.topScore()) {
                        candidates.add(node, s);
                    }
                }
            }
        }
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
            int fresh = unvisitedNeighbors(level, candidates.pop());
            query.bulkScore(unvisited, unvisitedScores, fresh);
            scored += fresh;
            for (int i = 0; i < fresh; i++) {
                int n = unvisited[i];
                float s = unvisitedScores[i];
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

    private boolean isVisited(int node) {
        int word = node >>> 6;
        return word < visited.length && (visited[word] & (1L << node)) != 0;
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
