package io.vectaraft.index.hnsw;

import io.vectaraft.index.flat.QueryScorer;

/**
 * Inserts nodes into an {@link HnswGraph} (the paper's INSERT): draw the node's top layer, descend
 * greedily to it, then on each layer from there to 0 search with beam {@code efConstruction}, link
 * to neighbours picked by the diversity heuristic (SELECT-NEIGHBORS-HEURISTIC), and link back,
 * re-running the heuristic on a neighbour whose list overflows.
 *
 * <p>INSERT is split in two halves so that a bulk build can run the expensive one in parallel:
 * {@link #findCandidates} only reads the graph (many threads, under a read lock, each with its own
 * searcher), {@link #link} writes it (one thread, under the write lock). Nodes found in the same
 * round cannot see each other in the graph, so {@link #link} also offers the node the round-mates
 * linked before it as candidates.
 *
 * <p>Not thread-safe apart from {@link #findCandidates}: one builder per graph.
 */
final class HnswGraphBuilder {
    /** How many layer-0 in-links pruning leaves a node (see {@link #keepLastInLinks}). */
    static final int KEPT_IN_LINKS = 2;

    private final HnswGraph graph;
    private final GraphScorer scorer;
    private final int efConstruction;
    private final LevelGenerator levels;
    private final HnswGraphSearcher searcher;
    private final NeighborQueue results;
    private int[] candNodes;
    private float[] candScores;
    private final int[] selNodes;
    private final float[] selScores;
    private final int[] listNodes;
    private final float[] listScores;

    /** A node's candidate neighbours per layer, best first: the result of the search half. */
    static final class Candidates {
        final int[][] nodes;
        final float[][] scores;

        Candidates(int layers) {
            this.nodes = new int[layers][];
            this.scores = new float[layers][];
        }

        int count(int level) {
            return level < nodes.length && nodes[level] != null ? nodes[level].length : 0;
        }
    }

    HnswGraphBuilder(HnswGraph graph, GraphScorer scorer, int efConstruction, long seed) {
        this.graph = graph;
        this.scorer = scorer;
        this.efConstruction = efConstruction;
        this.levels = new LevelGenerator(graph.m(), seed);
        this.searcher = newSearcher();
        this.results = newResults();
        int room = Math.max(efConstruction, graph.maxConn(0) + 1);
        this.candNodes = new int[room];
        this.candScores = new float[room];
        this.selNodes = new int[graph.maxConn(0) + 1];
        this.selScores = new float[graph.maxConn(0) + 1];
        this.listNodes = new int[graph.maxConn(0) + 1];
        this.listScores = new float[graph.maxConn(0) + 1];
    }

    HnswGraphSearcher newSearcher() {
        return new HnswGraphSearcher(graph);
    }

    NeighborQueue newResults() {
        return new NeighborQueue(efConstruction, false);
    }

    /** Draws the top layer of the next node (seeded: same order, same levels). */
    int nextLevel() {
        return levels.next();
    }

    /** Adds a stored vector's slot as a node and links it. */
    void insert(int node) {
        int level = levels.next();
        Candidates found = findCandidates(node, level, searcher, results);
        link(node, level, found, null, 0);
    }

    /**
     * The search half of INSERT: the node's candidate neighbours on each layer it shares with the
     * graph. Reads the graph only; thread-safe given a searcher and queue per thread.
     */
    Candidates findCandidates(
            int node, int level, HnswGraphSearcher searcher, NeighborQueue queue) {
        int entry = graph.entryNode();
        int top = graph.maxLevel();
        Candidates found = new Candidates(Math.max(0, Math.min(level, top) + 1));
        if (entry < 0) {
            return found;
        }
        QueryScorer query = scorer.link(node);
        int[] eps = {entry};
        int epCount = 1;
        for (int l = top; l > level; l--) {
            queue.clear();
            searcher.searchLayer(query, eps, 1, 1, l, null, queue);
            eps[0] = queue.topNode();
        }
        for (int l = Math.min(level, top); l >= 0; l--) {
            queue.clear();
            searcher.searchLayer(query, eps, epCount, efConstruction, l, null, queue);
            int n = queue.size();
            int[] nodes = new int[n];
            float[] scores = new float[n];
            for (int i = n - 1; i >= 0; i--) {
                scores[i] = queue.topScore();
                nodes[i] = queue.pop();
            }
            found.nodes[l] = nodes;
            found.scores[l] = scores;
            eps = nodes; // the next layer down starts from every node found here
            epCount = n;
        }
        return found;
    }

