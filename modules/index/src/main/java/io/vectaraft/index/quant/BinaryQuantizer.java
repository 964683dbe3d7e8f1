package io.vectaraft.index.quant;

import io.vectaraft.index.vector.VectorOps;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One bit per dimension around the nearest of a few centroids, as RaBitQ (with IVF centroids) and
 * Lucene's BBQ: bit i of a vector's code is set when {@code x[i] > c[i]}, {@code c} the centroid
 * the vector belongs to. With {@code x = c + r o} ({@code |o| = 1}) and {@code xbar} the code as a
 * unit vector ({@code +-1/sqrt(dim)} per dimension), the estimator {@code <o, v> ~ <xbar, v> /
 * <xbar, o>} is unbiased; so a vector keeps, beside its bits and its centroid number, the
 * correction {@code w = r^2 / sum|x[i] - c[i]|} ({@code = r / (<xbar, o> sqrt(dim))}) and one exact
 * term:
 *
 * <pre>
 *   q . x     = q . c + e + (x - c).(q - c),            e = (x - c) . c      (DOT, COSINE)
 *   |q - x|^2 = |q - c|^2 + r^2 - 2 (x - c).(q - c)                          (EUCLIDEAN)
 *   (x - c).(q - c) ~ w (2 S1 - S)
 * </pre>
 *
 * where {@code S} sums the centred query {@code q - c} and {@code S1} sums it over the set bits.
 * {@code S1} is computed by popcounts: the centred query is quantized to {@value #QUERY_BITS} bits
 * per dimension ({@code lo + delta * u[i]}), stored as bit planes, so {@code S1 = lo * ones + delta
 * * sum over j of 2^j popcount(code & plane j)} ({@link VectorOps#bitPlaneDot}).
 *
 * <p>Why several centroids: the estimator's error grows with {@code |x - c| |q - c|}. Around one
 * global centroid, on clustered data (a 20-cluster 768-d mixture) the error exceeded the spread of
 * the distances within a cluster and rescored recall@10 fell to 0.55; around the nearest of up to
 * {@value #MAX_CENTROIDS} k-means centroids both factors shrink to the cluster's own spread. A
 * query prepares its planes per centroid lazily, when a vector of that centroid is first scored.
 *
 * <p>Immutable once trained; thread-safe.
 */
final class BinaryQuantizer {
    static final int QUERY_BITS = 4;
    static final int MAX_CENTROIDS = 64;
    private static final int KMEANS_ROUNDS = 8;

    private final float[][] centroids;
    private final double[] centroidSums;
    private final int dim;
    private final int words;

    BinaryQuantizer(float[][] centroids) {
        this.centroids = centroids;
        this.dim = centroids[0].length;
        this.words = words(dim);
        this.centroidSums = new double[centroids.length];
        for (int j = 0; j < centroids.length; j++) {
            centroidSums[j] = sum(centroids[j]);
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    static int words(int dim) {
        return (dim + 63) >>> 6;
    }

    /** How many centroids a sample of n vectors gets: about sqrt(n) / 2, 1..64. */
    static int centroidCount(int n) {
        return Math.max(1, Math.min(MAX_CENTROIDS, (int) Math.sqrt(n) / 2));
    }

    /**
     * Lloyd's k-means on the sample, started from evenly strided sample rows (deterministic: the
     * same sample gives the same centroids).
     */
    static BinaryQuantizer train(float[] sample, int n, int dim) {
        int k = centroidCount(n);
        float[][] centroids = new float[k][dim];
        for (int j = 0; j < k; j++) {
            System.arraycopy(sample, (int) ((long) j * n / k) * dim, centroids[j], 0, dim);
        }
        int[] assigned = new int[n];
        for (int round = 0; round < KMEANS_ROUNDS; round++) {
            double[][] sums = new double[k][dim];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                int j = nearest(centroids, sample, i * dim, dim);
                assigned[i] = j;
                counts[j]++;
                for (int d = 0; d < dim; d++) {
                    sums[j][d] += sample[i * dim + d];
                }
            }
            for (int j = 0; j < k; j++) {
                if (counts[j] > 0) {
                    for (int d = 0; d < dim; d++) {
                        centroids[j][d] = (float) (sums[j][d] / counts[j]);
                    }
                }
            }
        }
        return new BinaryQuantizer(centroids);
    }

    private static int nearest(float[][] centroids, float[] v, int offset, int dim) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int j = 0; j < centroids.length; j++) {
            float d = VectorOps.squareDistance(centroids[j], 0, v, offset, dim);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }

    int dimension() {
        return dim;
    }

    int words() {
        return words;
    }

    int centroidCount() {
        return centroids.length;
    }

    /**
     * Encodes a vector: its bits into {@code out[offset..offset + words)}, its correction {@code w}
     * and exact term ({@code e}, or {@code r^2} under EUCLIDEAN) into {@code corrections[2 * slot]}
     * and {@code [2 * slot + 1]}; returns the number of its centroid.
     */
    int encode(
            float[] v, long[] out, int offset, float[] corrections, int slot, boolean euclidean) {
        int j = nearest(centroids, v, 0, dim);
        float[] c = centroids[j];
        Arrays.fill(out, offset, offset + words, 0L);
        double squares = 0;
        double absolutes = 0;
        double e = 0;
        for (int d = 0; d < dim; d++) {
            double r = (double) v[d] - c[d];
            if (r > 0) {
                out[offset + (d >>> 6)] |= 1L << d;
            }
            squares += r * r;
            absolutes += Math.abs(r);
            e += r * c[d];
        }
        corrections[2 * slot] = absolutes == 0 ? 0 : (float) (squares / absolutes);
        corrections[2 * slot + 1] = (float) (euclidean ? squares : e);
        return j;
    }

    /**
     * A query prepared for scoring codes, centroid by centroid on first use: per centroid its bit
     * planes, {@code lo}, {@code delta}, the sum of the centred query, and {@code q . c} (dot) or
     * {@code |q - c|^2} (distance). A graph walk meets most centroids, so preparing is a kernel
     * ({@link VectorOps#quantizePlanes}): as a scalar loop it took three quarters of a 1-bit
     * search's time. Not thread-safe: one per search.
     */
    final class Query {
        private final float[] q;
        private final boolean euclidean;
        private final double querySum;
        private final float[] range = new float[2];
        private final long[][] planes = new long[centroids.length][];
        private final float[] lo = new float[centroids.length];
        private final float[] delta = new float[centroids.length];
        private final float[] sum = new float[centroids.length];
        private final float[] bias = new float[centroids.length];

        Query(float[] q, boolean euclidean) {
            this.q = q;
            this.euclidean = euclidean;
            this.querySum = sum(q);
        }

        /** The estimated {@code q . x} (dot) or {@code |q - x|^2} (distance) of one code. */
        float estimate(long[] codes, int offset, int ones, int centroid, float w, float exact) {
            if (planes[centroid] == null) {
                prepare(centroid);
            }
            float s1 =
                    lo[centroid] * ones
                            + delta[centroid]
                                    * VectorOps.bitPlaneDot(
                                            codes, offset, planes[centroid], words, QUERY_BITS);
            float centred = w * (2 * s1 - sum[centroid]);
            return euclidean
                    ? bias[centroid] + exact - 2 * centred
                    : bias[centroid] + exact + centred;
        }

        private void prepare(int j) {
            float[] c = centroids[j];
            VectorOps.differenceRange(q, c, range);
            float min = range[0];
            float max = range[1];
            int levels = (1 << QUERY_BITS) - 1;
            float step = max > min ? (max - min) / levels : 0;
            long[] p = new long[QUERY_BITS * words];
            VectorOps.quantizePlanes(q, c, min, step == 0 ? 0 : 1 / step, p, QUERY_BITS);
            lo[j] = min;
            delta[j] = step;
            sum[j] = (float) (querySum - centroidSums[j]);
            bias[j] =
                    euclidean
                            ? VectorOps.squareDistance(q, 0, c, 0, dim)
                            : VectorOps.dot(q, 0, c, 0, dim);
            planes[j] = p;
        }
    }

    Query prepare(float[] q, boolean euclidean) {
        return new Query(q, euclidean);
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(centroids.length);
        for (float[] c : centroids) {
            for (float v : c) {
                out.writeFloat(v);
            }
        }
    }

    static BinaryQuantizer read(DataInput in, int dim) throws IOException {
        int k = in.readInt();
        if (k < 1 || k > MAX_CENTROIDS) {
            throw new IOException(
                    "binary quantizer: expected 1.." + MAX_CENTROIDS + " centroids, got " + k);
        }
        float[][] centroids = new float[k][dim];
        for (int j = 0; j < k; j++) {
            for (int d = 0; d < dim; d++) {
                centroids[j][d] = in.readFloat();
                if (!Float.isFinite(centroids[j][d])) {
                    throw new IOException(
                            "binary quantizer centroid "
                                    + j
                                    + " dimension "
                                    + d
                                    + ": expected a finite value, got "
                                    + centroids[j][d]);
                }
            }
        }
        return new BinaryQuantizer(centroids);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryQuantizer other && Arrays.deepEquals(centroids, other.centroids);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(centroids);
    }
}
