package io.vectaraft.index.hnsw;

import io.vectaraft.index.flat.ImageHeader;
import io.vectaraft.index.flat.SlotStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.PrimitiveIterator;

/**
 * Writes and reads an {@link HnswGraph} for snapshots, so a restart loads the graph instead of
 * rebuilding it.
 *
 * <p>Nodes are numbered by the rank of their record's id in UTF-8 order among the live records (the
 * order snapshots store records in), not by slot: slots do not survive a restart, ids do.
 * Tombstones and not-yet-linked records are left out, and links to them dropped. Format, all
 * big-endian: {@code int magic, int version ({@link ImageHeader}), int m, int n, int entry, then
 * per node: byte level (-1 = not in the graph), and per layer 0..level: short count, count x int
 * neighbour}.
 */
final class HnswGraphImage {
    private static final ImageHeader HEADER =
            new ImageHeader("hnsw graph image", 0x484E5357 /* "HNSW" */, 1);

    private HnswGraphImage() {}

    static void write(HnswGraph graph, SlotStore store, DataOutput out) throws IOException {
        int n = store.size();
        int[] slotOfRank = new int[n];
        int[] rankOfSlot = new int[store.slotLimit()];
        java.util.Arrays.fill(rankOfSlot, -1);
        int rank = 0;
        for (PrimitiveIterator.OfInt slots = store.slotsInIdOrder(); slots.hasNext(); ) {
            int slot = slots.nextInt();
            slotOfRank[rank] = slot;
            if (graph.level(slot) >= 0) {
                rankOfSlot[slot] = rank;
            }
            rank++;
        }
        int entry = graph.entryNode();
        HEADER.write(out);
        out.writeInt(graph.m());
        out.writeInt(n);
        out.writeInt(entry >= 0 && entry < rankOfSlot.length ? rankOfSlot[entry] : -1);
        int[] kept = new int[graph.maxConn(0)];
        for (int r = 0; r < n; r++) {
            int slot = slotOfRank[r];
            int level = graph.level(slot);
            out.writeByte(level);
            for (int l = 0; l <= level; l++) {
                int count = 0;
                for (int i = 0; i < graph.neighborCount(l, slot); i++) {
                    int neighbor = graph.neighbor(l, slot, i);
                    if (rankOfSlot[neighbor] >= 0) {
                        kept[count++] = rankOfSlot[neighbor];
                    }
                }
                out.writeShort(count);
                for (int i = 0; i < count; i++) {
                    out.writeInt(kept[i]);
                }
            }
        }
    }

    /**
     * Reads an image into an empty graph over a store holding the same live records (by id).
     *
     * @return false, leaving the graph empty, when the image does not fit (other parameters or
     *     other records); the caller then links the records anew
     * @throws IOException on a short or malformed image
     */
    static boolean read(DataInput in, HnswGraph graph, SlotStore store) throws IOException {
        HEADER.read(in);
        int m = in.readInt();
        int n = in.readInt();
        int entry = in.readInt();
        if (graph.size() != 0 || m != graph.m() || n != store.size()) {
            return false;
        }
        int[] slotOfRank = new int[n];
        PrimitiveIterator.OfInt slots = store.slotsInIdOrder();
        for (int r = 0; r < n; r++) {
            slotOfRank[r] = slots.nextInt();
        }
        // Parse and check everything before touching the graph: a bad image loads nothing.
        int[][] links = new int[n][];
        for (int r = 0; r < n; r++) {
            int level = in.readByte();
            if (level < 0) {
                continue;
            }
            int[] node = new int[1 + (level + 1) * (1 + graph.maxConn(0))];
            node[0] = level;
            int at = 1;
            for (int l = 0; l <= level; l++) {
                int count = in.readShort();
                if (count < 0 || count > graph.maxConn(l)) {
                    throw new IOException(
                            "hnsw graph image: node "
                                    + r
                                    + " layer "
                                    + l
                                    + ": expected at most "
                                    + graph.maxConn(l)
                                    + " links, got "
                                    + count);
                }
                node[at++] = count;
                for (int i = 0; i < count; i++) {
                    int neighbor = in.readInt();
                    if (neighbor < 0 || neighbor >= n) {
                        throw new IOException(
                                "hnsw graph image: node "
                                        + r
                                        + ": expected links in 0.."
                                        + (n - 1)
                                        + ", got "
                                        + neighbor);
                    }
                    node[at++] = neighbor;
                }
            }
            links[r] = node;
        }
        if (entry >= n || (entry >= 0 && links[entry] == null)) {
            throw new IOException("hnsw graph image: entry " + entry + " is not a node");
        }
        graph.reserve(store.slotLimit());
        for (int r = 0; r < n; r++) {
            if (links[r] != null) {
                graph.addNode(slotOfRank[r], links[r][0]);
            }
        }
        int[] nodes = new int[graph.maxConn(0)];
        for (int r = 0; r < n; r++) {
            int[] node = links[r];
            if (node == null) {
                continue;
            }
            int slot = slotOfRank[r];
            int at = 1;
            for (int l = 0; l <= node[0]; l++) {
                int count = node[at++];
                for (int i = 0; i < count; i++) {
                    nodes[i] = slotOfRank[node[at++]];
                }
                graph.setNeighbors(l, slot, nodes, count);
            }
        }
        if (entry >= 0) {
            graph.setEntry(slotOfRank[entry]);
        }
        return true;
    }
}
