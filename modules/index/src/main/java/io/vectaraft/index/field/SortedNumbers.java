package io.vectaraft.index.field;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.FilterMatcher;
import java.util.Arrays;

/**
 * The (value, slot) pairs of a numeric field index, in numeric order, so that a range costs two
 * binary searches and a run over consecutive slots: the slots of half of 100,000 random integers
 * are one sequential run, where a map from each distinct value to its postings made it ~50,000
 * entry visits, each a few cache misses. Lucene's points answer ranges the same way.
 *
 * <p>A value is a {@code long} key: an integer index keeps the integer; a float index keeps the
 * double's order-preserving bits (Lucene's sortable encoding; -0.0 stored as 0.0, which the filter
 * treats as equal), so key order is numeric order, and equal numbers share a key.
 *
 * <p>Pairs live in two sorted runs, both ordered by (key, slot): the <i>main</i> run, whose removed
 * entries are only marked ({@code dead}, by position), and a small <i>recent</i> run that takes
 * inserts by a binary search and a shift. When the recent run outgrows {@link #recentLimit} or a
 * quarter of the main run is dead, both merge into a new main run: inserts cost {@code O(sqrt n)}
 * amortized, a range query looks at both runs. A bulk load ({@link #append} then {@link
 * #finishAppends}) sorts once and merges once.
 *
 * <p>Not thread-safe: changed under the collection's write lock, read under its read lock (reads
 * never reorganize).
 */
final class SortedNumbers {
    private static final long[] NO_KEYS = new long[0];
    private static final int[] NO_SLOTS = new int[0];

    private final boolean doubles;
    private long[] keys = NO_KEYS;
    private int[] slots = NO_SLOTS;
    private int size;
    private long[] dead = new long[1];
    private int deadCount;
    private long[] recentKeys = new long[16];
    private int[] recentSlots = new int[16];
    private int recentSize;
    private boolean appending;

    /**
     * @param doubles whether keys encode doubles (a float index) rather than longs
     */
    SortedNumbers(boolean doubles) {
        this.doubles = doubles;
    }

    /** The key of a held number (an Int, or under a float index a non-NaN Real or exact Int). */
    long key(MetadataValue v) {
        return switch (v) {
            case MetadataValue.Int i -> doubles ? sortable(i.value()) : i.value();
            case MetadataValue.Real r -> sortable(r.value());
            default -> throw new IllegalArgumentException("not a number: " + v);
        };
    }

    /** Pairs held. */
    int size() {
        return size - deadCount + recentSize;
    }

    /** Inserts a pair (not already held). */
    void add(long key, int slot) {
        if (appending) {
            growRecent();
            recentKeys[recentSize] = key;
            recentSlots[recentSize++] = slot;
            return;
        }
        int at = -1 - find(recentKeys, recentSlots, recentSize, key, slot);
        if (at < 0) {
            return; // held already
        }
        growRecent();
        System.arraycopy(recentKeys, at, recentKeys, at + 1, recentSize - at);
        System.arraycopy(recentSlots, at, recentSlots, at + 1, recentSize - at);
        recentKeys[at] = key;
        recentSlots[at] = slot;
        recentSize++;
        if (recentSize > recentLimit()) {
            merge();
        }
    }

    /** Removes a pair if held. */
    void remove(long key, int slot) {
        finishAppends();
        int at = find(recentKeys, recentSlots, recentSize, key, slot);
        if (at >= 0) {
            System.arraycopy(recentKeys, at + 1, recentKeys, at, recentSize - at - 1);
            System.arraycopy(recentSlots, at + 1, recentSlots, at, recentSize - at - 1);
            recentSize--;
            return;
        }
        at = find(keys, slots, size, key, slot);
        if (at >= 0 && (dead[at >>> 6] & (1L << at)) == 0) {
            dead[at >>> 6] |= 1L << at;
            deadCount++;
            if (deadCount * 4L > size) {
                merge();
            }
        }
    }

    /** Starts a bulk load: {@link #add} appends unsorted until {@link #finishAppends}. */
    void startAppends() {
        appending = true;
    }

    /** Ends a bulk load: sorts what was appended and merges it in. */
    void finishAppends() {
        if (!appending) {
            return;
        }
        appending = false;
        sort(recentKeys, recentSlots, recentSize);
        merge();
    }

    /**
     * Sets in {@code out} the slots whose number compares to the operand as asked: with {@code
     * below}, those less than it (or equal with {@code orEqual}); else those greater (or equal).
     * The operand is a non-NaN number.
     */
    void orRange(boolean below, boolean orEqual, MetadataValue operand, long[] out) {
        // below: [0, first key above (or not below) the operand); above: the rest from there
        boolean strict = below == orEqual;
        int m = firstAbove(keys, size, operand, strict);
        int r = firstAbove(recentKeys, recentSize, operand, strict);
        if (below) {
            run(keys, slots, 0, m, true, out);
            run(recentKeys, recentSlots, 0, r, false, out);
        } else {
            run(keys, slots, m, size, true, out);
            run(recentKeys, recentSlots, r, recentSize, false, out);
        }
    }

    /** Sets in {@code out} the slots whose number equals the operand (a non-NaN number). */
    void orEquals(MetadataValue operand, long[] out) {
        run(
                keys,
                slots,
                firstAbove(keys, size, operand, false),
                firstAbove(keys, size, operand, true),
                true,
                out);
        run(
                recentKeys,
                recentSlots,
                firstAbove(recentKeys, recentSize, operand, false),
                firstAbove(recentKeys, recentSize, operand, true),
                false,
                out);
    }

