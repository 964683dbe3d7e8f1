package io.vectaraft.index.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.filter.FilterMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sorted (value, slot) pairs answer ranges and equality exactly as comparing every held value
 * with the operand does, through inserts, removals, bulk loads and the merges they cause (enough
 * operations that the recent run merges many times and removals pass a quarter of the main run).
 */
class SortedNumbersTest {
    @ParameterizedTest(name = "doubles {0}")
    @ValueSource(booleans = {false, true})
    void rangesAndEqualityMatchABruteForceCheck(boolean doubles) {
        long seed = TestSeeds.seed() + (doubles ? 1 : 0);
        Random random = new Random(seed);
        SortedNumbers sorted = new SortedNumbers(doubles);
        Map<Integer, MetadataValue> held = new HashMap<>();
        int slots = 3000;
        // a bulk load first, as a background build does
        sorted.startAppends();
        for (int slot = 0; slot < slots; slot += 2) {
            MetadataValue v = value(random, doubles);
            held.put(slot, v);
            sorted.add(sorted.key(v), slot);
        }
        sorted.finishAppends();
        for (int round = 0; round < 40; round++) {
            for (int i = 0, n = random.nextInt(400); i < n; i++) {
                int slot = random.nextInt(slots);
                MetadataValue was = held.remove(slot);
                if (was != null) {
                    sorted.remove(sorted.key(was), slot);
                }
                if (random.nextInt(3) != 0) {
                    MetadataValue v = value(random, doubles);
                    held.put(slot, v);
                    sorted.add(sorted.key(v), slot);
                }
            }
            assertEquals(held.size(), sorted.size(), TestSeeds.describe(seed));
            assertEquals(distinct(held), sorted.distinct(), TestSeeds.describe(seed));
            for (int q = 0; q < 20; q++) {
                MetadataValue operand = operand(random, held);
                for (int op = 0; op < 4; op++) {
                    boolean below = op < 2;
                    boolean orEqual = op % 2 == 1;
                    long[] got = new long[(slots >>> 6) + 1];
                    sorted.orRange(below, orEqual, operand, got);
                    long[] want = new long[got.length];
                    for (Map.Entry<Integer, MetadataValue> e : held.entrySet()) {
                        int c = FilterMatcher.compareNumbers(e.getValue(), operand);
                        if (c == 0 ? orEqual : (c < 0) == below) {
                            want[e.getKey() >>> 6] |= 1L << e.getKey();
                        }
                    }
                    assertArrayEquals(
                            want,
                            got,
                            (below ? "<" : ">")
                                    + (orEqual ? "=" : "")
                                    + operand
                                    + " "
                                    + TestSeeds.describe(seed));
                }
                long[] got = new long[(slots >>> 6) + 1];
                sorted.orEquals(operand, got);
                long[] want = new long[got.length];
                for (Map.Entry<Integer, MetadataValue> e : held.entrySet()) {
                    if (FilterMatcher.compareNumbers(e.getValue(), operand) == 0) {
                        want[e.getKey() >>> 6] |= 1L << e.getKey();
                    }
                }
                assertArrayEquals(want, got, "== " + operand + " " + TestSeeds.describe(seed));
            }
        }
    }

    /** Integers over a wide range and a few repeated ones; doubles too under a float index. */
    private static MetadataValue value(Random random, boolean doubles) {
        int kind = random.nextInt(doubles ? 5 : 3);
        return switch (kind) {
            case 0 -> MetadataValue.of((long) random.nextInt(7) - 3);
            case 1, 2 -> MetadataValue.of((long) random.nextInt(2_000_000) - 1_000_000);
            case 3 -> MetadataValue.of(random.nextInt(4000) / 4.0 - 500);
            default ->
                    MetadataValue.of(random.nextBoolean() ? -0.0 : random.nextGaussian() * 1e300);
        };
    }

    /** A held value (hits equality), or a fresh number of either kind. */
    private static MetadataValue operand(Random random, Map<Integer, MetadataValue> held) {
        if (!held.isEmpty() && random.nextBoolean()) {
            List<MetadataValue> values = new ArrayList<>(held.values());
            MetadataValue v = values.get(random.nextInt(values.size()));
            // the same number as the other kind, where it exists
            if (v instanceof MetadataValue.Int i && random.nextBoolean()) {
                return MetadataValue.of((double) i.value());
            }
            return v;
        }
        return switch (random.nextInt(4)) {
            case 0 -> MetadataValue.of(random.nextInt(4_000_000) / 2.0 - 1_000_000);
            case 1 -> MetadataValue.of(Long.MIN_VALUE);
            case 2 -> MetadataValue.of(Double.POSITIVE_INFINITY);
            default -> MetadataValue.of((long) random.nextInt(2_000_000) - 1_000_000);
        };
    }

    private static long distinct(Map<Integer, MetadataValue> held) {
        Set<Double> numbers = new HashSet<>();
        for (MetadataValue v : held.values()) {
            double d =
                    v instanceof MetadataValue.Int i
                            ? (double) i.value()
                            : ((MetadataValue.Real) v).value();
            numbers.add(d == 0.0 ? 0.0 : d);
        }
        return numbers.size();
    }
}
