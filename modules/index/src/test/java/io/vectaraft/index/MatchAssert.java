package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/**
 * Compares search results: the same records in the same order, scores equal up to float rounding.
 * Scores may differ in the last bits between two runs of the same search because the Vector API's
 * lane reduction order is unspecified (interpreted and JIT-compiled code may sum differently).
 */
public final class MatchAssert {
    private MatchAssert() {}

    public static void assertSameMatches(List<Match> expected, List<Match> actual, String message) {
        assertEquals(
                expected.stream().map(m -> m.record().id()).toList(),
                actual.stream().map(m -> m.record().id()).toList(),
                message);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).record(), actual.get(i).record(), message);
            float e = expected.get(i).score();
            assertEquals(e, actual.get(i).score(), 1e-5f * Math.max(1f, Math.abs(e)), message);
        }
    }
}
