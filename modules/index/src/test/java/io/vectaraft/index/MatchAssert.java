package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two rankings of the same search: equal up to float rounding. Two runs of one search may
 * score a pair in the last bits differently (the single-query and the multi-query kernels sum in
 * different orders, and the Vector API leaves the lane reduction order unspecified), so records
 * whose scores differ by less than the tolerance may swap places, or trade the last place.
 * Everything else must be the same: the length, the score at every rank, and every record that is
 * not part of such a near-tie.
 */
public final class MatchAssert {
    private MatchAssert() {}

    public static void assertSameMatches(List<Match> expected, List<Match> actual, String message) {
        assertEquals(expected.size(), actual.size(), message + ": number of matches");
        Map<String, Match> expectedById = new HashMap<>();
        expected.forEach(m -> expectedById.put(m.record().id(), m));
        float lastExpected = expected.isEmpty() ? 0f : expected.getLast().score();
        for (int i = 0; i < expected.size(); i++) {
            float e = expected.get(i).score();
            float a = actual.get(i).score();
            assertEquals(e, a, tolerance(e), message + ": score at rank " + i);
            Match same = expectedById.get(actual.get(i).record().id());
            if (same != null) {
                assertEquals(
                        same.record(), actual.get(i).record(), message + ": record at rank " + i);
                assertEquals(same.score(), a, tolerance(a), message + ": score of the same record");
            } else {
                // Only a record that ties with the expected last place may take that place.
                assertTrue(
                        Math.abs(a - lastExpected) <= tolerance(lastExpected),
                        message
                                + ": unexpected record "
                                + actual.get(i).record().id()
                                + " at rank "
                                + i
                                + " (score "
                                + a
                                + ", expected last score "
                                + lastExpected
                                + ")");
            }
        }
    }

    private static float tolerance(float score) {
        return 1e-5f * Math.max(1f, Math.abs(score));
    }
}
