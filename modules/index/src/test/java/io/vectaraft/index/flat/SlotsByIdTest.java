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
     * every step; few distinct hashes' worth of ids and small tables, so that probe runs wrap and
     * removals shift entries back across the table's end.
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
            String id = "id-" + random.nextInt(3000);
            Integer slot = expected.get(id);
            if (slot == null && random.nextInt(3) > 0) {
                int s = free.isEmpty() ? limit++ : free.pop();
                ids[s] = id;
                table.add(id, s, ids);
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
                    String probe = "id-" + i;
                    assertEquals(
                            expected.getOrDefault(probe, -1),
                            table.get(probe, ids),
                            "step " + step + ": " + probe);
                }
            }
            assertEquals(expected.size(), table.size());
        }
    }

    @Test
    void growsPastManyIds() {
        SlotsById table = new SlotsById();
        int n = 100_000;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.toString(i);
            table.add(ids[i], i, ids);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, table.get(Integer.toString(i), ids));
        }
        assertEquals(-1, table.get("absent", ids));
        assertEquals(n, table.size());
    }
}
