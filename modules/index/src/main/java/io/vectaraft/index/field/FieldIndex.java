package io.vectaraft.index.field;

import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.filter.FilterMatcher;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The postings of one metadata key: for each value of the index's kind, the slots holding it
 * (keyword and bool: a hash of values; integer and float: values in exact numeric order, so a range
 * is a walk over a sub-map). Besides, every slot that has the key at all ({@code present}) and the
 * slots whose value is of another kind ({@code others}: a number under a keyword index, a NaN, a
 * double under an integer index), which a filter checks one by one, so answers stay exact whatever
 * the records hold.
 *
 * <p>Not thread-safe: changed under the collection's write lock, read under its read lock.
 */
final class FieldIndex {
    private final FieldIndexSpec spec;
    private final Map<Object, Postings> hashed; // keyword: String; bool: Boolean
    private final NavigableMap<MetadataValue, Postings> ordered; // integer, float
    private long[] present = new long[1];
    private long[] others = new long[1];
    private int presentCount;
    private int othersCount;

    FieldIndex(FieldIndexSpec spec) {
        this.spec = spec;
        boolean numeric =
                spec.type() == FieldIndexSpec.Type.INTEGER
                        || spec.type() == FieldIndexSpec.Type.FLOAT;
        this.hashed = numeric ? null : new HashMap<>();
        this.ordered = numeric ? new TreeMap<>(FilterMatcher::compareNumbers) : null;
    }

    FieldIndexSpec spec() {
        return spec;
    }

    /** Records with a value this index holds. */
    long records() {
        return presentCount - othersCount;
    }

    long distinctValues() {
        return hashed != null ? hashed.size() : ordered.size();
    }

    long bytes() {
        long b = 8L * (present.length + others.length);
        for (Postings p : hashed != null ? hashed.values() : ordered.values()) {
            b += 48 + p.bytes();
        }
        return b;
    }

    /** Indexes one slot's value under this key (null: the record lacks the key). */
    void add(int slot, MetadataValue value) {
        if (value == null) {
            return;
        }
        present = set(present, slot);
        presentCount++;
        if (!holds(value)) {
            others = set(others, slot);
            othersCount++;
            return;
        }
        switch (value) {
            case MetadataValue.Text t -> posting(t.value()).add(slot);
            case MetadataValue.TextList l -> {
                for (String s : l.values()) {
                    posting(s).add(slot);
                }
            }
            case MetadataValue.Bool b -> posting(b.value()).add(slot);
            case MetadataValue.Int i ->
                    ordered.computeIfAbsent(key(i), k -> new Postings()).add(slot);
            case MetadataValue.Real r ->
                    ordered.computeIfAbsent(key(r), k -> new Postings()).add(slot);
        }
    }

    /** Removes what {@link #add} indexed for this slot and value. */
    void remove(int slot, MetadataValue value) {
        if (value == null) {
            return;
        }
        present[slot >>> 6] &= ~(1L << slot);
        presentCount--;
        if (!holds(value)) {
            others[slot >>> 6] &= ~(1L << slot);
            othersCount--;
            return;
        }
        switch (value) {
            case MetadataValue.Text t -> unpost(hashed, t.value(), slot);
            case MetadataValue.TextList l -> {
                for (String s : l.values()) {
                    unpost(hashed, s, slot);
                }
            }
            case MetadataValue.Bool b -> unpost(hashed, b.value(), slot);
            case MetadataValue.Int i -> unpost(ordered, key(i), slot);
            case MetadataValue.Real r -> unpost(ordered, key(r), slot);
        }
    }

    private static <K> void unpost(Map<K, Postings> map, K key, int slot) {
        Postings p = map.get(key);
        if (p != null) {
            p.remove(slot);
            if (p.size() == 0) {
                map.remove(key);
            }
        }
    }

    /** Real -0.0 and 0.0 compare equal; one key for both keeps the map's keys distinct. */
    private static MetadataValue key(MetadataValue v) {
        return v instanceof MetadataValue.Real r && r.value() == 0.0
                ? new MetadataValue.Real(0.0)
                : v;
    }

    private Postings posting(Object value) {
        return hashed.computeIfAbsent(value, k -> new Postings());
    }

