package io.vectaraft.index.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.filter.Filter.Condition;
import io.vectaraft.index.filter.Filter.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every operator against a fixture of records whose answers are known by construction. */
class FilterMatcherTest {
    /** Records by name; "none" has no metadata at all. */
    private static final Map<String, Map<String, MetadataValue>> RECORDS = new LinkedHashMap<>();

    static {
        RECORDS.put("intTen", Map.of("n", MetadataValue.of(10L), "genre", MetadataValue.of("sf")));
        RECORDS.put(
                "realTen", Map.of("n", MetadataValue.of(10.0), "genre", MetadataValue.of("noir")));
        RECORDS.put("realTenHalf", Map.of("n", MetadataValue.of(10.5)));
        RECORDS.put("textTen", Map.of("n", MetadataValue.of("10")));
        RECORDS.put("boolTrue", Map.of("n", MetadataValue.of(true)));
        RECORDS.put("listSfDrama", Map.of("genre", MetadataValue.of(List.of("sf", "drama"))));
        RECORDS.put("listEmpty", Map.of("genre", MetadataValue.of(List.<String>of())));
        RECORDS.put("none", Map.of());
    }

    private static List<String> matching(Filter filter) {
        List<String> out = new ArrayList<>();
        RECORDS.forEach(
                (name, metadata) -> {
                    if (FilterMatcher.matches(filter, metadata)) {
                        out.add(name);
                    }
                });
        return out;
    }

    private static Filter cond(String key, Op op, MetadataValue value) {
        return new Condition(key, op, value, null);
    }

    private static Filter condList(String key, Op op, MetadataValue... values) {
        return new Condition(key, op, null, List.of(values));
    }

    @Test
    void eqComparesNumbersAcrossIntAndDoubleAndNeverAcrossKinds() {
        assertEquals(
                List.of("intTen", "realTen"), matching(cond("n", Op.EQ, MetadataValue.of(10L))));
        assertEquals(
                List.of("intTen", "realTen"), matching(cond("n", Op.EQ, MetadataValue.of(10.0))));
        assertEquals(List.of("textTen"), matching(cond("n", Op.EQ, MetadataValue.of("10"))));
        assertEquals(List.of("boolTrue"), matching(cond("n", Op.EQ, MetadataValue.of(true))));
    }

    @Test
    void neMatchesPresentFieldsThatDifferAndNeverMissingKeys() {
        assertEquals(
                List.of("realTenHalf", "textTen", "boolTrue"),
                matching(cond("n", Op.NE, MetadataValue.of(10L))));
    }

    @Test
    void orderingOperatorsMatchOnlyNumericFields() {
        assertEquals(List.of("realTenHalf"), matching(cond("n", Op.GT, MetadataValue.of(10L))));
        assertEquals(
                List.of("intTen", "realTen", "realTenHalf"),
                matching(cond("n", Op.GTE, MetadataValue.of(10L))));
        assertEquals(
                List.of("intTen", "realTen"), matching(cond("n", Op.LT, MetadataValue.of(10.25))));
        assertEquals(
                List.of("intTen", "realTen"), matching(cond("n", Op.LTE, MetadataValue.of(10L))));
        assertEquals(List.of(), matching(cond("n", Op.LT, MetadataValue.of(10L))));
        assertEquals(
                List.of("intTen", "realTen", "realTenHalf"),
                matching(cond("n", Op.LTE, MetadataValue.of(11L))));
    }

    @Test
    void inAndNinOnScalarsAndLists() {
        assertEquals(
                List.of("intTen", "realTen", "listSfDrama"),
                matching(
                        condList(
                                "genre", Op.IN, MetadataValue.of("sf"), MetadataValue.of("noir"))));
        assertEquals(
                List.of("listEmpty"),
                matching(
                        condList(
                                "genre",
                                Op.NIN,
                                MetadataValue.of("sf"),
                                MetadataValue.of("noir"))));
        assertEquals(
                List.of("intTen", "listEmpty"),
                matching(
                        condList(
                                "genre",
                                Op.NIN,
                                MetadataValue.of("drama"),
                                MetadataValue.of("noir"))));
        assertEquals(
                List.of("intTen", "realTen", "realTenHalf"),
                matching(condList("n", Op.IN, MetadataValue.of(10L), MetadataValue.of(10.5))));
    }

