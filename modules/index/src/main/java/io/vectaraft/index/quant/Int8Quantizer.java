package io.vectaraft.index.quant;

import io.vectaraft.index.vector.VectorOps;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Scalar quantization to one signed byte per dimension: {@code x[i] ~ center[i] + step[i] * a[i]}
 * with {@code a[i]} in [-127, 127], the bounds of dimension i being quantiles of a sample of the
 * data (as Lucene's confidence interval, per dimension): the lowest and highest {@link #tail}
 * fraction of values are clipped to the bounds, so one outlier does not stretch the grid. Within
 * the bounds the round-trip error is at most {@code step[i] / 2}.
 *
 * <p>Dot products (DOT, COSINE) are asymmetric in precision but integer in arithmetic: the query is
 * scaled by the steps ({@code q'[i] = q[i] * step[i]}) and quantized to bytes with one factor per
 * query, so {@code q . x ~ q . center + alpha * sum(u[i] * a[i])}, an exact int dot product ({@link
 * VectorOps#dotInt8}). Squared distances (EUCLIDEAN) use one step for every dimension (the widest
 * range's) and quantize the query on the same grid, so {@code |q - x|^2 ~ step^2 * sum((u[i] -
 * a[i])^2)}: its error grows with the distance itself, small for near neighbours. The integer sum
 * is computed exactly as {@code |u|^2 + |a|^2 - 2 u . a} ({@link VectorOps#dotInt8}; a code's
 * squared norm is kept beside it). Expanding the distance in floats instead, around the centre,
 * loses it to cancellation whenever the data lie far from the centre (measured: shifted data no
 * longer found themselves among their two nearest by code).
 *
 * <p>Immutable once trained; thread-safe.
 */
final class Int8Quantizer {
    static final int LEVELS = 127;

    private final float[] center;
    private final float[] step;

    Int8Quantizer(float[] center, float[] step) {
        this.center = center;
        this.step = step;
    }

    /**
     * The tail clipped at each end of a dimension: {@code 1 / (2 (dim + 1))}, at most 0.5%: the
     * confidence interval {@code 1 - 1/(dim + 1)} Lucene uses, split over both ends.
     */
    static double tail(int dim) {
        return Math.min(0.005, 1.0 / (2.0 * (dim + 1)));
    }

    /**
     * Bounds from the quantiles of {@code n} sample vectors, row-major in {@code sample}.
     *
     * @param uniformStep one step for all dimensions (for squared distances), the widest needed
     */
    static Int8Quantizer train(float[] sample, int n, int dim, boolean uniformStep) {
        float[] center = new float[dim];
        float[] step = new float[dim];
        float[] column = new float[n];
        double tail = tail(dim);
        int lowRank = (int) Math.floor(tail * (n - 1));
        int highRank = (int) Math.ceil((1 - tail) * (n - 1));
        for (int d = 0; d < dim; d++) {
            for (int i = 0; i < n; i++) {
                column[i] = sample[i * dim + d];
            }
            Arrays.sort(column);
            float lo = column[lowRank];
            float hi = column[highRank];
            center[d] = (float) ((lo + (double) hi) / 2);
            step[d] = (float) ((hi - (double) lo) / (2 * LEVELS));
        }
        if (uniformStep) {
            float widest = 0;
            for (float st : step) {
                widest = Math.max(widest, st);
            }
            Arrays.fill(step, widest);
        }
        return new Int8Quantizer(center, step);
    }

    int dimension() {
        return center.length;
    }

    /** Encodes a vector into {@code out[offset..]}; returns how many components were clipped. */
    int encode(float[] v, byte[] out, int offset) {
        int clipped = 0;
        for (int d = 0; d < center.length; d++) {
            float s = step[d];
            long a = s == 0 ? 0 : Math.round((v[d] - center[d]) / (double) s);
            if (a > LEVELS || a < -LEVELS) {
                clipped++;
                a = Math.max(-LEVELS, Math.min(LEVELS, a));
            }
            out[offset + d] = (byte) a;
        }
        return clipped;
    }

    /** The vector a code stands for. */
    float[] decode(byte[] code, int offset) {
        float[] out = new float[center.length];
        for (int d = 0; d < out.length; d++) {
            out[d] = center[d] + step[d] * code[offset + d];
        }
        return out;
    }

    /** A query prepared for dot products with codes: its scaled bytes, their factor, q . center. */
    record Query(byte[] bytes, float alpha, float bias) {
        /** The estimated dot product, from the exact one of the query's bytes with a code. */
        float estimate(int codeDot) {
            return bias + alpha * codeDot;
        }
    }

    Query prepare(float[] q) {
        int dim = center.length;
        float[] scaled = new float[dim];
        float max = 0;
        double bias = 0;
        for (int d = 0; d < dim; d++) {
            scaled[d] = q[d] * step[d];
            max = Math.max(max, Math.abs(scaled[d]));
            bias += (double) q[d] * center[d];
        }
        byte[] bytes = new byte[dim];
        float alpha = max == 0 ? 0 : max / LEVELS;
        if (max > 0) {
            for (int d = 0; d < dim; d++) {
                bytes[d] = (byte) Math.round(scaled[d] / alpha);
            }
        }
        return new Query(bytes, alpha, (float) bias);
    }

    /**
     * The query on the codes' own grid (a uniform step), for squared distances: components beyond
     * the bounds are clipped, as stored vectors are.
     */
    byte[] onGrid(float[] q) {
        byte[] out = new byte[center.length];
        encode(q, out, 0);
        return out;
    }

    /** The grid's step squared: what turns a squared distance of codes into one of vectors. */
    float stepSquared() {
        float s = step[0];
        return s * s;
    }

    void write(DataOutput out) throws IOException {
        for (int d = 0; d < center.length; d++) {
            out.writeFloat(center[d]);
            out.writeFloat(step[d]);
        }
    }

    static Int8Quantizer read(DataInput in, int dim) throws IOException {
        float[] center = new float[dim];
        float[] step = new float[dim];
        for (int d = 0; d < dim; d++) {
            center[d] = in.readFloat();
            step[d] = in.readFloat();
            if (!Float.isFinite(center[d]) || !(step[d] >= 0) || !Float.isFinite(step[d])) {
                throw new IOException(
                        "int8 quantizer dimension "
                                + d
                                + ": expected finite bounds, got center "
                                + center[d]
                                + " step "
                                + step[d]);
            }
        }
        return new Int8Quantizer(center, step);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int8Quantizer other
                && Arrays.equals(center, other.center)
                && Arrays.equals(step, other.step);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(center) + Arrays.hashCode(step);
    }
}