    /** Whether values of this kind go into the postings (else into {@code others}). */
    private boolean holds(MetadataValue v) {
        return switch (spec.type()) {
            case KEYWORD -> v instanceof MetadataValue.Text || v instanceof MetadataValue.TextList;
            case BOOL -> v instanceof MetadataValue.Bool;
            case INTEGER -> v instanceof MetadataValue.Int;
            case FLOAT ->
                    v instanceof MetadataValue.Int
                            || (v instanceof MetadataValue.Real r && !Double.isNaN(r.value()));
        };
    }

    long[] present() {
        return present;
    }

    long[] others() {
        return others;
    }

    int othersCount() {
        return othersCount;
    }

    /**
     * An estimate of the slots a condition on this key passes, for ordering the children of an
     * {@code and}: the posting sizes for EQ/IN, every record with the key otherwise.
     */
    long estimate(Filter.Condition c) {
        return switch (c.op()) {
            case EQ -> postingSize(c.value()) + othersCount;
            case IN -> {
                long n = othersCount;
                for (MetadataValue v : c.values()) {
                    n += postingSize(v);
                }
                yield n;
            }
            default -> presentCount;
        };
    }

    private long postingSize(MetadataValue v) {
        Postings p = lookup(v);
        return p == null ? 0 : p.size();
    }

    /**
     * Whether {@link #orEquals} answers equality with this operand exactly for the held values (a
     * list operand equals a list value as a whole, which the postings of its elements cannot tell).
     */
    boolean answersEquality(MetadataValue operand) {
        return !(spec.type() == FieldIndexSpec.Type.KEYWORD
                && operand instanceof MetadataValue.TextList);
    }

    /**
     * Sets in {@code out} the held slots whose value equals the operand under the filter's rules (a
     * list when an element does; numbers across kinds). Values of other kinds never equal one this
     * index holds, so they add nothing.
     */
    void orEquals(MetadataValue operand, long[] out) {
        Postings p = lookup(operand);
        if (p != null) {
            p.orInto(out);
        }
    }

    private Postings lookup(MetadataValue operand) {
        return switch (operand) {
            case MetadataValue.Text t ->
                    hashed != null && spec.type() == FieldIndexSpec.Type.KEYWORD
                            ? hashed.get(t.value())
                            : null;
            case MetadataValue.Bool b ->
                    hashed != null && spec.type() == FieldIndexSpec.Type.BOOL
                            ? hashed.get(b.value())
                            : null;
            case MetadataValue.Int i -> ordered != null ? ordered.get(i) : null;
            case MetadataValue.Real r ->
                    ordered != null && !Double.isNaN(r.value()) ? ordered.get(key(r)) : null;
            case MetadataValue.TextList l -> null;
        };
    }

    /**
     * Sets in {@code out} the held slots whose value stands in this order to the operand (a
     * number). Only numeric indexes hold ordered values; a NaN operand is unordered.
     */
    void orRange(Filter.Op op, MetadataValue operand, long[] out) {
        if (ordered == null
                || (operand instanceof MetadataValue.Real r && Double.isNaN(r.value()))) {
            return;
        }
        MetadataValue k = key(operand);
        NavigableMap<MetadataValue, Postings> range =
                switch (op) {
                    case GT -> ordered.tailMap(k, false);
                    case GTE -> ordered.tailMap(k, true);
                    case LT -> ordered.headMap(k, false);
                    case LTE -> ordered.headMap(k, true);
                    default -> throw new IllegalArgumentException("not a range: " + op);
                };
        for (Postings p : range.values()) {
            p.orInto(out);
        }
    }

    /** Whether the index can answer this condition's operands (else it is checked per record). */
    boolean answers(Filter.Condition c) {
        return switch (c.op()) {
            case EQ, NE -> answersEquality(c.value());
            case IN, NIN -> {
                for (MetadataValue v : c.values()) {
                    if (!answersEquality(v)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> true;
        };
    }

    static List<MetadataValue> operands(Filter.Condition c) {
        return c.op() == Filter.Op.IN || c.op() == Filter.Op.NIN ? c.values() : List.of(c.value());
    }

    private static long[] set(long[] bits, int slot) {
        int w = slot >>> 6;
        long[] b = w < bits.length ? bits : Arrays.copyOf(bits, Math.max(w + 1, bits.length * 2));
        b[w] |= 1L << slot;
        return b;
    }
}
