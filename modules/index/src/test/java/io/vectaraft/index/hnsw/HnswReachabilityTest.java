package io.vectaraft.index.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.flat.FlatScanner;
import io.vectaraft.index.flat.ScanPool;
import io.vectaraft.index.flat.SlotStore;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whether search can reach every node. Pruning a full neighbour list drops one link; when that is
 * the last link to its target on layer 0, where every search ends, no search finds the target
 * again, even with its own vector. (Whether a search from the entry point then finds a far outlier
 * at a given beam is a separate matter: greedy search towards a point outside the data is
 * approximate too.) Gaussian points in 16 dimensions at M 8 make such nodes common (about 0.4% of
 * them when pruning ignored in-links), and a far outlier added late is the extreme case: farther
 * from each of its neighbours than all their links, it is the first to be dropped.
 */
class HnswReachabilityTest {
    private static final int DIM = 16;
    private static final int BEFORE = 3_000;
    private static final int AFTER = 300;
    private static final int GRAPHS = 10;
    private static final FlatScanner SERIAL =
            new FlatScanner(new ScanPool(1), Long.MAX_VALUE, 1024);

    @Test
    void everyNodeKeepsAnInLinkAndALateOutlierStaysReachable() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        int nodes = 0;
        int unreachable = 0;
        for (int g = 0; g < GRAPHS; g++) {
            SlotStore store = new SlotStore(DIM, false);
            HnswIndex index =
                    new HnswIndex(
                            store, Metric.EUCLIDEAN, new IndexSpec.Hnsw(8, 64, 64), SERIAL, 0);
            insertGaussian(index, store, random, "a", BEFORE);
            float[] outlier = new float[DIM];
            Arrays.fill(outlier, 100);
            int outlierSlot = store.put("outlier", outlier, Map.of());
            index.insert(outlierSlot);
            insertGaussian(index, store, random, "b", AFTER);

            HnswGraph graph = index.graph();
            int[] inLinks = countInLinks(graph);
            for (int node = 0; node < graph.size(); node++) {
                assertEquals(
                        inLinks[node],
                        graph.inLinks(node),
                        "kept in-link count of node " + node + " " + TestSeeds.describe(seed));
                assertTrue(
                        inLinks[node] > 0 || node == graph.entryNode(),
                        "node "
                                + node
                                + " has no in-link on layer 0 in graph "
                                + g
                                + " "
                                + TestSeeds.describe(seed));
            }
            boolean[] reached = reachableFromEntry(graph);
            assertTrue(
                    reached[outlierSlot],
                    "the outlier is reachable from the entry point in graph "
                            + g
                            + " "
                            + TestSeeds.describe(seed));
            nodes += graph.size();
            for (boolean r : reached) {
                unreachable += r ? 0 : 1;
            }
        }
        // Two kept in-links leave no node alone and no pair linked only to each other (an island
        // of 2, which one kept in-link left: 4 nodes in 30 graphs, and the outlier among them for
        // some seeds); larger islands are possible in principle (none in 120 graphs measured),
        // where ignoring in-links left 373 nodes unreachable.
        assertTrue(
                unreachable * 1000 <= nodes,
                unreachable
                        + " of "
                        + nodes
                        + " nodes unreachable from the entry point "
                        + TestSeeds.describe(seed));
    }

    private static void insertGaussian(
            HnswIndex index, SlotStore store, Random random, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
            }
            index.insert(store.put(prefix + i, v, Map.of()));
        }
    }

    private static int[] countInLinks(HnswGraph graph) {
        int[] in = new int[graph.size()];
        for (int node = 0; node < graph.size(); node++) {
            for (int i = 0; i < graph.neighborCount(0, node); i++) {
                in[graph.neighbor(0, node, i)]++;
            }
        }
        return in;
    }

    /** Which nodes following layer-0 links from the entry point reaches, the entry included. */
    private static boolean[] reachableFromEntry(HnswGraph graph) {
        boolean[] seen = new boolean[graph.size()];
        int[] queue = new int[graph.size()];
        int head = 0;
        int tail = 0;
        queue[tail++] = graph.entryNode();
        seen[graph.entryNode()] = true;
        while (head < tail) {
            int node = queue[head++];
            for (int i = 0; i < graph.neighborCount(0, node); i++) {
                int next = graph.neighbor(0, node, i);
                if (!seen[next]) {
                    seen[next] = true;
                    queue[tail++] = next;
                }
            }
        }
        return seen;
    }
}
