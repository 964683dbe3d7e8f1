package io.vectaraft.index.flat;

/**
 * The slot of each live id: an open-addressing table of slots, each beside its id's hash, the id
 * itself read from the store's ids-by-slot array, so an id costs 11 to 21 bytes of table instead of
 * the 50-odd of a {@code HashMap<String, Integer>} entry (its node, its boxed slot and its bucket).
 * The stored hash lets a probe pass over other ids without reading them (each read of an id is a
 * cache miss), and lets the table grow and shift entries without them.
 *
 * <p>Linear probing over a power-of-two table at most three quarters full; a removal shifts the
 * entries of its probe run back (no tombstones), so lookups never slow down with churn. Hashes and
 * slots are two {@code int[]} rather than one {@code long[]}: half the size per array keeps a table
 * of 131,072 entries under half a 2 MiB G1 region, where one array of it was allocated as a
 * humongous object and took a whole region (26 more heap bytes per id measured at 60,000 ids). Not
 * thread-safe: the owning {@link SlotStore} is guarded by its collection's lock.
 */
final class SlotsById {
    private static final int EMPTY = 0; // slots are stored plus one
    private static final int MIN_CAPACITY = 16;

    private int[] hashes = new int[MIN_CAPACITY];
    private int[] slots = new int[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** The slot of {@code id}, or -1; {@code ids} is the store's ids-by-slot array. */
    int get(String id, String[] ids) {
        int i = find(id, ids);
        return slots[i] - 1;
    }

    /** Adds an id that is not present. */
    void add(String id, int slot) {
        if (4L * (size + 1) > 3L * slots.length) {
            grow();
        }
        insert(hash(id), slot + 1);
        size++;
    }

    /**
     * Removes {@code id} (still in {@code ids} at its slot); returns its slot, or -1 when absent.
     */
    int remove(String id, String[] ids) {
        int i = find(id, ids);
        if (slots[i] == EMPTY) {
            return -1;
        }
        int removed = slots[i] - 1;
        int mask = slots.length - 1;
        // Shift later entries of the run back into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                hashes[hole] = hashes[j];
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
        size--;
        return removed;
    }

    /** Bytes of the table (for memory reports). */
    long bytesUsed() {
        return 8L * slots.length;
    }

    /** Where {@code id} is, or the empty place that ends its probe run. */
    private int find(String id, String[] ids) {
        int hash = hash(id);
        int mask = slots.length - 1;
        int i = hash & mask;
        while (slots[i] != EMPTY && !(hashes[i] == hash && id.equals(ids[slots[i] - 1]))) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void insert(int hash, int storedSlot) {
        int mask = slots.length - 1;
        int i = hash & mask;
        while (slots[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        hashes[i] = hash;
        slots[i] = storedSlot;
    }

    private void grow() {
        int[] oldHashes = hashes;
        int[] oldSlots = slots;
        hashes = new int[oldSlots.length * 2];
        slots = new int[oldSlots.length * 2];
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != EMPTY) {
                insert(oldHashes[i], oldSlots[i]);
            }
        }
    }

    /** String's cached hash, its bits spread (Fibonacci), so that the low bits pick a home. */
    private static int hash(String id) {
        int h = id.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
