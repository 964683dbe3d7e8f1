package io.vectaraft.index.flat;

import io.vectaraft.index.filter.Filter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The candidate bitsets of the most recently used filters of one collection, valid for one state of
 * one store: evaluating a filter walks every record's metadata map, which costs more than an exact
 * scan of short vectors, while clients tend to repeat the same few filters. A write changes the
 * store's {@link SlotStore#version()} and so invalidates every entry.
 *
 * <p>Thread-safe. Cached bitsets are shared: callers must not modify them.
 */
public final class FilterCache {
    private static final int ENTRIES = 16;

    private record Cached(SlotStore store, long version, long[] bits) {}

    private final Map<Filter, Cached> entries =
            new LinkedHashMap<>(ENTRIES * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Filter, Cached> eldest) {
                    return size() > ENTRIES;
                }
            };

    /**
     * {@link CandidateBits#matching}, cached. Call with the store's lock held (read or write), so
     * that its version cannot change during the call.
     */
    public long[] matching(SlotStore store, Filter filter) {
        return matching(store, filter, CandidateBits::matching);
    }

    /** How a filter becomes a bitset (with or without field indexes). */
    @FunctionalInterface
    public interface Evaluator {
        long[] matching(SlotStore store, Filter filter);
    }

    /** {@link #matching(SlotStore, Filter)} with another evaluator (the field indexes'). */
    public long[] matching(SlotStore store, Filter filter, Evaluator evaluator) {
        if (filter == null) {
            return store.liveBits();
        }
        synchronized (entries) {
            Cached e = entries.get(filter);
            if (e != null && e.store() == store && e.version() == store.version()) {
                return e.bits();
            }
        }
        // Evaluated outside the monitor: concurrent readers may both compute; either result is
        // right.
        long[] bits = evaluator.matching(store, filter);
        synchronized (entries) {
            entries.put(filter, new Cached(store, store.version(), bits));
        }
        return bits;
    }
}
