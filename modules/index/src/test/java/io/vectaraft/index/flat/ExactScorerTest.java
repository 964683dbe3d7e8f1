package io.vectaraft.index.flat;

import io.vectaraft.index.Metric;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scoring a node's neighbours together ({@link QueryScorer#bulkScore}, four rows per kernel call)
 * gives every slot the same bits as scoring it alone, for query and node scorers, with rows spread
 * over several chunks or in a mapped file ({@code on_disk}), and counts that leave every remainder
 * of four.
 */
class ExactScorerTest {

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}, dim {1}, mapped {2}")
    @CsvSource({
        "EUCLIDEAN, 37, false", "EUCLIDEAN, 300, false", "DOT, 37, false", "DOT, 300, false",
        "COSINE, 129, false", "EUCLIDEAN, 37, true", "EUCLIDEAN, 300, true", "DOT, 300, true"
    })
    void bulkScoresEqualSingleScores(Metric metric, int dim, boolean mapped) {
        Random random = new Random(dim * 31L + metric.ordinal());
        SlotStore store =
                mapped
                        ? new SlotStore(dim, true, MappedVectors.create(dir, "c", dim))
                        : new SlotStore(dim, true, 5 * dim); // chunks of 5 rows
        for (int i = 0; i < 23; i++) {
            store.put("v" + i, gaussians(random, dim), Map.of());
        }
        ExactScorer exact = new ExactScorer(store, metric);
        QueryScorer[] scorers = {exact.query(gaussians(random, dim)), exact.node(7)};
        for (QueryScorer scorer : scorers) {
            BulkScores.assertEqualSingleScores(
                    scorer, store.slotLimit(), random, metric + " dim " + dim);
        }
        store.close();
    }

    private static float[] gaussians(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
