package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory soak's verdict: growth while the data grows is fine, growth after it is flagged. */
class MemoryVerdictTest {
    /** Records grow for 5 minutes to 40,000, then stay; heap as given per minute after that. */
    private static List<MemoryVerdict.Sample> run(long... steadyHeapMb) {
        List<MemoryVerdict.Sample> samples = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            samples.add(new MemoryVerdict.Sample(m * 60L, m * 8_000L, 200 + m * 50, 20 + m * 25));
        }
        for (int i = 0; i < steadyHeapMb.length; i++) {
            samples.add(
                    new MemoryVerdict.Sample(
                            (5 + i) * 60L, 40_000 - (i % 3) * 500, 480, steadyHeapMb[i]));
        }
        return samples;
    }

    @Test
    void growthWhileTheDataGrowsThenAFlatHeapIsFlat() {
        MemoryVerdict v = MemoryVerdict.of(run(150, 158, 149, 152, 161, 150, 151, 155));
        assertEquals(300, v.steadyFromSeconds());
        assertFalse(v.heapGrowing(), v.toString());
        assertFalse(v.rss().growing(), v.toString());
    }

    @Test
    void aHeapThatKeepsGrowingAfterTheDataStoppedIsFlagged() {
        MemoryVerdict v = MemoryVerdict.of(run(150, 160, 170, 180, 190, 200, 210, 220));
        assertTrue(v.heapGrowing(), v.toString());
        assertEquals(100, v.heap().mbPer10Min(), 1);
    }

    @Test
    void oneSpikeDoesNotDecide() {
        MemoryVerdict v = MemoryVerdict.of(run(150, 152, 151, 150, 400, 151, 150, 152));
        assertFalse(v.heapGrowing(), v.toString());
    }

    @Test
    void aRunWithoutASteadyStateIsNotJudged() {
        MemoryVerdict v = MemoryVerdict.of(run(150, 160));
        assertNull(v.heap());
        assertFalse(v.heapGrowing());
        assertTrue(v.toString().contains("too short"), v.toString());
    }
}
