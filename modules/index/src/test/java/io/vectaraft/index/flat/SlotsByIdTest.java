package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotsByIdTest {

    /**
     * Random adds and removes, slots reused as a store reuses them, checked against a HashMap after
     * every step, so that probe runs wrap and removals shift entries back across the table's end; a
     * fifth of the ids share one hash ("Aa" and "BB" hash alike), so a stored hash that matches
     * still needs the id compared.
     */
    @Test
    void agreesWithAHashMapThroughChurn() {
        Random random = new Random(7);
        SlotsById table = new SlotsById();
        Map<String, Integer> expected = new HashMap<>();
        String[] ids = new String[4096];
        ArrayDeque<Integer> free = new ArrayDeque<>();
        int limit = 0;
        for (int step = 0; step < 200_000; step++) {
            String id = id(random.nextInt(3000));
            Integer slot = expected.get(id);
            if (slot == null && random.nextInt(3) > 0) {
                int s = free.isEmpty() ? limit++ : free.pop();
                ids[s] = id;
                table.add(id, s);
                expected.put(id, s);
            } else if (slot != null) {
                assertEquals(slot, table.remove(id, ids), "remove " + id);
                ids[slot] = null;
                free.push(slot);
                expected.remove(id);
            } else {
                assertEquals(-1, table.remove(id, ids), "remove of an absent id");
            }
            if (step % 97 == 0) {
                for (int i = 0; i < 3000; i++) {
                    String probe = id(i);
                    assertEquals(
                            expected.getOrDefault(probe, -1),
                            table.get(probe, ids),
                            "step " + step + ": " + probe);
                }
            }
            assertEquals(expected.size(), table.size());
        }
    }

    /** Ids 0..2399 are distinct; 2400..2999 spell 600 strings of "Aa"/"BB" with one hash. */
    private static String id(int i) {
        if (i < 2400) {
            return "id-" + i;
        }
        StringBuilder colliding = new StringBuilder();
        for (int bit = 0, n = i - 2400; bit < 10; bit++, n >>= 1) {
            colliding.append((n & 1) == 0 ? "Aa" : "BB");
        }
        return colliding.toString();
    }

    @Test
    void growsPastManyIds() {
        SlotsById table = new SlotsById();
        int n = 100_000;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.toString(i);
            table.add(ids[i], i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, table.get(Integer.toString(i), ids));
        }
        assertEquals(-1, table.get("absent", ids));
        assertEquals(n, table.size());
    }
}
