package io.vectaraft.index.hnsw;

import java.util.Arrays;

/**
 * A binary heap of (node, score) pairs packed into longs, as Lucene's {@code NeighborQueue}: the
 * score's order-preserving int bits in the high half, the node in the low half, so comparing two
 * longs compares scores and nothing is boxed or allocated per entry.
 *
 * <p>A max-queue keeps the best (highest) score on top (candidates to expand); a min-queue keeps
 * the worst on top (the bounded result set, whose top is the score to beat). Not thread-safe.
 */
final class NeighborQueue {
    private final boolean maxOnTop;
    private long[] heap;
    private int size;

    NeighborQueue(int initialCapacity, boolean maxOnTop) {
        this.heap = new long[Math.max(1, initialCapacity)];
        this.maxOnTop = maxOnTop;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    void add(int node, float score) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = encode(node, score);
        upHeap(size++);
    }

    /**
     * Adds when fewer than {@code capacity} entries are held, else replaces the top when the new
     * entry beats it (a min-queue bounded to the best {@code capacity}). Returns whether it was
     * kept.
     */
    boolean insertWithOverflow(int node, float score, int capacity) {
        if (size < capacity) {
            add(node, score);
            return true;
        }
        long e = encode(node, score);
        if (e <= heap[0]) {
            return false;
        }
        heap[0] = e;
        downHeap(0);
        return true;
    }

    int topNode() {
        return decodeNode(heap[0]);
    }

    float topScore() {
        return decodeScore(heap[0]);
    }

    /** Removes the top entry and returns its node. */
    int pop() {
        long top = heap[0];
        heap[0] = heap[--size];
        if (size > 0) {
            downHeap(0);
        }
        return decodeNode(top);
    }

    /** The node of entry i, in heap order (for draining in no particular order). */
    int nodeAt(int i) {
        return decodeNode(heap[i]);
    }

    float scoreAt(int i) {
        return decodeScore(heap[i]);
    }

    private long encode(int node, float score) {
        long e = ((long) sortableBits(score) << 32) | (node & 0xFFFFFFFFL);
        return maxOnTop ? ~e : e; // ~ reverses the order, so one min-heap serves both
    }

    private int decodeNode(long e) {
        return (int) (maxOnTop ? ~e : e);
    }

    private float decodeScore(long e) {
        int bits = (int) ((maxOnTop ? ~e : e) >>> 32);
        return Float.intBitsToFloat(bits ^ ((bits >> 31) & 0x7FFFFFFF));
    }

    /** Float bits whose signed-int order matches the float order (Lucene's sortableFloatBits). */
    private static int sortableBits(float score) {
        int bits = Float.floatToIntBits(score);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    private void upHeap(int i) {
        long e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= e) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    private void downHeap(int i) {
        long e = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= e) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = e;
    }
}
