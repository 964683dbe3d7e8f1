package io.vectaraft.index.filter;

import io.vectaraft.index.ClientText;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataValue;
import java.util.List;
import java.util.Objects;

/**
 * A boolean expression over record metadata. Malformed trees are rejected at construction with an
 * {@link InvalidArgumentException}, so a {@code Filter} that exists is well formed.
 *
 * <p>Semantics: numbers compare across integers and doubles; GT/GTE/LT/LTE take a number and match
 * only numeric fields; EQ/IN on a list field match when any element matches, NE/NIN when none does;
 * a record without the key never matches a condition other than {@code EXISTS false}; {@link Not}
 * is plain negation, so {@code not(EQ)} matches records without the key.
 */
public sealed interface Filter {

    /** Comparison operators of a {@link Condition}. */
    enum Op {
        EQ,
        NE,
        GT,
        GTE,
        LT,
        LTE,
        IN,
        NIN,
        EXISTS
    }

    /**
     * One comparison. {@code value} is the operand of EQ..LTE and the optional boolean of EXISTS
     * (null means true); {@code values} the operands of IN and NIN.
     */
    record Condition(String key, Op op, MetadataValue value, List<MetadataValue> values)
            implements Filter {
        public Condition {
            Objects.requireNonNull(op, "op");
            values = values == null ? List.of() : List.copyOf(values);
            if (key == null || key.isEmpty()) {
                throw new InvalidArgumentException("condition key: expected a non-empty string");
            }
            switch (op) {
                case EQ, NE -> requireValue(key, op, value);
                case GT, GTE, LT, LTE -> {
                    requireValue(key, op, value);
                    if (!(value instanceof MetadataValue.Int
                            || value instanceof MetadataValue.Real)) {
                        throw new InvalidArgumentException(
                                "condition "
                                        + ClientText.quote(key)
                                        + " "
                                        + op
                                        + ": expected a number operand, got "
                                        + kind(value));
                    }
                }
                case IN, NIN -> {
                    if (values.isEmpty()) {
                        throw new InvalidArgumentException(
                                "condition "
                                        + ClientText.quote(key)
                                        + " "
                                        + op
                                        + ": expected at least one value, got none");
                    }
                }
                case EXISTS -> {
                    if (value != null && !(value instanceof MetadataValue.Bool)) {
                        throw new InvalidArgumentException(
                                "condition "
                                        + ClientText.quote(key)
                                        + " EXISTS: expected a bool operand or none, got "
                                        + kind(value));
                    }
                }
            }
        }

        private static void requireValue(String key, Op op, MetadataValue value) {
            if (value == null) {
                throw new InvalidArgumentException(
                        "condition "
                                + ClientText.quote(key)
                                + " "
                                + op
                                + ": expected an operand, got none");
            }
        }

        private static String kind(MetadataValue v) {
            return switch (v) {
                case MetadataValue.Text t -> "a string";
                case MetadataValue.Int i -> "an integer";
                case MetadataValue.Real r -> "a double";
                case MetadataValue.Bool b -> "a bool";
                case MetadataValue.TextList l -> "a list of strings";
            };
        }
    }

    /** All children match. */
    record And(List<Filter> filters) implements Filter {
        public And {
            filters = requireChildren("and", filters);
        }
    }

    /** At least one child matches. */
    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = requireChildren("or", filters);
        }
    }

    /** The child does not match. */
    record Not(Filter filter) implements Filter {
        public Not {
            if (filter == null) {
                throw new InvalidArgumentException("not: expected a child filter, got none");
            }
        }
    }

    private static List<Filter> requireChildren(String what, List<Filter> filters) {
        if (filters == null || filters.isEmpty()) {
            throw new InvalidArgumentException(
                    what + ": expected at least one child filter, got none");
        }
        return List.copyOf(filters);
    }

    static Filter eq(String key, MetadataValue value) {
        return new Condition(key, Op.EQ, value, List.of());
    }

    static Filter and(Filter... filters) {
        return new And(List.of(filters));
    }

    static Filter or(Filter... filters) {
        return new Or(List.of(filters));
    }

    static Filter not(Filter filter) {
        return new Not(filter);
    }
}
