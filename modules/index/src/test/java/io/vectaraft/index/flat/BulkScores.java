package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/** Test helper: a scorer's bulk scores against its single ones. */
public final class BulkScores {
    private BulkScores() {}

    /**
     * Random slots below {@code slotLimit}, in bulk calls of 0 to 11 (every remainder of four),
     * each slot's bulk score the bits of its single score.
     */
    public static void assertEqualSingleScores(
            QueryScorer scorer, int slotLimit, Random random, String where) {
        for (int count = 0; count <= 11; count++) {
            int[] slots = new int[count];
            for (int i = 0; i < count; i++) {
                slots[i] = random.nextInt(slotLimit);
            }
            float[] scores = new float[count];
            scorer.bulkScore(slots, scores, count);
            for (int i = 0; i < count; i++) {
                assertEquals(
                        Float.floatToIntBits(scorer.score(slots[i])),
                        Float.floatToIntBits(scores[i]),
                        where + ", bulk of " + count + ", slot " + slots[i]);
            }
        }
    }
}
