package io.vectaraft.index.field;

import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The postings of one metadata key: for each value of the index's kind, the slots holding it
 * (keyword and bool: a hash of values to posting lists; integer and float: (value, slot) pairs in
 * exact numeric order, {@link SortedNumbers}, so a range is a binary search and a run). Besides,
 * every slot that has the key at all ({@code present}) and the slots whose value is of another kind
 * ({@code others}: a number under a keyword index, a NaN, a double under an integer index), which a
 * filter checks one by one, so answers stay exact whatever the records hold.
 *
 * <p>Not thread-safe: changed under the collection's write lock, read under its read lock.
 */
final class FieldIndex {
    /** The largest magnitude up to which every integer is exactly a double. */
    private static final long EXACT_DOUBLE = 1L << 53;

    private final FieldIndexSpec spec;
    private final Map<Object, Postings> hashed; // keyword: String; bool: Boolean
    private final SortedNumbers ordered; // integer, float
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
        this.ordered = numeric ? new SortedNumbers(spec.type() == FieldIndexSpec.Type.FLOAT) : null;
    }

    FieldIndexSpec spec() {
        return spec;
    }

    /** Records with a value this index holds. */
    long records() {
        return presentCount - othersCount;
    }

    long distinctValues() {
        return hashed != null ? hashed.size() : ordered.distinct();
    }

    long bytes() {
        long b = 8L * (present.length + others.length);
        if (ordered != null) {
            return b + ordered.bytes();
        }
        for (Postings p : hashed.values()) {
            b += 48 + p.bytes();
        }
        return b;
    }

    /** Starts a bulk load of numbers ({@link FieldIndexes#buildStep}): sorted once at the end. */
    void startBulk() {
        if (ordered != null) {
            ordered.startAppends();
        }
    }

    /** Ends a bulk load started by {@link #startBulk}. */
    void finishBulk() {
        if (ordered != null) {
            ordered.finishAppends();
        }
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
            case MetadataValue.Int i -> ordered.add(ordered.key(i), slot);
            case MetadataValue.Real r -> ordered.add(ordered.key(r), slot);
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
            case MetadataValue.Int i -> ordered.remove(ordered.key(i), slot);
            case MetadataValue.Real r -> ordered.remove(ordered.key(r), slot);
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

    private Postings posting(Object value) {
        return hashed.computeIfAbsent(value, k -> new Postings());
    }

    /** Whether values of this kind go into the postings (else into {@code others}). */
    private boolean holds(MetadataValue v) {
        return switch (spec.type()) {
            case KEYWORD -> v instanceof MetadataValue.Text || v instanceof MetadataValue.TextList;
            case BOOL -> v instanceof MetadataValue.Bool;
            case INTEGER -> v instanceof MetadataValue.Int;
            // An integer beyond 2^53 has no exact double key: checked per record, as a NaN is.
            case FLOAT ->
                    (v instanceof MetadataValue.Int i && Math.abs(i.value()) <= EXACT_DOUBLE)
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
        if (ordered != null && isNumber(c.value())) {
            return othersCount
                    + switch (c.op()) {
                        case EQ -> ordered.countEquals(c.value());
                        case GT -> ordered.countRange(false, false, c.value());
                        case GTE -> ordered.countRange(false, true, c.value());
                        case LT -> ordered.countRange(true, false, c.value());
                        case LTE -> ordered.countRange(true, true, c.value());
                        default -> presentCount;
                    };
        }
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
        if (ordered != null) {
            return isNumber(v) ? ordered.countEquals(v) : 0;
        }
        Postings p = lookup(v);
        return p == null ? 0 : p.size();
    }

    /** A number the filter can order (Int, or a non-NaN Real). */
    private static boolean isNumber(MetadataValue v) {
        return v instanceof MetadataValue.Int
                || (v instanceof MetadataValue.Real r && !Double.isNaN(r.value()));
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
        if (ordered != null) {
            if (isNumber(operand)) {
                ordered.orEquals(operand, out);
            }
            return;
        }
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
            case MetadataValue.Int i -> null;
            case MetadataValue.Real r -> null;
            case MetadataValue.TextList l -> null;
        };
    }

    /**
     * Sets in {@code out} the held slots whose value stands in this order to the operand (a
     * number). Only numeric indexes hold ordered values; a NaN operand is unordered.
     */
    void orRange(Filter.Op op, MetadataValue operand, long[] out) {
        if (ordered == null || !isNumber(operand)) {
            return;
        }
        switch (op) {
            case GT -> ordered.orRange(false, false, operand, out);
            case GTE -> ordered.orRange(false, true, operand, out);
            case LT -> ordered.orRange(true, false, operand, out);
            case LTE -> ordered.orRange(true, true, operand, out);
            default -> throw new IllegalArgumentException("not a range: " + op);
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
