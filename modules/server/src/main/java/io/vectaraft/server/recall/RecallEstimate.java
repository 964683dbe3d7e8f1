package io.vectaraft.server.recall;

/**
 * A collection's live recall estimate.
 *
 * @param recallAtK the exact top-k ids that the sampled approximate searches returned, as a
 *     fraction of all exact top-k ids, over the last {@link RecallWindow#CAPACITY} samples; NaN
 *     before the first sample
 * @param samples samples measured so far (all of them, not only the window's)
 */
public record RecallEstimate(double recallAtK, long samples) {
    /** No sample yet. */
    public static final RecallEstimate NONE = new RecallEstimate(Double.NaN, 0);
}
