package io.vectaraft.index.flat;

import java.util.Arrays;

/**
 * The slot of each live id: an open-addressing table of slots whose keys are read from the store's
 * ids-by-slot array, so an id costs 4 to 8 bytes of table instead of the 50-odd of a {@code
 * HashMap<String, Integer>} entry (its node, its boxed slot and its bucket).
 *
 * <p>Linear probing over a power-of-two table at most half full; a removal shifts the entries of
 * its probe run back (no tombstones), so lookups never slow down with churn. Not thread-safe: the
 * owning {@link SlotStore} is guarded by its collection's lock.
 */
final class SlotsById {
    private static final int EMPTY = -1;
    private static final int MIN_CAPACITY = 16;

    private int[] table = newTable(MIN_CAPACITY);
    private int size;

    int size() {
        return size;
    }

    /** The slot of {@code id}, or -1; {@code ids} is the store's ids-by-slot array. */
    int get(String id, String[] ids) {
        int mask = table.length - 1;
        for (int i = home(id, mask); ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == EMPTY || id.equals(ids[slot])) {
                return slot;
            }
        }
    }

    /** Adds an id that is not present, whose slot already holds it in {@code ids}. */
    void add(String id, int slot, String[] ids) {
        if (2 * (size + 1) > table.length) {
            grow(ids);
        }
        insert(id, slot);
        size++;
    }

    /**
     * Removes {@code id} (still in {@code ids} at its slot); returns its slot, or -1 when absent.
     */
    int remove(String id, String[] ids) {
        int mask = table.length - 1;
        int i = home(id, mask);
        while (table[i] != EMPTY && !id.equals(ids[table[i]])) {
            i = (i + 1) & mask;
        }
        int removed = table[i];
        if (removed == EMPTY) {
            return EMPTY;
        }
        // Shift later entries of the run back into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(ids[table[j]], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = EMPTY;
        size--;
        return removed;
    }

    /** Bytes of the table (for memory reports). */
    long bytesUsed() {
        return 4L * table.length;
    }

    private void insert(String id, int slot) {
        int mask = table.length - 1;
        int i = home(id, mask);
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
    }

    private void grow(String[] ids) {
        int[] old = table;
        table = newTable(old.length * 2);
        for (int slot : old) {
            if (slot != EMPTY) {
                insert(ids[slot], slot);
            }
        }
    }

    /** Where an id's probe run starts: String's cached hash, its bits spread (Fibonacci). */
    private static int home(String id, int mask) {
        int h = id.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private static int[] newTable(int capacity) {
        int[] table = new int[capacity];
        Arrays.fill(table, EMPTY);
        return table;
    }
}
