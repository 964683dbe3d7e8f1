package io.vectaraft.index.hnsw;

import java.util.Arrays;

/**
 * The layered neighbour lists of an HNSW graph (Malkov and Yashunin, 2016), in primitive arrays.
 * Nodes are the slots of the collection's vector store.
 *
 * <p>Paper terms to fields: {@code M} is {@link #maxConn(int)} on layers above 0 and {@code Mmax0 =
 * 2*M} on layer 0; {@code L} (the top layer) is {@link #maxLevel()}; the entry point {@code ep} is
 * {@link #entryNode()}; a node's layer {@code l} is {@link #level(int)}.
 *
 * <p>Layer 0 holds every node, so its lists live in one flat {@code int[]} with a fixed stride
 * ({@code [count, n1, n2, ...]} per node), beside each node's count of layer-0 in-links (so that
 * shrinking never orphans a node); upper layers hold about 1/M of the nodes each and keep one array
 * per node that has them. Links carry no scores: the builder scores a list again when it must
 * shrink it, as hnswlib does, so the graph costs 4 bytes a link instead of 8. Not thread-safe: the
 * owning collection's lock orders writers (the builder) before readers (searchers).
 */
public final class HnswGraph {
    private static final int NO_LEVEL = -1;

    private final int m;
    private final int stride0;
    private final int strideUpper;
    private int[] links0 = new int[0];
    private int[] inLinks0 = new int[0];
    private int[][] linksUpper = new int[0][];
    private byte[] levels = new byte[0];
    private int size;
    private int entryNode = -1;
    private int maxLevel = -1;

    public HnswGraph(int m) {
        this.m = m;
        this.stride0 = 2 * m + 1;
        this.strideUpper = m + 1;
    }

    public int m() {
        return m;
    }

    /** The most links a node keeps on a layer: 2*M on layer 0, M above. */
    public int maxConn(int level) {
        return level == 0 ? 2 * m : m;
    }

    /** The number of nodes added (deleted ones included until the graph is rebuilt). */
    public int size() {
        return size;
    }

    /** One past the highest node id that may be in the graph. */
    public int nodeLimit() {
        return levels.length;
    }

    public int entryNode() {
        return entryNode;
    }

    public int maxLevel() {
        return maxLevel;
    }

    /** The top layer of a node, or -1 when it is not in the graph. */
    public int level(int node) {
        return node < levels.length ? levels[node] : NO_LEVEL;
    }

    /** Adds a node with no links on layers 0..level; it becomes the entry point if highest. */
    void addNode(int node, int level) {
        ensureCapacity(node);
        if (levels[node] != NO_LEVEL) {
            throw new IllegalStateException("node " + node + " is already in the graph");
        }
        levels[node] = (byte) level;
        if (level > 0) {
            linksUpper[node] = new int[level * strideUpper];
        }
        size++;
        if (level > maxLevel) {
            maxLevel = level;
            entryNode = node;
        }
    }

    /** Makes a node (already added, on the top layer) the entry point, as a loaded image says. */
    void setEntry(int node) {
        if (level(node) != maxLevel) {
            throw new IllegalArgumentException(
                    "entry node " + node + ": expected level " + maxLevel + ", got " + level(node));
        }
        entryNode = node;
    }

    public int neighborCount(int level, int node) {
        return level == 0 ? links0[node * stride0] : linksUpper[node][(level - 1) * strideUpper];
    }

    public int neighbor(int level, int node, int i) {
        return level == 0
                ? links0[node * stride0 + 1 + i]
                : linksUpper[node][(level - 1) * strideUpper + 1 + i];
    }

    /**
     * How many layer-0 lists link to a node. Kept so that pruning never takes a node's last
     * in-link: layer 0 is where every search ends, so a node without one there is found by no
     * search.
     */
    int inLinks(int node) {
        return inLinks0[node];
    }

    /** Replaces a node's links on a layer with the first {@code count} of {@code nodes}. */
    void setNeighbors(int level, int node, int[] nodes, int count) {
        if (count > maxConn(level)) {
            throw new IllegalArgumentException(
                    "neighbours: expected at most " + maxConn(level) + ", got " + count);
        }
        if (level == 0) {
            int base = node * stride0;
            for (int i = 1; i <= links0[base]; i++) {
                inLinks0[links0[base + i]]--;
            }
            for (int i = 0; i < count; i++) {
                inLinks0[nodes[i]]++;
            }
            links0[node * stride0] = count;
            System.arraycopy(nodes, 0, links0, node * stride0 + 1, count);
        } else {
            int base = (level - 1) * strideUpper;
            linksUpper[node][base] = count;
            System.arraycopy(nodes, 0, linksUpper[node], base + 1, count);
        }
    }

    /** Appends a link if the list has room; returns false when it is full. */
    boolean tryAddNeighbor(int level, int node, int neighbor) {
        int count = neighborCount(level, node);
        if (count >= maxConn(level)) {
            return false;
        }
        if (level == 0) {
            inLinks0[neighbor]++;
            links0[node * stride0] = count + 1;
            links0[node * stride0 + 1 + count] = neighbor;
        } else {
            int base = (level - 1) * strideUpper;
            linksUpper[node][base] = count + 1;
            linksUpper[node][base + 1 + count] = neighbor;
        }
        return true;
    }

    /** Bytes held by the link arrays (for memory reports). */
    public long bytesUsed() {
        long bytes = 4L * links0.length + 4L * inLinks0.length + levels.length;
        for (int i = 0; i < linksUpper.length; i++) {
            if (linksUpper[i] != null) {
                bytes += 4L * linksUpper[i].length + 16;
            }
        }
        return bytes + 4L * linksUpper.length;
    }

    /**
     * Makes room for nodes {@code 0..nodes-1} at once, so that a graph whose size is known (one
     * being loaded) holds no room for growth.
     */
    void reserve(int nodes) {
        if (nodes > levels.length) {
            resize(nodes);
        }
    }

    private void ensureCapacity(int node) {
        if (node >= levels.length) {
            resize(Math.max(node + 1, Math.max(16, levels.length * 2)));
        }
    }

    private void resize(int n) {
        int old = levels.length;
        levels = Arrays.copyOf(levels, n);
        Arrays.fill(levels, old, n, (byte) NO_LEVEL);
        links0 = Arrays.copyOf(links0, n * stride0);
        inLinks0 = Arrays.copyOf(inLinks0, n);
        linksUpper = Arrays.copyOf(linksUpper, n);
    }
}
