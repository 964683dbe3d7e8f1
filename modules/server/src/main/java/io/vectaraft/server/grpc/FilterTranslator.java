package io.vectaraft.server.grpc;

import io.vectaraft.api.v1.Condition;
import io.vectaraft.api.v1.FilterList;
import io.vectaraft.api.v1.Value;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.server.config.Setting;
import java.util.ArrayList;
import java.util.List;

/**
 * Filters from the wire into the index's {@link Filter} tree. Every error names the node by its
 * path in the request, e.g. {@code filter.and[1].condition: ...}; the tree's own checks (empty key,
 * missing operand, IN without values, non-numeric range operand) are located the same way.
 *
 * <p>Two bounds are checked before the work they guard: the depth ({@value #MAX_DEPTH} levels of
 * and, or and not, fixed: the index evaluates filters recursively, and protobuf's parser stops at
 * 100 message levels anyway) and the number of terms (conditions and operand values, the {@code
 * limits.max-filter-terms} setting: each is evaluated against every candidate record).
 */
final class FilterTranslator {
    /** The deepest filter accepted: and, or and not nodes nested at most this many levels. */
    static final int MAX_DEPTH = 32;

    private static final String OPS = "EQ, NE, GT, GTE, LT, LTE, IN, NIN or EXISTS";

    private final int maxTerms;

    /**
     * @param maxTerms conditions and operand values one filter may have
     */
    FilterTranslator(int maxTerms) {
        this.maxTerms = maxTerms;
    }

    /** The request's filter, or null when the field is unset. */
    Filter optional(boolean present, io.vectaraft.api.v1.Filter filter) {
        return present ? toFilter("filter", filter) : null;
    }

    Filter toFilter(String path, io.vectaraft.api.v1.Filter filter) {
        return new Translation().filter(path, filter, 1);
    }

    /** One filter's translation, counting its terms. */
    private final class Translation {
        private long terms;

        /** {@code depth}: the levels of and, or and not above and including this node. */
        Filter filter(String path, io.vectaraft.api.v1.Filter filter, int depth) {
            if (depth > MAX_DEPTH
                    && filter.getNodeCase() != io.vectaraft.api.v1.Filter.NodeCase.CONDITION) {
                throw new InvalidArgumentException(
                        "filter: expected and, or and not nested at most "
                                + MAX_DEPTH
                                + " levels deep, got more (at "
                                + path
                                + ")");
            }
            return switch (filter.getNodeCase()) {
                case CONDITION -> condition(path + ".condition", filter.getCondition());
                case AND -> {
                    List<Filter> children = children(path + ".and", filter.getAnd(), depth);
                    yield located(path + ".and", () -> new Filter.And(children));
                }
                case OR -> {
                    List<Filter> children = children(path + ".or", filter.getOr(), depth);
                    yield located(path + ".or", () -> new Filter.Or(children));
                }
                case NOT -> new Filter.Not(filter(path + ".not", filter.getNot(), depth + 1));
                case NODE_NOT_SET ->
                        throw new InvalidArgumentException(
                                path
                                        + ": expected one of condition, and, or, not; got an"
                                        + " empty filter");
            };
        }

        private List<Filter> children(String path, FilterList list, int depth) {
            List<Filter> result = new ArrayList<>(list.getFiltersCount());
            for (int i = 0; i < list.getFiltersCount(); i++) {
                result.add(filter(path + "[" + i + "]", list.getFilters(i), depth + 1));
            }
            return result;
        }

        private Filter condition(String path, Condition c) {
            count(path, 1L + c.getValuesCount());
            Filter.Op op = op(path, c);
            MetadataValue value = operand(path + ".value", c.hasValue() ? c.getValue() : null);
            List<MetadataValue> values = new ArrayList<>(c.getValuesCount());
            for (int i = 0; i < c.getValuesCount(); i++) {
                values.add(RecordTranslator.toValue(path + ".values[" + i + "]", c.getValues(i)));
            }
            return located(path, () -> new Filter.Condition(c.getKey(), op, value, values));
        }

        private void count(String path, long more) {
            terms += more;
            if (terms > maxTerms) {
                throw new InvalidArgumentException(
                        "filter: expected at most "
                                + maxTerms
                                + " conditions and operand values, got more (at "
                                + path
                                + "; setting "
                                + Setting.MAX_FILTER_TERMS.key()
                                + ")");
            }
        }
    }

    private static Filter.Op op(String path, Condition c) {
        return switch (c.getOp()) {
            case EQ -> Filter.Op.EQ;
            case NE -> Filter.Op.NE;
            case GT -> Filter.Op.GT;
            case GTE -> Filter.Op.GTE;
            case LT -> Filter.Op.LT;
            case LTE -> Filter.Op.LTE;
            case IN -> Filter.Op.IN;
            case NIN -> Filter.Op.NIN;
            case EXISTS -> Filter.Op.EXISTS;
            case OP_UNSPECIFIED ->
                    throw new InvalidArgumentException(
                            path + ": expected op " + OPS + ", got OP_UNSPECIFIED");
            case UNRECOGNIZED ->
                    throw new InvalidArgumentException(
                            path
                                    + ": expected op "
                                    + OPS
                                    + ", got unknown op number "
                                    + c.getOpValue());
        };
    }

    /** An unset or empty {@code Value} is "no operand", which the condition then judges. */
    private static MetadataValue operand(String path, Value value) {
        if (value == null || value.getKindCase() == Value.KindCase.KIND_NOT_SET) {
            return null;
        }
        return RecordTranslator.toValue(path, value);
    }

    private static Filter located(String path, java.util.function.Supplier<Filter> build) {
        try {
            return build.get();
        } catch (InvalidArgumentException e) {
            throw e.at(path);
        }
    }
}
