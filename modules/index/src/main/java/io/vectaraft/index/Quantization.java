package io.vectaraft.index;

/**
 * How a collection compresses its vectors for search: {@link Kind#NONE} (full float32), {@link
 * Kind#INT8} (one signed byte per dimension, per-dimension bounds from quantiles of the data) or
 * {@link Kind#BINARY} (one bit per dimension around the data's centroid, with a correction term per
 * vector; for {@value #BINARY_MIN_DIMENSION}+ dimensions). A quantized search scores the codes,
 * then rescores the best {@code oversample * k} with the full-precision vectors (see docs/decisions
 * on quantization).
 *
 * @param oversample candidates rescored per result: {@code ceil(oversample * k)}; 1 for NONE
 */
public record Quantization(Kind kind, double oversample) {
    public static final double DEFAULT_INT8_OVERSAMPLE = 2.0;
    public static final double DEFAULT_BINARY_OVERSAMPLE = 4.0;
    public static final double MAX_OVERSAMPLE = 100.0;

    /** Below this, one bit per dimension keeps too little to rank neighbours usefully. */
    public static final int BINARY_MIN_DIMENSION = 384;

    public enum Kind {
        NONE,
        INT8,
        BINARY
    }

    public Quantization {
        java.util.Objects.requireNonNull(kind, "kind");
        if (kind == Kind.NONE) {
            oversample = 1.0;
        } else if (!(oversample >= 1.0 && oversample <= MAX_OVERSAMPLE)) {
            throw new InvalidArgumentException(
                    "quantization.oversample: expected 1.."
                            + (int) MAX_OVERSAMPLE
                            + ", got "
                            + oversample);
        }
    }

    public static Quantization none() {
        return new Quantization(Kind.NONE, 1.0);
    }

    /** A kind with its default oversampling. */
    public static Quantization of(Kind kind) {
        return new Quantization(
                kind,
                switch (kind) {
                    case NONE -> 1.0;
                    case INT8 -> DEFAULT_INT8_OVERSAMPLE;
                    case BINARY -> DEFAULT_BINARY_OVERSAMPLE;
                });
    }

    public boolean quantized() {
        return kind != Kind.NONE;
    }

    /** The candidates to rescore for a top k at this (or an overriding) oversampling factor. */
    public static int candidates(int k, double oversample) {
        return (int) Math.min(SearchRequest.MAX_K * MAX_OVERSAMPLE, Math.ceil(k * oversample));
    }
}