    /**
     * The write half of INSERT: adds the node on layers 0..level and links it to the best diverse
     * candidates, found ones plus the round-mates linked before it (which the search could not
     * see), then links back.
     */
    void link(int node, int level, Candidates found, int[] mates, int mateCount) {
        graph.addNode(node, level);
        for (int l = level; l >= 0; l--) {
            int n = gather(node, l, found, mates, mateCount);
            if (n == 0) {
                continue;
            }
            // As Lucene: a new node takes up to 2*M links on layer 0, M above.
            int selected = selectDiverse(candNodes, candScores, n, graph.maxConn(l));
            graph.setNeighbors(l, node, selNodes, selected);
            for (int i = 0; i < selected; i++) {
                linkBack(l, selNodes[i], node);
            }
        }
    }

    /** Candidates on one layer into candNodes/candScores, best first; returns how many. */
    private int gather(int node, int level, Candidates found, int[] mates, int mateCount) {
        int n = found.count(level);
        int room = n + mateCount;
        if (room > candNodes.length) {
            candNodes = new int[room];
            candScores = new float[room];
        }
        if (n > 0) {
            System.arraycopy(found.nodes[level], 0, candNodes, 0, n);
            System.arraycopy(found.scores[level], 0, candScores, 0, n);
        }
        int extra = 0;
        QueryScorer fromNode = null;
        for (int i = 0; i < mateCount; i++) {
            if (graph.level(mates[i]) >= level) {
                if (fromNode == null) {
                    fromNode = scorer.link(node);
                }
                candNodes[n + extra] = mates[i];
                candScores[n + extra] = fromNode.score(mates[i]);
                extra++;
            }
        }
        if (extra > 0) {
            sortBestFirst(candNodes, candScores, n + extra);
        }
        return n + extra;
    }

    private void linkBack(int level, int neighbor, int node) {
        if (graph.tryAddNeighbor(level, neighbor, node)) {
            return;
        }
        // Full: as Lucene, drop one link, so that lists stay full (re-running the heuristic over
        // the whole list, as hnswlib does, often keeps far fewer than maxConn, and a sparser graph
        // needs a wider beam for the same recall). The graph keeps no scores, so the list is
        // scored again, from its owner, in one bulk call.
        int count = graph.neighborCount(level, neighbor);
        int[] nodes = listNodes;
        float[] scores = listScores;
        for (int i = 0; i < count; i++) {
            nodes[i] = graph.neighbor(level, neighbor, i);
        }
        nodes[count] = node;
        scorer.link(neighbor).bulkScore(nodes, scores, count + 1);
        sortBestFirst(nodes, scores, count + 1);
        int drop =
                keepLastInLinks(
                        level,
                        nodes,
                        count + 1,
                        node,
                        worstNonDiverse(nodes, scores, count + 1, node));
        System.arraycopy(nodes, drop + 1, nodes, drop, count - drop);
        graph.setNeighbors(level, neighbor, nodes, count);
    }

