package io.vectaraft.index.flat;

/**
 * The slot of each live id: an open-addressing table whose entries pack an id's hash with its slot,
 * the id itself read from the store's ids-by-slot array, so an id costs 11 to 21 bytes of table
 * instead of the 50-odd of a {@code HashMap<String, Integer>} entry (its node, its boxed slot and
 * its bucket). The stored hash lets a probe pass over other ids without reading them (each read of
 * an id is a cache miss), and lets the table grow and shift entries without them.
 *
 * <p>Linear probing over a power-of-two table at most three quarters full; a removal shifts the
 * entries of its probe run back (no tombstones), so lookups never slow down with churn. Not
 * thread-safe: the owning {@link SlotStore} is guarded by its collection's lock.
 */
final class SlotsById {
    private static final long EMPTY = 0; // an entry is (hash << 32) | (slot + 1), never 0
    private static final int MIN_CAPACITY = 16;

    private long[] table = new long[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** The slot of {@code id}, or -1; {@code ids} is the store's ids-by-slot array. */
    int get(String id, String[] ids) {
        int hash = hash(id);
        int mask = table.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long entry = table[i];
            if (entry == EMPTY) {
                return -1;
            }
            if (hashOf(entry) == hash && id.equals(ids[slotOf(entry)])) {
                return slotOf(entry);
            }
        }
    }

    /** Adds an id that is not present. */
    void add(String id, int slot) {
        if (4L * (size + 1) > 3L * table.length) {
            grow();
        }
        insert(((long) hash(id) << 32) | (slot + 1L));
        size++;
    }

    /**
     * Removes {@code id} (still in {@code ids} at its slot); returns its slot, or -1 when absent.
     */
    int remove(String id, String[] ids) {
        int hash = hash(id);
        int mask = table.length - 1;
        int i = hash & mask;
        while (table[i] != EMPTY
                && !(hashOf(table[i]) == hash && id.equals(ids[slotOf(table[i])]))) {
            i = (i + 1) & mask;
        }
        if (table[i] == EMPTY) {
            return -1;
        }
        int removed = slotOf(table[i]);
        // Shift later entries of the run back into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int home = hashOf(table[j]) & mask;
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
        return 8L * table.length;
    }

    private void insert(long entry) {
        int mask = table.length - 1;
        int i = hashOf(entry) & mask;
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = entry;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        for (long entry : old) {
            if (entry != EMPTY) {
                insert(entry);
            }
        }
    }

    /** String's cached hash, its bits spread (Fibonacci), so that the low bits pick a home. */
    private static int hash(String id) {
        int h = id.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static int hashOf(long entry) {
        return (int) (entry >>> 32);
    }

    private static int slotOf(long entry) {
        return (int) entry - 1;
    }
}
