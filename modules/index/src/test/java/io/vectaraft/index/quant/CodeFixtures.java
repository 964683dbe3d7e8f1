package io.vectaraft.index.quant;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.Metric;
import io.vectaraft.index.Quantization;
import io.vectaraft.index.flat.SlotStore;
import java.util.Map;
import java.util.Random;

/** Code stores filled with random vectors, for the scorer tests of this package. */
final class CodeFixtures {
    private CodeFixtures() {}

    /**
     * {@code n} off-centre Gaussian vectors (some outside int8 bounds), normalized under COSINE,
     * put in {@code store} as ids {@code v0..} and encoded by a code store that trains at 100.
     */
    static CodeStore filled(
            SlotStore store, Quantization.Kind kind, Metric metric, int n, Random r) {
        int dim = store.dimension();
        CodeStore codes =
                new CodeStore(
                        new CollectionSpec(
                                "c", dim, metric, IndexSpec.flat(), Quantization.of(kind), false),
                        100);
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (3 + 2 * r.nextGaussian());
            }
            if (metric == Metric.COSINE) {
                normalize(v);
            }
            codes.put(store.put("v" + i, v, Map.of()), v, store);
        }
        return codes;
    }

    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        for (int d = 0; d < v.length; d++) {
            v[d] *= inv;
        }
    }
}