    /** About how many pairs a range holds (dead ones counted): for ordering an {@code and}. */
    long countRange(boolean below, boolean orEqual, MetadataValue operand) {
        boolean strict = below == orEqual;
        int m = firstAbove(keys, size, operand, strict);
        int r = firstAbove(recentKeys, recentSize, operand, strict);
        return below ? m + r : (size - m) + (recentSize - r);
    }

    /** About how many pairs equal the operand (dead ones counted). */
    long countEquals(MetadataValue operand) {
        return firstAbove(keys, size, operand, true)
                - firstAbove(keys, size, operand, false)
                + firstAbove(recentKeys, recentSize, operand, true)
                - firstAbove(recentKeys, recentSize, operand, false);
    }

    /** The number of distinct numbers held (a walk over both runs). */
    long distinct() {
        long n = 0;
        boolean any = false;
        long last = 0;
        int i = 0;
        int j = 0;
        while (true) {
            while (i < size && (dead[i >>> 6] & (1L << i)) != 0) {
                i++;
            }
            long k;
            if (i < size && (j >= recentSize || keys[i] <= recentKeys[j])) {
                k = keys[i++];
            } else if (j < recentSize) {
                k = recentKeys[j++];
            } else {
                return n;
            }
            if (!any || k != last) {
                n++;
                any = true;
                last = k;
            }
        }
    }

    long bytes() {
        return 12L * (keys.length + recentKeys.length) + 8L * dead.length;
    }

    /** The index of the first key in {@code [0, n)} above the operand (strict) or not below it. */
    private int firstAbove(long[] k, int n, MetadataValue operand, boolean strict) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(k[mid], operand);
            if (c > 0 || (c == 0 && !strict)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The filter's exact order of a key's number against a number operand. */
    private int compare(long key, MetadataValue operand) {
        MetadataValue v =
                doubles ? new MetadataValue.Real(fromSortable(key)) : new MetadataValue.Int(key);
        return FilterMatcher.compareNumbers(v, operand);
    }

    private void run(long[] k, int[] s, int from, int to, boolean main, long[] out) {
        boolean skipDead = main && deadCount > 0;
        for (int i = from; i < to; i++) {
            if (skipDead && (dead[i >>> 6] & (1L << i)) != 0) {
                continue;
            }
            int slot = s[i];
            if ((slot >>> 6) < out.length) {
                out[slot >>> 6] |= 1L << slot;
            }
        }
    }

    /** Past this many, the recent run merges into the main one: about 4 * sqrt(main). */
    private int recentLimit() {
        return Math.max(256, 4 * (int) Math.sqrt(size));
    }

    /** Merges the live main entries and the recent run into a new main run. */
    private void merge() {
        int n = size - deadCount + recentSize;
        long[] k = new long[n];
        int[] s = new int[n];
        int i = 0;
        int j = 0;
        int o = 0;
        while (o < n) {
            while (i < size && (dead[i >>> 6] & (1L << i)) != 0) {
                i++;
            }
            if (i < size
                    && (j >= recentSize
                            || keys[i] < recentKeys[j]
                            || (keys[i] == recentKeys[j] && slots[i] < recentSlots[j]))) {
                k[o] = keys[i];
                s[o++] = slots[i++];
            } else {
                k[o] = recentKeys[j];
                s[o++] = recentSlots[j++];
            }
        }
        keys = k;
        slots = s;
        size = n;
        dead = new long[(n >>> 6) + 1];
        deadCount = 0;
        recentSize = 0;
        if (recentKeys.length > 4 * recentLimit()) {
            recentKeys = new long[16];
            recentSlots = new int[16];
        }
    }

    private void growRecent() {
        if (recentSize == recentKeys.length) {
            recentKeys = Arrays.copyOf(recentKeys, recentSize * 2);
            recentSlots = Arrays.copyOf(recentSlots, recentSize * 2);
        }
    }

    /** Binary search for (key, slot): its index, or {@code -1 - insertion point}. */
    private static int find(long[] k, int[] s, int n, long key, int slot) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = k[mid] != key ? Long.compare(k[mid], key) : Integer.compare(s[mid], slot);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1 - lo;
    }

    /** Sorts n (key, slot) pairs by key, then slot: a bottom-up merge sort on the two arrays. */
    private static void sort(long[] k, int[] s, int n) {
        long[] k2 = new long[n];
        int[] s2 = new int[n];
        long[] fromK = k;
        int[] fromS = s;
        long[] toK = k2;
        int[] toS = s2;
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int a = lo;
                int b = mid;
                for (int o = lo; o < hi; o++) {
                    if (a < mid
                            && (b >= hi
                                    || fromK[a] < fromK[b]
                                    || (fromK[a] == fromK[b] && fromS[a] <= fromS[b]))) {
                        toK[o] = fromK[a];
                        toS[o] = fromS[a++];
                    } else {
                        toK[o] = fromK[b];
                        toS[o] = fromS[b++];
                    }
                }
            }
            long[] tk = fromK;
            fromK = toK;
            toK = tk;
            int[] ts = fromS;
            fromS = toS;
            toS = ts;
        }
        if (fromK != k) {
            System.arraycopy(fromK, 0, k, 0, n);
            System.arraycopy(fromS, 0, s, 0, n);
        }
    }

    /** Order-preserving bits of a double (as Lucene's NumericUtils); -0.0 as 0.0. */
    static long sortable(double d) {
        long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
        return bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
    }

    static double fromSortable(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & 0x7fffffffffffffffL));
    }
}