    @Test
    void eqAndNeOnListsMeanAnyAndNoElement() {
        assertEquals(
                List.of("listSfDrama"), matching(cond("genre", Op.EQ, MetadataValue.of("drama"))));
        assertEquals(
                List.of("intTen", "realTen", "listEmpty"),
                matching(cond("genre", Op.NE, MetadataValue.of("drama"))));
    }

    @Test
    void existsWithOptionalBool() {
        assertEquals(
                List.of("intTen", "realTen", "listSfDrama", "listEmpty"),
                matching(cond("genre", Op.EXISTS, (MetadataValue) null)));
        assertEquals(
                List.of("intTen", "realTen", "listSfDrama", "listEmpty"),
                matching(cond("genre", Op.EXISTS, MetadataValue.of(true))));
        assertEquals(
                List.of("realTenHalf", "textTen", "boolTrue", "none"),
                matching(cond("genre", Op.EXISTS, MetadataValue.of(false))));
    }

    @Test
    void andOrNotCombineAndNotIsPlainNegation() {
        Filter eqSf = cond("genre", Op.EQ, MetadataValue.of("sf"));
        Filter nTen = cond("n", Op.EQ, MetadataValue.of(10L));
        assertEquals(List.of("intTen"), matching(Filter.and(eqSf, nTen)));
        assertEquals(List.of("intTen", "realTen", "listSfDrama"), matching(Filter.or(eqSf, nTen)));
        assertEquals(
                List.of("realTen", "realTenHalf", "textTen", "boolTrue", "listEmpty", "none"),
                matching(Filter.not(eqSf)),
                "not(EQ) matches records without the key");
        assertEquals(
                List.of("intTen", "realTen", "listSfDrama"),
                matching(Filter.not(Filter.not(Filter.or(eqSf, nTen)))));
        assertEquals(List.of("realTen"), matching(Filter.and(nTen, Filter.not(eqSf))));
    }

    @Test
    void missingKeyMatchesNoPlainCondition() {
        for (Op op : List.of(Op.EQ, Op.NE, Op.GT, Op.GTE, Op.LT, Op.LTE)) {
            assertEquals(
                    List.of(), matching(cond("absent", op, MetadataValue.of(1L))), op.toString());
        }
        for (Op op : List.of(Op.IN, Op.NIN)) {
            assertEquals(
                    List.of(),
                    matching(condList("absent", op, MetadataValue.of("x"))),
                    op.toString());
        }
    }

    @Test
    void longAndDoubleCompareExactlyBeyondTwoToThe53() {
        long big = (1L << 53) + 1; // (double) big rounds down to 2^53
        double twoTo53 = 0x1p53;
        assertEquals(1, FilterMatcher.compareLongDouble(big, twoTo53));
        assertEquals(0, FilterMatcher.compareLongDouble(1L << 53, twoTo53));
        assertEquals(-1, FilterMatcher.compareLongDouble(Long.MAX_VALUE, 0x1p63));
        assertEquals(1, FilterMatcher.compareLongDouble(Long.MIN_VALUE, -0x1p64));
        assertEquals(0, FilterMatcher.compareLongDouble(Long.MIN_VALUE, -0x1p63));
        assertEquals(-1, FilterMatcher.compareLongDouble(-3, -2.5));
        assertEquals(1, FilterMatcher.compareLongDouble(-2, -2.5));
        assertEquals(0, FilterMatcher.compareLongDouble(0, -0.0));
        Map<String, MetadataValue> bigField = Map.of("n", MetadataValue.of(big));
        assertEquals(
                false,
                FilterMatcher.matches(cond("n", Op.EQ, MetadataValue.of(twoTo53)), bigField),
                "2^53+1 is not equal to 2^53");
        assertEquals(
                true,
                FilterMatcher.matches(cond("n", Op.GT, MetadataValue.of(twoTo53)), bigField),
                "2^53+1 > 2^53");
    }

    @Test
    void nanIsEqualToNothingAndUnordered() {
        Map<String, MetadataValue> nan = Map.of("n", MetadataValue.of(Double.NaN));
        for (Op op : List.of(Op.EQ, Op.GT, Op.GTE, Op.LT, Op.LTE)) {
            assertEquals(
                    false,
                    FilterMatcher.matches(cond("n", op, MetadataValue.of(1L)), nan),
                    op.toString());
        }
        assertEquals(true, FilterMatcher.matches(cond("n", Op.NE, MetadataValue.of(1.0)), nan));
    }

    @Test
    void nullFilterMatchesEverything() {
        assertEquals(List.copyOf(RECORDS.keySet()), matching(null));
    }
}
