package io.vectaraft.index.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.FieldIndexInfo;
import io.vectaraft.index.FieldIndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.index.flat.CandidateBits;
import io.vectaraft.index.flat.SlotStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Filters answered with field indexes give exactly the slots a record-by-record check gives, on
 * random metadata (lists, missing keys, values of another kind than the index's, mixed integers and
 * doubles, NaN, -0.0) and random filter trees, while records are inserted, replaced, updated and
 * removed, and while indexes are still being built.
 */
class IndexedFilterTest {
    private static final String[] WORDS = {"red", "green", "blue", "x", ""};
    private static final List<FieldIndexSpec> SPECS =
            List.of(
                    new FieldIndexSpec("color", FieldIndexSpec.Type.KEYWORD),
                    new FieldIndexSpec("tags", FieldIndexSpec.Type.KEYWORD),
                    new FieldIndexSpec("n", FieldIndexSpec.Type.INTEGER),
                    new FieldIndexSpec("x", FieldIndexSpec.Type.FLOAT),
                    new FieldIndexSpec("flag", FieldIndexSpec.Type.BOOL),
                    new FieldIndexSpec("wide", FieldIndexSpec.Type.INTEGER),
                    new FieldIndexSpec("wx", FieldIndexSpec.Type.FLOAT));
    private static final String[] KEYS = {"color", "tags", "n", "x", "flag", "free", "wide", "wx"};

    @ParameterizedTest(name = "round {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void indexedFiltersEqualRecordByRecordChecks(int round) {
        long seed = TestSeeds.seed() + round;
        Random random = new Random(seed);
        boolean reuse = round % 2 == 0;
        SlotStore store = new SlotStore(2, reuse);
        // Half the rounds index an empty store (maintained from the first write), half build
        // over records already present, in steps interleaved with writes.
        FieldIndexes indexes = new FieldIndexes(store, round < 4 ? SPECS : List.of());
        int n = 400 + random.nextInt(800);
        for (int i = 0; i < n; i++) {
            store.put("r" + i, new float[] {1, 0}, metadata(random));
        }
        if (round >= 4) {
            SPECS.forEach(indexes::add);
        }
        for (int step = 0; step < 30; step++) {
            mutate(store, random, n);
            if (round >= 4 && indexes.building() && random.nextBoolean()) {
                indexes.buildStep();
            }
            for (int f = 0; f < 40; f++) {
                Filter filter = filter(random, 3);
                assertArrayEquals(
                        trim(CandidateBits.matching(store, filter)),
                        trim(IndexedFilter.matching(store, indexes, filter)),
                        filter + " " + TestSeeds.describe(seed));
            }
        }
        while (indexes.building()) {
            indexes.buildStep();
        }
        for (int f = 0; f < 300; f++) {
            Filter filter = filter(random, 4);
            assertArrayEquals(
                    trim(CandidateBits.matching(store, filter)),
                    trim(IndexedFilter.matching(store, indexes, filter)),
                    filter + " " + TestSeeds.describe(seed));
        }
    }

    @Test
    void describeReportsRecordsDistinctValuesAndReadiness() {
        SlotStore store = new SlotStore(2, true);
        for (int i = 0; i < 100; i++) {
            store.put(
                    "r" + i,
                    new float[] {1, 0},
                    Map.of("color", MetadataValue.of(WORDS[i % 3]), "n", MetadataValue.of(i)));
        }
        store.put("odd", new float[] {1, 0}, Map.of("color", MetadataValue.of(5L)));
        FieldIndexes indexes = new FieldIndexes(store, List.of());
        indexes.add(new FieldIndexSpec("color", FieldIndexSpec.Type.KEYWORD));
        FieldIndexInfo building = indexes.info().getFirst();
        assertFalse(building.ready());
        assertTrue(indexes.building());
        while (indexes.buildStep()) {
            // steps
        }
        FieldIndexInfo built = indexes.info().getFirst();
        assertTrue(built.ready());
        assertEquals(100, built.records(), "the integer under a keyword index is not held");
        assertEquals(3, built.distinctValues());
        assertTrue(built.bytes() > 0);
        store.remove("r0");
        assertEquals(99, indexes.info().getFirst().records(), "a delete is maintained");
        assertTrue(indexes.remove("color"));
        assertTrue(indexes.info().isEmpty());
    }

    private static long[] trim(long[] bits) {
        int n = bits.length;
        while (n > 0 && bits[n - 1] == 0) {
            n--;
        }
        return java.util.Arrays.copyOf(bits, n);
    }

