package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.Ids;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SortedSlotsTest {

    /**
     * Random inserts and removes (ids with multi-byte characters, whose UTF-8 order differs from
     * String's), checked against a TreeSet in UTF-8 order: the whole order, and the ids after
     * present and absent ones. Enough ids that blocks split, merge and drop.
     */
    @Test
    void agreesWithATreeSetThroughChurn() {
        Random random = new Random(11);
        SortedSlots sorted = new SortedSlots();
        TreeSet<String> expected = new TreeSet<>(Ids.UTF8_ORDER);
        Map<String, Integer> slotOf = new HashMap<>();
        String[] ids = new String[8192];
        ArrayDeque<Integer> free = new ArrayDeque<>();
        int limit = 0;
        for (int step = 0; step < 60_000; step++) {
            String id = randomId(random);
            boolean grow = step < 30_000 ? random.nextInt(4) > 0 : random.nextInt(3) == 0;
            if (!slotOf.containsKey(id) && grow) {
                int slot = free.isEmpty() ? limit++ : free.pop();
                ids[slot] = id;
                sorted.add(slot, ids);
                expected.add(id);
                slotOf.put(id, slot);
            } else {
                Integer slot = slotOf.remove(id);
                assertEquals(slot != null, sorted.remove(id, ids), "remove " + id);
                expected.remove(id);
                if (slot != null) {
                    ids[slot] = null;
                    free.push(slot);
                }
            }
            assertEquals(expected.size(), sorted.size());
            if (step % 1000 == 0) {
                assertEquals(List.copyOf(expected), idsOf(sorted.iterator(), ids), "step " + step);
                String from = randomId(random);
                assertEquals(
                        List.copyOf(expected.tailSet(from, false)),
                        idsOf(sorted.after(from, ids), ids),
                        "after " + from);
                if (!expected.isEmpty()) {
                    String present = expected.higher(from) != null ? expected.higher(from) : from;
                    assertEquals(
                            List.copyOf(expected.tailSet(present, false)),
                            idsOf(sorted.after(present, ids), ids),
                            "after present " + present);
                    assertEquals(expected.last(), ids[sorted.last()]);
                }
            }
        }
    }

    @Test
    void idsInOrderFillWholeBlocks() {
        SortedSlots sorted = new SortedSlots();
        int n = 10 * SortedSlots.BLOCK;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("id-%06d", i);
            sorted.add(i, ids);
        }
        List<String> all = idsOf(sorted.iterator(), ids);
        assertEquals(List.of(ids), all);
        assertTrue(sorted.bytesUsed() < 4.5 * n, "bytes: " + sorted.bytesUsed() + " for " + n);
    }

    private static String randomId(Random random) {
        String[] parts = {"a", "b", "z", "é", "ü", "\uD83D\uDE00", "0", "9"};
        StringBuilder id = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            id.append(parts[random.nextInt(parts.length)]);
        }
        return id.toString();
    }

    private static List<String> idsOf(PrimitiveIterator.OfInt slots, String[] ids) {
        List<String> out = new ArrayList<>();
        while (slots.hasNext()) {
            out.add(ids[slots.nextInt()]);
        }
        return out;
    }
}
