package io.vectaraft.index.hnsw;

/**
 * Inserts nodes into an {@link HnswGraph} (the paper's INSERT): draw the node's top layer, descend
 * greedily to it, then on each layer from there to 0 search with beam {@code efConstruction}, link
 * to neighbours picked by the diversity heuristic (SELECT-NEIGHBORS-HEURISTIC), and link back,
 * re-running the heuristic on a neighbour whose list overflows.
 *
 * <p>Not thread-safe: one builder per graph, called under the collection's write lock.
 */
final class HnswGraphBuilder {
    private final HnswGraph graph;
    private final SlotScorer scorer;
    private final int efConstruction;
    private final LevelGenerator levels;
    private final HnswGraphSearcher searcher;
    private final NeighborQueue results;
    private int[] candNodes;
    private float[] candScores;
    private final int[] selNodes;
    private final float[] selScores;

    HnswGraphBuilder(HnswGraph graph, SlotScorer scorer, int efConstruction, long seed) {
        this.graph = graph;
        this.scorer = scorer;
        this.efConstruction = efConstruction;
        this.levels = new LevelGenerator(graph.m(), seed);
        this.searcher = new HnswGraphSearcher(graph, scorer);
        this.results = new NeighborQueue(efConstruction, false);
        int room = Math.max(efConstruction, graph.maxConn(0) + 1);
        this.candNodes = new int[room];
        this.candScores = new float[room];
        this.selNodes = new int[graph.maxConn(0) + 1];
        this.selScores = new float[graph.maxConn(0) + 1];
    }

    /** Adds a stored vector's slot as a node and links it. */
    void insert(int node) {
        int level = levels.next();
        int entry = graph.entryNode();
        int top = graph.maxLevel();
        graph.addNode(node, level);
        if (entry < 0) {
            return;
        }
        float[] query = scorer.vector(node);
        int[] eps = {entry};
        int epCount = 1;
        for (int l = top; l > level; l--) {
            results.clear();
            searcher.searchLayer(query, eps, 1, 1, l, null, results);
            eps[0] = results.topNode();
        }
        for (int l = Math.min(level, top); l >= 0; l--) {
            results.clear();
            searcher.searchLayer(query, eps, epCount, efConstruction, l, null, results);
            int n = drainBestFirst(results);
            // The next layer down starts from every node found here.
            eps = java.util.Arrays.copyOf(candNodes, n);
            epCount = n;
            // As hnswlib: a new node takes M links on every layer (2*M would double the
            // heuristic's work for little recall); its neighbours' lists still grow to 2*M on
            // layer 0 through the links back.
            int selected = selectDiverse(candNodes, candScores, n, graph.m());
            graph.setNeighbors(l, node, selNodes, selScores, selected);
            // linkBack reuses selNodes/selScores, so walk a copy.
            int[] linked = java.util.Arrays.copyOf(selNodes, selected);
            float[] linkScores = java.util.Arrays.copyOf(selScores, selected);
            for (int i = 0; i < selected; i++) {
                linkBack(l, linked[i], node, linkScores[i]);
            }
        }
    }

    private void linkBack(int level, int neighbor, int node, float score) {
        if (graph.tryAddNeighbor(level, neighbor, node, score)) {
            return;
        }
        // Full: choose again among the current links plus the new one, best first.
        int count = graph.neighborCount(level, neighbor);
        int[] nodes = new int[count + 1];
        float[] scores = new float[count + 1];
        for (int i = 0; i < count; i++) {
            nodes[i] = graph.neighbor(level, neighbor, i);
            scores[i] = graph.neighborScore(level, neighbor, i);
        }
        nodes[count] = node;
        scores[count] = score;
        sortBestFirst(nodes, scores, count + 1);
        int selected = selectDiverse(nodes, scores, count + 1, graph.maxConn(level));
        graph.setNeighbors(level, neighbor, selNodes, selScores, selected);
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
            for (int j = 0; j < kept; j++) {
                if (scorer.score(nodes[i], selNodes[j]) > scores[i]) {
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

    /** Empties the result min-queue into candNodes/candScores, best first. */
    private int drainBestFirst(NeighborQueue queue) {
        int n = queue.size();
        if (n > candNodes.length) {
            candNodes = new int[n];
            candScores = new float[n];
        }
        for (int i = n - 1; i >= 0; i--) {
            candScores[i] = queue.topScore();
            candNodes[i] = queue.pop();
        }
        return n;
    }

    /** Insertion sort by score descending: lists are at most 2*M+1 long. */
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
