package io.vectaraft.index.hnsw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.Metric;
import io.vectaraft.index.flat.ExactScorer;
import io.vectaraft.index.flat.SlotStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which link a full neighbour list drops when a new node links back to it ({@code linkBack} and
 * {@code worstNonDiverse}), on hand-placed points of a line: the owner sits at 0 with a full
 * layer-0 list, a new node links to it, and the owner's list must keep exactly the links that the
 * rule "drop the worst link that is closer to a better one than to the owner, else the worst"
 * keeps. Distances on a line make each answer checkable by hand; each case says why.
 */
class HnswGraphBuilderTest {
    /** Layer 0 keeps 2*M = 4 links, so a list of four plus the new link overflows by one. */
    private static final int M = 2;

    @Test
    void dropsTheWorstLinkThatIsCloserToTheNewLinkThanToTheOwner() {
        // Best first from the owner: -1, new 2, 3, 5, -6. Both 3 and 5 are closer to 2 than to
        // the owner (1 < 3, 3 < 5), -6 is not (8 > 6): the worse of the two, 5, goes; the worst
        // link, -6, stays because it points the other way.
        float[] kept = ownerLinksAfterLinking(new float[] {-1, 3, 5, -6}, 2);
        assertArrayEquals(new float[] {-1, 2, 3, -6}, kept, "owner's links, best first");
        assertEquals(2 * M, kept.length, "the list stays full");
    }

    @Test
    void dropsTheNewLinkWhenItIsCloserToABetterLinkThanToTheOwner() {
        // Best first: 1.5, new 2, -3, -4, -5. No worse link is closer to 2 than to the owner (all
        // on the other side), but 2 is closer to 1.5 (0.5) than to the owner (2): the new link
        // goes, not the worst one.
        float[] kept = ownerLinksAfterLinking(new float[] {1.5f, -3, -4, -5}, 2);
        assertArrayEquals(new float[] {1.5f, -3, -4, -5}, kept, "owner's links, best first");
        assertEquals(2 * M, kept.length, "the list stays full");
    }

    @Test
    void dropsTheWorstLinkWhenEveryPairWithTheNewLinkIsDiverse() {
        // Best first: -1, new 1.5, -2, -3, -4. The new link is closer to the owner than to -1
        // (1.5 < 2.5) and every worse link is closer to the owner than to it: the worst, -4, goes.
        float[] kept = ownerLinksAfterLinking(new float[] {-1, -2, -3, -4}, 1.5f);
        assertArrayEquals(new float[] {-1, 1.5f, -2, -3}, kept, "owner's links, best first");
        assertEquals(2 * M, kept.length, "the list stays full");
    }

    /**
     * Puts an owner at 0 whose layer-0 list holds {@code links} (full), links a new node at {@code
     * added} to it alone, and returns the owner's links afterwards as their coordinates, in list
     * order.
     */
    private static float[] ownerLinksAfterLinking(float[] links, float added) {
        SlotStore store = new SlotStore(1, false);
        ExactScorer exact = new ExactScorer(store, Metric.EUCLIDEAN);
        HnswGraph graph = new HnswGraph(M);
        HnswGraphBuilder builder =
                new HnswGraphBuilder(graph, new GraphScorer(store, exact, null), 16, 1L);
        int owner = store.put("owner", new float[] {0}, Map.of());
        graph.addNode(owner, 0);
        int[] slots = new int[links.length];
        for (int i = 0; i < links.length; i++) {
            slots[i] = store.put("n" + i, new float[] {links[i]}, Map.of());
            graph.addNode(slots[i], 0);
        }
        graph.setNeighbors(0, owner, slots, links.length);
        assertEquals(graph.maxConn(0), graph.neighborCount(0, owner), "fixture: the list is full");

        int node = store.put("added", new float[] {added}, Map.of());
        HnswGraphBuilder.Candidates found = new HnswGraphBuilder.Candidates(1);
        found.nodes[0] = new int[] {owner};
        found.scores[0] = new float[] {exact.node(node).score(owner)};
        builder.link(node, 0, found, null, 0);
        assertEquals(owner, graph.neighbor(0, node, 0), "fixture: the new node links to the owner");

        float[] kept = new float[graph.neighborCount(0, owner)];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = store.copyVector(graph.neighbor(0, owner, i))[0];
        }
        return kept;
    }
}
