package io.vectaraft.index.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.TestSeeds;
import io.vectaraft.index.flat.BulkScores;
import io.vectaraft.index.flat.QueryScorer;
import io.vectaraft.index.flat.SlotStore;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stored vector as the query of a graph link: {@link CodeStore#nodeScorer} must score exactly as
 * the vector copied out and quantized as a query ({@link CodeStore#scorer}), whichever shortcut it
 * takes, or graphs built with it would differ; and both must give bit for bit the estimate computed
 * by plain loops ({@link CodeReference}): the grid step squared times the sum of squared
 * differences of codes, or the prepared query's estimate from the exact dot product of codes.
 * Scoring a node's neighbours together ({@link QueryScorer#bulkScore}, four codes per kernel call)
 * gives each slot the bits of scoring it alone, for every remainder of four.
 */
class CodeStoreNodeScorerTest {
    private static final int DIM = 37; // not a multiple of any lane count
    private static final int N = 300;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void nodeScorerGivesTheBitsOfTheCopiedVectorAsAQuery(Metric metric) {
        long seed = TestSeeds.seed();
        Random r = new Random(seed);
        SlotStore store = new SlotStore(DIM);
        CodeStore codes = CodeFixtures.filled(store, Quantization.Kind.INT8, metric, N, r);
        for (int node = 0; node < N; node += 7) {
            QueryScorer shortcut = codes.nodeScorer(node, store);
            QueryScorer reference = codes.scorer(store.copyVector(node), store);
            Int8Quantizer int8 = codes.int8();
            byte[] own = (byte[]) codes.codeOf(node);
            byte[] onGrid = int8.onGrid(store.copyVector(node));
            Int8Quantizer.Query prepared = int8.prepare(store.copyVector(node));
            for (int slot = 0; slot < N; slot++) {
                byte[] code = (byte[]) codes.codeOf(slot);
                String where =
                        metric + " node " + node + " slot " + slot + " " + TestSeeds.describe(seed);
                float expected =
                        metric == Metric.EUCLIDEAN
                                ? -(int8.stepSquared()
                                        * CodeReference.squareDistance(onGrid, 0, code, 0, DIM))
                                : prepared.estimate(
                                        CodeReference.dot(prepared.bytes(), 0, code, 0, DIM));
                assertEquals(
                        Float.floatToIntBits(expected),
                        Float.floatToIntBits(reference.score(slot)),
                        where);
                if (metric == Metric.EUCLIDEAN) {
                    float fromOwnCode =
                            -(int8.stepSquared()
                                    * CodeReference.squareDistance(own, 0, code, 0, DIM));
                    assertEquals(
                            Float.floatToIntBits(fromOwnCode),
                            Float.floatToIntBits(shortcut.score(slot)),
                            "own code as the query, " + where);
                }
                assertEquals(
                        Float.floatToIntBits(reference.score(slot)),
                        Float.floatToIntBits(shortcut.score(slot)),
                        where);
            }
            for (QueryScorer scorer : new QueryScorer[] {shortcut, reference}) {
                BulkScores.assertEqualSingleScores(scorer, N, r, metric + " node " + node);
            }
        }
    }
}
