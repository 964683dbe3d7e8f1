package io.vectaraft.index;

/**
 * How two vectors are compared. Scores are "higher is better" for {@link #COSINE} and {@link #DOT},
 * "lower is better" for {@link #EUCLIDEAN} (the distance, not its square).
 */
public enum Metric {
    /** Cosine similarity; vectors are normalized once at insert, so it is a dot product. */
    COSINE,
    /** Inner product. */
    DOT,
    /** Euclidean distance. */
    EUCLIDEAN;

    /** Whether a larger score means a closer match. */
    public boolean higherIsBetter() {
        return this != EUCLIDEAN;
    }
}
