package io.vectaraft.index.field;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import io.vectaraft.index.flat.SlotStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Evaluates a filter to the bitset of matching live slots, using field indexes where they are
 * built: a condition on an indexed key becomes the union of postings (plus a per-record check of
 * the few slots whose value is of another kind than the index's), {@code and}/{@code or}/{@code
 * not} become bitset intersection, union and difference, and a condition on an unindexed key is
 * checked record by record, but only within the slots still in question: {@code and} evaluates its
 * cheapest children first (by the indexes' posting sizes), so a selective indexed condition leaves
 * few records for the unindexed ones to check.
 *
 * <p>Every evaluation works inside a <i>domain</i>: the result is the slots of the domain that
 * match. Exactly the semantics of {@link FilterMatcher}, which the tests check on random data.
 */
public final class IndexedFilter {
    private final SlotStore store;
    private final FieldIndexes indexes;

    private IndexedFilter(SlotStore store, FieldIndexes indexes) {
        this.store = store;
        this.indexes = indexes;
    }

    /**
     * The live slots matching the filter, as a fresh bitset (the store's own live bitset, shared,
     * when the filter is null). Under the collection's read or write lock.
     *
     * @param indexes the collection's field indexes, or null for none
     */
    public static long[] matching(SlotStore store, FieldIndexes indexes, Filter filter) {
        long[] live = store.liveBits();
        if (filter == null) {
            return live;
        }
        return new IndexedFilter(store, indexes).eval(filter, live.clone());
    }

    /** The slots of {@code domain} that match; may reuse {@code domain} as the result. */
    private long[] eval(Filter f, long[] domain) {
        return switch (f) {
            case Filter.Condition c -> condition(c, domain);
            case Filter.And and -> {
                long[] d = domain;
                for (Filter child : cheapestFirst(and.filters())) {
                    d = eval(child, d);
                    if (isEmpty(d)) {
                        break;
                    }
                }
                yield d;
            }
            case Filter.Or or -> {
                long[] acc = new long[domain.length];
                for (Filter child : cheapestFirst(or.filters())) {
                    // only slots no earlier child took are still in question
                    long[] rest = andNot(domain.clone(), acc);
                    if (isEmpty(rest)) {
                        break;
                    }
                    or(acc, eval(child, rest));
                }
                yield acc;
            }
            case Filter.Not not -> andNot(domain.clone(), eval(not.filter(), domain.clone()));
        };
    }

    private List<Filter> cheapestFirst(List<Filter> children) {
        if (children.size() < 2) {
            return children;
        }
        List<Filter> sorted = new ArrayList<>(children);
        sorted.sort(Comparator.comparingLong(this::estimate));
        return sorted;
    }

    /**
     * An estimate of a child's cost and size: posting sizes for an indexed condition, otherwise the
     * collection's size (a per-record check), larger for nested trees, which may hold such.
     */
    private long estimate(Filter f) {
        if (f instanceof Filter.Condition c) {
            FieldIndex ix = indexes == null ? null : indexes.ready(c.key());
            return ix != null && ix.answers(c) ? ix.estimate(c) : store.slotLimit() + 1L;
        }
        return store.slotLimit() + 2L;
    }

    private long[] condition(Filter.Condition c, long[] domain) {
        FieldIndex ix = indexes == null ? null : indexes.ready(c.key());
        if (ix == null || !ix.answers(c)) {
            return check(c, domain, domain);
        }
        return switch (c.op()) {
            case EXISTS -> {
                boolean wanted = !(c.value() instanceof MetadataValue.Bool b) || b.value();
                yield wanted ? and(domain, ix.present()) : andNot(domain, ix.present());
            }
            case EQ, IN -> equal(ix, c, domain);
            case NE, NIN -> {
                long[] present = and(domain.clone(), ix.present());
                yield andNot(present, equal(ix, positive(c), domain.clone()));
            }
            case GT, GTE, LT, LTE -> {
                long[] hits = new long[domain.length];
                ix.orRange(c.op(), c.value(), hits);
                yield others(ix, c, domain, hits);
            }
        };
    }

    /** The domain's slots whose value equals an operand of an EQ/IN condition. */
    private long[] equal(FieldIndex ix, Filter.Condition c, long[] domain) {
        long[] hits = new long[domain.length];
        for (MetadataValue v : FieldIndex.operands(c)) {
            ix.orEquals(v, hits);
        }
        return others(ix, c, domain, hits);
    }

    /** {@code hits ∩ domain}, plus the domain's slots of another kind that match when checked. */
    private long[] others(FieldIndex ix, Filter.Condition c, long[] domain, long[] hits) {
        and(hits, domain);
        if (ix.othersCount() > 0) {
            long[] unheld = and(domain.clone(), ix.others());
            or(hits, check(c, unheld, unheld));
        }
        return hits;
    }

    /** EQ for NE, IN for NIN. */
    private static Filter.Condition positive(Filter.Condition c) {
        return new Filter.Condition(
                c.key(),
                c.op() == Filter.Op.NE ? Filter.Op.EQ : Filter.Op.IN,
                c.value(),
                c.values());
    }

    /**
     * Checks each slot of {@code domain} against the condition, writing the result to {@code out}.
     */
    private long[] check(Filter.Condition c, long[] domain, long[] out) {
        for (int w = 0; w < domain.length; w++) {
            long bits = domain[w];
            long matched = 0;
            while (bits != 0) {
                long lowest = bits & -bits;
                int slot = (w << 6) + Long.numberOfTrailingZeros(bits);
                if (FilterMatcher.matches(c, store.metadata(slot))) {
                    matched |= lowest;
                }
                bits ^= lowest;
            }
            out[w] = matched;
        }
        return out;
    }

    /** {@code a &= b} (words beyond b's length cleared); returns a. */
    private static long[] and(long[] a, long[] b) {
        for (int w = 0; w < a.length; w++) {
            a[w] &= w < b.length ? b[w] : 0;
        }
        return a;
    }

    /** {@code a &= ~b}; returns a. */
    private static long[] andNot(long[] a, long[] b) {
        int n = Math.min(a.length, b.length);
        for (int w = 0; w < n; w++) {
            a[w] &= ~b[w];
        }
        return a;
    }

    private static void or(long[] a, long[] b) {
        int n = Math.min(a.length, b.length);
        for (int w = 0; w < n; w++) {
            a[w] |= b[w];
        }
    }

    private static boolean isEmpty(long[] bits) {
        for (long w : bits) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }
}
