package io.vectaraft.index.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.flat.BulkScores;
import io.vectaraft.index.flat.SlotStore;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 1-bit scorer's bulk scores (every code's fields read first, then each scored) give each slot
 * the bits of its single score, under every metric, at a dimension that is not a multiple of 64.
 */
class CodeStoreBinaryScorerTest {
    private static final int DIM = Quantization.BINARY_MIN_DIMENSION + 17;
    private static final int N = 300;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void bulkScoresEqualSingleScores(Metric metric) {
        long seed = TestSeeds.seed();
        Random r = new Random(seed);
        SlotStore store = new SlotStore(DIM);
        CodeStore codes = CodeFixtures.filled(store, Quantization.Kind.BINARY, metric, N, r);
        assertTrue(codes.active(), "fixture: the codes are trained");
        float[] query = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            query[d] = (float) r.nextGaussian();
        }
        if (metric == Metric.COSINE) {
            CodeFixtures.normalize(query);
        }
        BulkScores.assertEqualSingleScores(
                codes.scorer(query, store), N, r, metric + " " + TestSeeds.describe(seed));
    }
}