    private static void mutate(SlotStore store, Random random, int n) {
        for (int i = 0, m = random.nextInt(30); i < m; i++) {
            String id = "r" + random.nextInt(n + 50);
            switch (random.nextInt(4)) {
                case 0 -> store.remove(id);
                case 1 -> store.replaceMetadata(id, metadata(random));
                default -> store.put(id, new float[] {1, 0}, metadata(random));
            }
        }
    }

    private static Map<String, MetadataValue> metadata(Random random) {
        Map<String, MetadataValue> m = new HashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(5) != 0) {
                m.put(key, value(random, key));
            }
        }
        return m;
    }

    /** Mostly the key's own kind, sometimes any kind. */
    private static MetadataValue value(Random random, String key) {
        if (random.nextInt(10) == 0) {
            return anyValue(random);
        }
        return switch (key) {
            case "color" -> MetadataValue.of(WORDS[random.nextInt(WORDS.length)]);
            case "tags" -> {
                List<String> l = new ArrayList<>();
                for (int i = 0, c = random.nextInt(4); i < c; i++) {
                    l.add(WORDS[random.nextInt(WORDS.length)]);
                }
                yield MetadataValue.of(l);
            }
            case "n" -> MetadataValue.of((long) random.nextInt(20) - 5);
            case "x" -> number(random);
            case "flag" -> MetadataValue.of(random.nextBoolean());
            case "wide", "wx" -> wide(random);
            default -> anyValue(random);
        };
    }

    /**
     * Numbers over a wide range, mostly distinct (the sorted pairs of a numeric index hold one run
     * per range, merged as records change), integers and doubles mixed.
     */
    private static MetadataValue wide(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> MetadataValue.of(random.nextInt(2_000_001) / 2.0 - 500_000);
            case 1 -> number(random);
            default -> MetadataValue.of((long) random.nextInt(1_000_001) - 500_000);
        };
    }

    private static MetadataValue number(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> MetadataValue.of((long) random.nextInt(10));
            case 1 -> MetadataValue.of(Double.NaN);
            case 2 -> MetadataValue.of(-0.0);
            case 3 -> MetadataValue.of(Long.MAX_VALUE - random.nextInt(3));
            case 4 -> MetadataValue.of(0x1p63);
            default -> MetadataValue.of(random.nextInt(20) / 2.0);
        };
    }

    private static MetadataValue anyValue(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> MetadataValue.of(WORDS[random.nextInt(WORDS.length)]);
            case 1 -> MetadataValue.of(List.of(WORDS[random.nextInt(WORDS.length)]));
            case 2 -> number(random);
            case 3 -> MetadataValue.of(random.nextBoolean());
            default -> MetadataValue.of((long) random.nextInt(10));
        };
    }

    private static Filter filter(Random random, int depth) {
        int r = random.nextInt(depth <= 0 ? 1 : 4);
        return switch (r) {
            case 1 -> new Filter.And(children(random, depth));
            case 2 -> new Filter.Or(children(random, depth));
            case 3 -> new Filter.Not(filter(random, depth - 1));
            default -> condition(random);
        };
    }

    private static List<Filter> children(Random random, int depth) {
        List<Filter> out = new ArrayList<>();
        for (int i = 0, c = 1 + random.nextInt(3); i < c; i++) {
            out.add(filter(random, depth - 1));
        }
        return out;
    }

    private static Filter condition(Random random) {
        String key = KEYS[random.nextInt(KEYS.length)];
        Filter.Op op = Filter.Op.values()[random.nextInt(Filter.Op.values().length)];
        return switch (op) {
            case EQ, NE -> new Filter.Condition(key, op, operand(random, key), null);
            case GT, GTE, LT, LTE ->
                    new Filter.Condition(
                            key, op, key.startsWith("w") ? wide(random) : number(random), null);
            case IN, NIN -> {
                List<MetadataValue> values = new ArrayList<>();
                for (int i = 0, c = 1 + random.nextInt(3); i < c; i++) {
                    values.add(operand(random, key));
                }
                yield new Filter.Condition(key, op, null, values);
            }
            case EXISTS ->
                    new Filter.Condition(
                            key,
                            op,
                            random.nextBoolean() ? null : MetadataValue.of(random.nextBoolean()),
                            null);
        };
    }

    private static MetadataValue operand(Random random, String key) {
        return random.nextInt(4) == 0 ? anyValue(random) : value(random, key);
    }
}
