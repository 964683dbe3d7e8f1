package io.vectaraft.index.filter;

import io.vectaraft.index.MetadataValue;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a {@link Filter} against one record's metadata, with exactly the semantics of the
 * {@link Filter} Javadoc:
 *
 * <ul>
 *   <li>numbers compare across integers and doubles, exactly (no rounding of large longs); NaN is
 *       unordered, so it is equal to nothing and neither above nor below anything;
 *   <li>GT/GTE/LT/LTE match only numeric fields;
 *   <li>EQ/IN on a list field match when any element equals an operand; NE/NIN match a present
 *       field exactly when EQ/IN do not (so on a list: when no element does);
 *   <li>values of different kinds (a string and a number, a bool and a number) are never equal;
 *   <li>a record without the key matches no condition except {@code EXISTS false}; {@code not} is
 *       plain negation.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class FilterMatcher {
    /** {@link #compareNumbers} result when either side is NaN. */
    private static final int UNORDERED = 2;

    private FilterMatcher() {}

    /** Whether a record with this metadata matches; a null filter matches everything. */
    public static boolean matches(Filter filter, Map<String, MetadataValue> metadata) {
        return switch (filter) {
            case null -> true;
            case Filter.Condition c -> matchesCondition(c, metadata.get(c.key()));
            case Filter.And and -> all(and.filters(), metadata);
            case Filter.Or or -> any(or.filters(), metadata);
            case Filter.Not not -> !matches(not.filter(), metadata);
        };
    }

    private static boolean all(List<Filter> filters, Map<String, MetadataValue> metadata) {
        for (Filter f : filters) {
            if (!matches(f, metadata)) {
                return false;
            }
        }
        return true;
    }

    private static boolean any(List<Filter> filters, Map<String, MetadataValue> metadata) {
        for (Filter f : filters) {
            if (matches(f, metadata)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesCondition(Filter.Condition c, MetadataValue field) {
        if (c.op() == Filter.Op.EXISTS) {
            boolean wanted = !(c.value() instanceof MetadataValue.Bool b) || b.value();
            return (field != null) == wanted;
        }
        if (field == null) {
            return false;
        }
        return switch (c.op()) {
            case EQ -> equalsOperand(field, c.value());
            case NE -> !equalsOperand(field, c.value());
            case IN -> equalsAny(field, c.values());
            case NIN -> !equalsAny(field, c.values());
            case GT -> order(field, c.value()) == 1;
            case GTE -> {
                int o = order(field, c.value());
                yield o == 1 || o == 0;
            }
            case LT -> order(field, c.value()) == -1;
            case LTE -> {
                int o = order(field, c.value());
                yield o == -1 || o == 0;
            }
            case EXISTS -> throw new AssertionError("handled above");
        };
    }

    private static boolean equalsAny(MetadataValue field, List<MetadataValue> operands) {
        for (MetadataValue operand : operands) {
            if (equalsOperand(field, operand)) {
                return true;
            }
        }
        return false;
    }

    /** EQ: a list field equals a string operand when any element does. */
    private static boolean equalsOperand(MetadataValue field, MetadataValue operand) {
        if (field instanceof MetadataValue.TextList list
                && operand instanceof MetadataValue.Text text) {
            return list.values().contains(text.value());
        }
        if (isNumber(field) && isNumber(operand)) {
            return compareNumbers(field, operand) == 0;
        }
        return field.equals(operand);
    }

    /** -1, 0, 1 when the field is below, equal to, above the operand; else UNORDERED. */
    private static int order(MetadataValue field, MetadataValue operand) {
        return isNumber(field) ? compareNumbers(field, operand) : UNORDERED;
    }

    private static boolean isNumber(MetadataValue v) {
        return v instanceof MetadataValue.Int || v instanceof MetadataValue.Real;
    }

    /**
     * Exact numeric comparison of two Int/Real values: -1, 0, 1, or 2 when a NaN is involved (or
     * either value is not a number).
     */
    public static int compareNumbers(MetadataValue a, MetadataValue b) {
        return switch (a) {
            case MetadataValue.Int ia ->
                    switch (b) {
                        case MetadataValue.Int ib -> Long.compare(ia.value(), ib.value());
                        case MetadataValue.Real rb -> compareLongDouble(ia.value(), rb.value());
                        default -> UNORDERED;
                    };
            case MetadataValue.Real ra ->
                    switch (b) {
                        case MetadataValue.Int ib ->
                                negate(compareLongDouble(ib.value(), ra.value()));
                        case MetadataValue.Real rb -> compareDoubles(ra.value(), rb.value());
                        default -> UNORDERED;
                    };
            default -> UNORDERED;
        };
    }

    private static int negate(int order) {
        return order == UNORDERED ? UNORDERED : -order;
    }

    private static int compareDoubles(double a, double b) {
        if (a < b) {
            return -1;
        }
        if (a > b) {
            return 1;
        }
        return a == b ? 0 : UNORDERED;
    }

    /** Compares a long with a double exactly, even beyond 2^53 where (double) l would round. */
    static int compareLongDouble(long l, double d) {
        if (Double.isNaN(d)) {
            return UNORDERED;
        }
        if (d >= 0x1p63) {
            return -1;
        }
        if (d < -0x1p63) {
            return 1;
        }
        // |d| < 2^63 here, so its integral part fits a long and is exactly representable.
        long whole = (long) d;
        if (l != whole) {
            return Long.compare(l, whole);
        }
        double fraction = d - whole;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }
}
