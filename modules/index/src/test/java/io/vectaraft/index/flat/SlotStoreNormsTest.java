package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.vector.VectorOps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every write of a slot's vector updates its squared norm, which batch Euclidean scans rank by. */
class SlotStoreNormsTest {

    @Test
    void normFollowsEveryWriteOfASlot() {
        SlotStore store = new SlotStore(3, true, 2 * 3); // chunks of 2 rows
        float[] a = {1f, 2f, 2f};
        float[] b = {0f, 3f, 4f};
        float[] c = {-1f, 0.5f, 7f};
        int slotA = store.put("a", a, Map.of());
        int slotB = store.put("b", b, Map.of());
        assertNorm(store, slotA, a, "after put");
        assertNorm(store, slotB, b, "after put");
        assertEquals(slotA, store.put("a", c, Map.of()), "replacing keeps the slot");
        assertNorm(store, slotA, c, "after replacing a");
        store.remove("a");
        int reused = store.put("d", b, Map.of());
        assertEquals(slotA, reused, "a freed slot is reused");
        assertNorm(store, reused, b, "after reusing a's slot");
        for (int i = 0; i < 40; i++) { // growth of the slot arrays keeps earlier norms
            store.put("g" + i, new float[] {i, 1f, 0f}, Map.of());
        }
        assertNorm(store, slotB, b, "after growth");
        assertNorm(store, store.slotOf("g39"), new float[] {39f, 1f, 0f}, "a late slot");
    }

    private static void assertNorm(SlotStore store, int slot, float[] v, String when) {
        assertEquals(
                VectorOps.dot(v, v),
                store.squaredNorms()[slot],
                0f,
                "squared norm of slot " + slot + " " + when);
    }
}
