package io.vectaraft.index.field;

import java.util.Arrays;

/**
 * The slots holding one value of a field index: a short unsorted list while few, a bitset once
 * many. A bitset per value would cost {@code slots/8} bytes even for a value one record holds (a
 * keyword index on unique ids would need gigabytes); a list costs a linear scan per removal, which
 * stays cheap up to {@link #LIST_MAX} entries.
 *
 * <p>Not thread-safe: changed under the collection's write lock, read under its read lock.
 */
final class Postings {
    /** Entries beyond which the list becomes a bitset. */
    static final int LIST_MAX = 256;

    private int[] list = new int[4];
    private long[] bits;
    private int size;

    int size() {
        return size;
    }

    void add(int slot) {
        if (bits != null) {
            int w = slot >>> 6;
            if (w >= bits.length) {
                bits = Arrays.copyOf(bits, Math.max(w + 1, bits.length * 2));
            }
            if ((bits[w] & (1L << slot)) == 0) {
                bits[w] |= 1L << slot;
                size++;
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            if (list[i] == slot) {
                return;
            }
        }
        if (size == LIST_MAX) {
            toBits();
            add(slot);
            return;
        }
        if (size == list.length) {
            list = Arrays.copyOf(list, size * 2);
        }
        list[size++] = slot;
    }

    void remove(int slot) {
        if (bits != null) {
            int w = slot >>> 6;
            if (w < bits.length && (bits[w] & (1L << slot)) != 0) {
                bits[w] &= ~(1L << slot);
                size--;
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            if (list[i] == slot) {
                list[i] = list[--size];
                return;
            }
        }
    }

    /** Sets this value's slots in {@code out} (slots beyond its length are dropped). */
    void orInto(long[] out) {
        if (bits != null) {
            int n = Math.min(bits.length, out.length);
            for (int w = 0; w < n; w++) {
                out[w] |= bits[w];
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            int s = list[i];
            if ((s >>> 6) < out.length) {
                out[s >>> 6] |= 1L << s;
            }
        }
    }

    long bytes() {
        return bits != null ? 16L + 8L * bits.length : 16L + 4L * list.length;
    }

    private void toBits() {
        int max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, list[i]);
        }
        bits = new long[(max >>> 6) + 1];
        for (int i = 0; i < size; i++) {
            bits[list[i] >>> 6] |= 1L << list[i];
        }
        list = null;
    }
}
