package io.vectaraft.index.flat;

import io.vectaraft.index.Ids;

/**
 * The k best (score, slot) pairs seen so far: a bounded binary heap on two primitive arrays with
 * the worst kept entry at the root, so a candidate that does not beat the root is rejected with one
 * comparison and nothing is allocated per candidate.
 *
 * <p>Higher scores are better (callers negate distances). Equal scores are ordered by id ascending
 * in UTF-8 order; ids are looked up only on exact ties. Not thread-safe: one per scanning thread.
 */
public final class TopK {
    private final int k;
    private final String[] idsBySlot;
    private final float[] scores;
    private final int[] slots;
    private int size;
    private long visited;

    /**
     * @param idsBySlot the id of every slot, for tie-breaks; must not change while in use
     */
    public TopK(int k, String[] idsBySlot) {
        this.k = k;
        this.idsBySlot = idsBySlot;
        this.scores = new float[k];
        this.slots = new int[k];
    }

    public int size() {
        return size;
    }

    /**
     * The score a candidate must reach to enter: the worst kept score once full, else negative
     * infinity. A cheap check before {@link #offer} in hot loops.
     */
    public float bound() {
        return size < k ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** Offers a candidate; a NaN score is treated as the worst possible. */
    public void offer(float score, int slot) {
        if (score != score) {
            score = Float.NEGATIVE_INFINITY;
        }
        if (size < k) {
            scores[size] = score;
            slots[size] = slot;
            siftUp(size++);
        } else if (score > scores[0] || (score == scores[0] && idBefore(slot, slots[0]))) {
            scores[0] = score;
            slots[0] = slot;
            siftDown(0);
        }
    }

    /** Offers every entry of another heap (to merge the results of parallel parts). */
    public void addAll(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.scores[i], other.slots[i]);
        }
        visited += other.visited;
    }

    /**
     * How many stored vectors the search that filled this heap compared with its query (as Lucene's
     * {@code visitedCount}): the candidates of a scan, the nodes a graph search scored.
     */
    public long visited() {
        return visited;
    }

    /** Adds to {@link #visited()}. */
    public void addVisited(long vectors) {
        visited += vectors;
    }

    /**
     * Empties the heap into arrays ordered best first; returns how many entries were written.
     *
     * @param outSlots receives the slots, at least {@link #size()} long
     * @param outScores receives the scores, at least {@link #size()} long
     */
    public int drainBestFirst(int[] outSlots, float[] outScores) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            outSlots[i] = slots[0];
            outScores[i] = scores[0];
            size--;
            if (size > 0) {
                scores[0] = scores[size];
                slots[0] = slots[size];
                siftDown(0);
            }
        }
        return n;
    }

    /** Whether entry i is worse than entry j (lower score, or equal score and later id). */
    private boolean worse(int i, int j) {
        return scores[i] < scores[j] || (scores[i] == scores[j] && idBefore(slots[j], slots[i]));
    }

    private boolean idBefore(int slotA, int slotB) {
        return Ids.compareUtf8(idsBySlot[slotA], idsBySlot[slotB]) < 0;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(right, left)) {
                worst = right;
            }
            if (!worse(worst, i)) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int i, int j) {
        float s = scores[i];
        scores[i] = scores[j];
        scores[j] = s;
        int t = slots[i];
        slots[i] = slots[j];
        slots[j] = t;
    }
}
