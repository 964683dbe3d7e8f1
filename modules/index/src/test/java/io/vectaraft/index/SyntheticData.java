package io.vectaraft.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic vectors for index tests. */
public final class SyntheticData {
    private SyntheticData() {}

    /**
     * A Gaussian mixture: {@code clusters} centres drawn from N(0, 1) per component (from a
     * generator seeded with {@code centreSeed}, so data and queries can share centres), points at a
     * random centre plus N(0, 0.35) noise.
     */
    public static List<float[]> mixture(
            long centreSeed, Random random, int n, int dim, int clusters) {
        Random centreRandom = new Random(centreSeed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int i = 0; i < dim; i++) {
                c[i] = (float) centreRandom.nextGaussian();
            }
        }
        List<float[]> out = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            float[] c = centres[random.nextInt(clusters)];
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = c[i] + (float) (0.35 * random.nextGaussian());
            }
            out.add(v);
        }
        return out;
    }
}
