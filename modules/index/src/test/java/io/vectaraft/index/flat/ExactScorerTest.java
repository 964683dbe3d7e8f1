package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.Metric;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scoring a node's neighbours together ({@link QueryScorer#bulkScore}, four rows per kernel call)
 * gives every slot the same bits as scoring it alone, for query and node scorers, with rows spread
 * over several chunks and counts that leave every remainder of four.
 */
class ExactScorerTest {

    @ParameterizedTest(name = "{0}, dim {1}")
    @CsvSource({"EUCLIDEAN, 37", "EUCLIDEAN, 300", "DOT, 37", "DOT, 300", "COSINE, 129"})
    void bulkScoresEqualSingleScores(Metric metric, int dim) {
        Random random = new Random(dim * 31L + metric.ordinal());
        SlotStore store = new SlotStore(dim, true, 5 * dim); // chunks of 5 rows
        for (int i = 0; i < 23; i++) {
            store.put("v" + i, gaussians(random, dim), Map.of());
        }
        ExactScorer exact = new ExactScorer(store, metric);
        QueryScorer[] scorers = {exact.query(gaussians(random, dim)), exact.node(7)};
        for (QueryScorer scorer : scorers) {
            for (int count = 0; count <= 11; count++) {
                int[] slots = new int[count];
                for (int i = 0; i < count; i++) {
                    slots[i] = random.nextInt(store.slotLimit());
                }
                float[] scores = new float[count];
                scorer.bulkScore(slots, scores, count);
                for (int i = 0; i < count; i++) {
                    assertEquals(
                            Float.floatToIntBits(scorer.score(slots[i])),
                            Float.floatToIntBits(scores[i]),
                            metric + " dim " + dim + " count " + count + " slot " + slots[i]);
                }
            }
        }
    }

    private static float[] gaussians(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
