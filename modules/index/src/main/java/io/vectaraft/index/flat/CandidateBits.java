package io.vectaraft.index.flat;

import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;

/**
 * The slots a query may return, as a bitset: evaluated once per query (or batch) so that the scan
 * loop tests a bit instead of walking metadata maps and boxed values per candidate.
 */
public final class CandidateBits {
    private CandidateBits() {}

    /**
     * The live slots whose metadata matches the filter. With a null filter this is the store's own
     * live bitset (shared, not copied: callers must not modify it).
     */
    public static long[] matching(SlotStore store, Filter filter) {
        long[] live = store.liveBits();
        if (filter == null) {
            return live;
        }
        long[] out = new long[live.length];
        for (int w = 0; w < live.length; w++) {
            long bits = live[w];
            long matched = 0;
            while (bits != 0) {
                long lowest = bits & -bits;
                int slot = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (FilterMatcher.matches(filter, store.metadata(slot))) {
                    matched |= lowest;
                }
                bits ^= lowest;
            }
            out[w] = matched;
        }
        return out;
    }

    /** The number of set bits. */
    public static long count(long[] bits) {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }
}
