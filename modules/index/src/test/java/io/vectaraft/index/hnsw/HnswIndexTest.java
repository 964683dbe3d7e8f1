package io.vectaraft.index.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.SyntheticData;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.flat.ExactScorer;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.flat.SlotStore;
import io.vectaraft.index.flat.TopK;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The graph itself, with the plan rule switched off (every search walks the graph): structure
 * invariants, and filtered traversal that returns k whenever k are accepted, at selectivities from
 * 0.1% to 100%.
 */
class HnswIndexTest {
    private static final int N = 5000;
    private static final int DIM = 16;
    private static final int K = 10;
    private static final long SEED = TestSeeds.seed();
    private static SlotStore store;
    private static HnswIndex index;
    private static final FlatScanner SERIAL =
            new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 1024);

    @BeforeAll
    static void build() {
        store = new SlotStore(DIM, false);
        index = new HnswIndex(store, Metric.EUCLIDEAN, IndexSpec.Hnsw.defaults(), SERIAL, 0);
        List<float[]> data = SyntheticData.mixture(SEED, new Random(SEED), N, DIM, 10);
        for (int i = 0; i < N; i++) {
            index.insert(store.put("r" + i, data.get(i), Map.of()));
        }
    }

    @Test
    void linksAreBoundedDistinctAndNeverSelf() {
        HnswGraph g = index.graph();
        assertEquals(N, g.size());
        int[] perLevel = new int[LevelGenerator.MAX_LEVEL + 1];
        for (int node = 0; node < N; node++) {
            perLevel[g.level(node)]++;
            for (int level = 0; level <= g.level(node); level++) {
                int count = g.neighborCount(level, node);
                assertTrue(count <= g.maxConn(level), "node " + node + " level " + level);
                assertTrue(level > 0 || count > 0, "every node has a link on layer 0");
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    int n = g.neighbor(level, node, i);
                    assertNotEquals(node, n, "self link at node " + node);
                    assertTrue(seen.add(n), "duplicate link " + node + "->" + n);
                    assertTrue(g.level(n) >= level, "link to a node absent from level " + level);
                }
            }
        }
        // Level sizes shrink by about M per layer (mL = 1/ln M).
        assertTrue(
                perLevel[1] > N / 32 && perLevel[1] < N / 8,
                "layer-1 nodes " + perLevel[1] + " " + TestSeeds.describe(SEED));
        assertEquals(g.maxLevel(), g.level(g.entryNode()));
    }

    @ParameterizedTest(name = "every {0}th node accepted")
    @ValueSource(ints = {1000, 100, 20, 3, 1})
    void filteredTraversalReturnsKWheneverKAreAccepted(int every) {
        long[] accept = new long[(N + 63) / 64];
        int accepted = 0;
        for (int node = 0; node < N; node += every) {
            accept[node >>> 6] |= 1L << node;
            accepted++;
        }
        ExactScorer scorer = new ExactScorer(store, Metric.EUCLIDEAN);
        Random random = new Random(SEED + every);
        double recallSum = 0;
        List<float[]> queries = SyntheticData.mixture(SEED, random, 30, DIM, 10);
        for (float[] q : queries) {
            TopK top = index.search(q, K, 0, accept, accepted);
            int[] slots = new int[K];
            float[] scores = new float[K];
            int n = top.drainBestFirst(slots, scores);
            assertEquals(Math.min(K, accepted), n, "k results " + TestSeeds.describe(SEED));
            TopK exact = new TopK(K, store.idsBySlot());
            for (int node = 0; node < N; node += every) {
                exact.offer(scorer.score(q, node), node);
            }
            int[] exactSlots = new int[K];
            int m = exact.drainBestFirst(exactSlots, new float[K]);
            Set<Integer> expected = new HashSet<>();
            for (int i = 0; i < m; i++) {
                expected.add(exactSlots[i]);
            }
            int hits = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(0, slots[i] % every, "only accepted nodes");
                hits += expected.contains(slots[i]) ? 1 : 0;
            }
            recallSum += (double) hits / m;
        }
        double recall = recallSum / queries.size();
        assertTrue(
                recall >= 0.95,
                "filtered recall "
                        + recall
                        + " accepting 1/"
                        + every
                        + " "
                        + TestSeeds.describe(SEED));
    }

    /**
     * The two-hop walk's point: with a third of the graph accepted it scores fewer nodes than the
     * plain walk, which scores every neighbour, rejected or not ({@link
     * #filteredTraversalReturnsKWheneverKAreAccepted} holds its recall).
     */
    @Test
    void twoHopWalkOfABroadFilterScoresFewerNodesThanThePlainWalk() {
        int every = 3;
        long[] accept = new long[(N + 63) / 64];
        for (int node = 0; node < N; node += every) {
            accept[node >>> 6] |= 1L << node;
        }
        ExactScorer exact = new ExactScorer(store, Metric.EUCLIDEAN);
        HnswGraphSearcher twoHop = new HnswGraphSearcher(index.graph());
        HnswGraphSearcher plain = new HnswGraphSearcher(index.graph());
        int ef = IndexSpec.Hnsw.defaults().efSearch();
        for (float[] q : SyntheticData.mixture(SEED, new Random(SEED + 1), 30, DIM, 10)) {
            twoHop.search(exact.query(q), ef, accept, 1.0 / every, new NeighborQueue(ef, false));
            plain.search(exact.query(q), ef, accept, 1, new NeighborQueue(ef, false));
        }
        assertTrue(
                twoHop.scored() < plain.scored(),
                "scored: two hops "
                        + twoHop.scored()
                        + ", plain "
                        + plain.scored()
                        + " "
                        + TestSeeds.describe(SEED));
    }

    /**
     * The descent through the upper layers scores a node once: a node it passed on a higher layer
     * is not scored again below.
     */
    @Test
    void theDescentScoresEachNodeOnce() {
        ExactScorer exact = new ExactScorer(store, Metric.EUCLIDEAN);
        HnswGraphSearcher searcher = new HnswGraphSearcher(index.graph());
        assertTrue(index.graph().maxLevel() >= 2, "the graph has layers to descend");
        for (float[] q : SyntheticData.mixture(SEED, new Random(SEED + 2), 30, DIM, 10)) {
            QueryScorer scorer = exact.query(q);
            Map<Integer, Integer> times = new HashMap<>();
            QueryScorer counting =
                    slot -> {
                        times.merge(slot, 1, Integer::sum);
                        return scorer.score(slot);
                    };
            int entry = searcher.descend(counting, index.graph().entryNode());
            assertTrue(times.size() > index.graph().maxLevel(), "scored " + times.size());
            assertTrue(times.containsKey(entry));
            assertEquals(
                    Set.of(1),
                    Set.copyOf(times.values()),
                    "times each node was scored " + TestSeeds.describe(SEED));
        }
    }

    @Test
    void theTwoHopSwitchRisesWithTheCostOfAScore() {
        assertEquals(0.1, HnswIndex.twoHopBelow(16 * Float.BYTES), 1e-9, "short vectors: floor");
        assertEquals(0.1, HnswIndex.twoHopBelow(128 * Float.BYTES), 1e-9);
        assertEquals(0.290, HnswIndex.twoHopBelow(384 * Float.BYTES), 0.001);
        assertEquals(0.410, HnswIndex.twoHopBelow(768 * Float.BYTES), 0.001);
        assertEquals(0.5, HnswIndex.twoHopBelow(4096 * Float.BYTES), 1e-9, "long vectors: cap");
        assertTrue(
                HnswIndex.twoHopBelow(768) < HnswIndex.twoHopBelow(768 * Float.BYTES),
                "int8 codes of 768 dimensions switch as 192 floats would");
    }

    @Test
    void pendingSlotsAreFoundBeforeTheyAreLinked() {
        SlotStore small = new SlotStore(2, false);
        HnswIndex graph = new HnswIndex(small, Metric.DOT, IndexSpec.Hnsw.defaults(), SERIAL, 0);
        for (int i = 0; i < 300; i++) {
            graph.insert(small.put("r" + i, new float[] {i % 7, 1}, Map.of()));
        }
        int best = small.put("best", new float[] {100, 1}, Map.of());
        graph.add(best);
        int deleted = small.put("deleted", new float[] {200, 1}, Map.of());
        graph.add(deleted);
        small.remove("deleted");
        assertEquals(2, graph.pendingCount());
        TopK top = graph.search(new float[] {1, 0}, 1, 0, small.liveBits(), small.size());
        int[] slots = new int[1];
        top.drainBestFirst(slots, new float[1]);
        assertEquals(best, slots[0], "a pending record is searchable");
        assertEquals(false, graph.indexPending(Long.MAX_VALUE), "nothing left");
        assertEquals(0, graph.pendingCount());
        assertEquals(301, graph.graph().size(), "the deleted pending slot was never linked");
        top = graph.search(new float[] {1, 0}, 1, 0, small.liveBits(), small.size());
        top.drainBestFirst(slots, new float[1]);
        assertEquals(best, slots[0], "and found through the graph once linked");
    }

    @Test
    void nothingAcceptedGivesNoResults() {
        assertEquals(0, index.search(new float[DIM], 5, 0, new long[2], 0).size());
    }

    /** An index over {@code store} with {@code n} seeded records added, all still pending. */
    private static HnswIndex pendingIndex(SlotStore store, ScanPool pool, int n) {
        HnswIndex index =
                new HnswIndex(
                        store,
                        Metric.EUCLIDEAN,
                        IndexSpec.Hnsw.defaults(),
                        new FlatScanner(pool, Long.MAX_VALUE, 1024),
                        0);
        List<float[]> data = SyntheticData.mixture(SEED, new Random(SEED), n, DIM, 10);
        for (int i = 0; i < n; i++) {
            index.add(store.put("r" + i, data.get(i), Map.of()));
        }
        return index;
    }

    @Test
    void linkingOneByOneStopsWhereRoundsTakeOver() {
        HnswIndex index =
                pendingIndex(
                        new SlotStore(DIM, false),
                        new ScanPool(1),
                        HnswIndex.ROUND_MIN_GRAPH + 100);
        // However long a step may run, the switch to rounds comes at the same node, so the same
        // inserts give the same graph whatever the machine's speed.
        assertEquals(true, index.indexPending(Long.MAX_VALUE), "rounds link the rest");
        assertEquals(HnswIndex.ROUND_MIN_GRAPH, index.graph().size());
        assertEquals(100, index.pendingCount());
        assertTrue(index.linksInRounds());
    }

    @Test
    void parallelRoundsBuildAGraphAsGoodAsOneByOne() {
        SlotStore roundStore = new SlotStore(DIM, false);
        ScanPool pool = new ScanPool(3);
        HnswIndex rounds = pendingIndex(roundStore, pool, N);
        int roundCount = 0;
        while (rounds.hasPending()) {
            if (!rounds.linksInRounds()) {
                rounds.indexPending(0); // links one: the first nodes go one by one
                continue;
            }
            HnswIndex.LinkRound round = rounds.claimRound();
            rounds.findRound(round, pool);
            rounds.linkRound(round);
            roundCount++;
        }
        assertEquals(0, rounds.pendingCount());
        assertEquals(N, rounds.graph().size());
        assertEquals(
                (N - HnswIndex.ROUND_MIN_GRAPH + HnswIndex.ROUND_SIZE - 1) / HnswIndex.ROUND_SIZE,
                roundCount,
                "rounds used");
        ExactScorer scorer = new ExactScorer(roundStore, Metric.EUCLIDEAN);
        double hits = 0;
        List<float[]> queries = SyntheticData.mixture(SEED, new Random(SEED + 7), 50, DIM, 10);
        for (float[] q : queries) {
            TopK approx = rounds.search(q, K, 0, roundStore.liveBits(), N);
            TopK exact = new TopK(K, roundStore.idsBySlot());
            for (int node = 0; node < N; node++) {
                exact.offer(scorer.score(q, node), node);
            }
            int[] a = new int[K];
            int[] e = new int[K];
            approx.drainBestFirst(a, new float[K]);
            exact.drainBestFirst(e, new float[K]);
            Set<Integer> expected = new HashSet<>();
            for (int x : e) {
                expected.add(x);
            }
            for (int x : a) {
                hits += expected.contains(x) ? 1 : 0;
            }
        }
        double recall = hits / (K * queries.size());
        assertTrue(
                recall >= 0.95,
                "recall of a graph built in rounds " + recall + " " + TestSeeds.describe(SEED));
    }
}
