package io.vectaraft.bench;

import java.util.Arrays;

/**
 * The k smallest costs seen so far (cost = distance, or minus a similarity), as a binary max-heap
 * on primitive arrays: most candidates fail the one comparison against the root, and nothing is
 * allocated per candidate. Reusable through {@link #clear}.
 */
final class TopK {
    private final int k;
    private final float[] costs;
    private final int[] ids;
    private int size;

    TopK(int k) {
        this.k = k;
        this.costs = new float[k];
        this.ids = new int[k];
    }

    void clear() {
        size = 0;
    }

    /** The cost a candidate must beat to enter, +inf until full. */
    float bound() {
        return size < k ? Float.POSITIVE_INFINITY : costs[0];
    }

    void offer(int id, float cost) {
        if (size < k) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(cost, id, costs[parent], ids[parent])) {
                    break;
                }
                costs[i] = costs[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            costs[i] = cost;
            ids[i] = id;
        } else if (worse(costs[0], ids[0], cost, id)) {
            siftDownFromRoot(id, cost);
        }
    }

    /** Merges another heap's contents into this one. */
    void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.ids[i], other.costs[i]);
        }
    }

    /** The ids, best first (ties by smaller id), into {@code out}; returns how many. */
    int drainSorted(int[] out) {
        long[] packed = new long[size];
        for (int i = 0; i < size; i++) {
            packed[i] = ((long) sortableBits(costs[i]) << 32) | (ids[i] & 0xffffffffL);
        }
        Arrays.sort(packed);
        for (int i = 0; i < packed.length; i++) {
            out[i] = (int) packed[i];
        }
        int n = size;
        size = 0;
        return n;
    }

    private void siftDownFromRoot(int id, float cost) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size
                    && worse(costs[child + 1], ids[child + 1], costs[child], ids[child])) {
                child++;
            }
            if (!worse(costs[child], ids[child], cost, id)) {
                break;
            }
            costs[i] = costs[child];
            ids[i] = ids[child];
            i = child;
        }
        costs[i] = cost;
        ids[i] = id;
    }

    private static boolean worse(float c1, int id1, float c2, int id2) {
        return c1 > c2 || (c1 == c2 && id1 > id2);
    }

    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