    /**
     * {@code drop}, unless that link is one of its target's last {@value #KEPT_IN_LINKS} in-links
     * on layer 0: then the worst link that is not (the list is full of such links only in a
     * pathological graph; {@code drop} stays then). Without this, a node farther from each
     * neighbour than all of that neighbour's links (an outlier, or just an unlucky point in high
     * dimensions: about 0.4% of 3,000 Gaussian 16-d points at M 8) is pruned from every list that
     * linked to it, and no search reaches it. Keeping one in-link was not enough: two nodes could
     * end up linked only to each other, an island (4 nodes in 30 such graphs); with two in-links
     * from distinct nodes, no pair can be an island.
     */
    private int keepLastInLinks(int level, int[] nodes, int n, int added, int drop) {
        if (level > 0 || !leavesTooFewInLinks(nodes[drop], added)) {
            return drop;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (!leavesTooFewInLinks(nodes[i], added)) {
                return i;
            }
        }
        return drop;
    }

    /**
     * Whether dropping a link to {@code target} from the list being pruned leaves it fewer than
     * {@link #KEPT_IN_LINKS} in-links.
     */
    private boolean leavesTooFewInLinks(int target, int added) {
        // The added node is not in the list yet: dropping it costs it nothing it had.
        int left = target == added ? graph.inLinks(target) : graph.inLinks(target) - 1;
        return left < KEPT_IN_LINKS;
    }

    /**
     * Which of a full list plus one new link (best first) to drop, after Lucene's {@code
     * findWorstNonDiverse}: the worst link that is closer to a better link than to the list's
     * owner, else the worst. Only pairs with the new link are scored (a worse link against it, and
     * it against every better link): about 2*M scores, where choosing the whole list again takes up
     * to (2*M)^2. Lucene also re-checks links appended to lists that had room; this does not.
     */
    private int worstNonDiverse(int[] nodes, float[] scores, int n, int added) {
        int at = 0;
        while (nodes[at] != added) {
            at++;
        }
        QueryScorer fromAdded = null;
        for (int i = n - 1; i > at; i--) {
            if (fromAdded == null) {
                fromAdded = scorer.link(added);
            }
            if (fromAdded.score(nodes[i]) > scores[i]) {
                return i;
            }
        }
        if (at > 0) {
            if (fromAdded == null) {
                fromAdded = scorer.link(added);
            }
            for (int j = 0; j < at; j++) {
                if (fromAdded.score(nodes[j]) > scores[at]) {
                    return at;
                }
            }
        }
        return n - 1;
    }

    /**
     * The heuristic of the paper (and hnswlib, Lucene): walking candidates best first, keep one
     * only if it is closer to the base node than to every neighbour kept so far, which spreads the
     * links in different directions. With no more candidates than room, keep them all.
     *
     * @return the number kept, written to selNodes/selScores
     */
    private int selectDiverse(int[] nodes, float[] scores, int n, int maxConn) {
        if (n <= maxConn) {
            System.arraycopy(nodes, 0, selNodes, 0, n);
            System.arraycopy(scores, 0, selScores, 0, n);
            return n;
        }
        int kept = 0;
        for (int i = 0; i < n && kept < maxConn; i++) {
            boolean diverse = true;
            QueryScorer candidate = kept > 0 ? scorer.link(nodes[i]) : null;
            for (int j = 0; j < kept; j++) {
                if (candidate.score(selNodes[j]) > scores[i]) {
                    diverse = false;
                    break;
                }
            }
            if (diverse) {
                selNodes[kept] = nodes[i];
                selScores[kept] = scores[i];
                kept++;
            }
        }
        return kept;
    }

    /**
     * Insertion sort by score descending: neighbour lists are at most 2*M+1 long, and gathered
     * candidates are sorted already except for a few round-mates.
     */
    private static void sortBestFirst(int[] nodes, float[] scores, int n) {
        for (int i = 1; i < n; i++) {
            int node = nodes[i];
            float score = scores[i];
            int j = i - 1;
            while (j >= 0 && scores[j] < score) {
                nodes[j + 1] = nodes[j];
                scores[j + 1] = scores[j];
                j--;
            }
            nodes[j + 1] = node;
            scores[j + 1] = score;
        }
    }
}
