package io.vectaraft.server.recall;

/**
 * The most recent recall samples of one collection: a ring of (found, expected) counts with running
 * sums, so the estimate is exact integer arithmetic over the window (a micro-average: queries count
 * by their k). Thread-safe.
 */
final class RecallWindow {
    /** Samples the estimate covers: enough to smooth noise, few enough to show drift in minutes. */
    static final int CAPACITY = 1000;

    private final int[] found = new int[CAPACITY];
    private final int[] expected = new int[CAPACITY];
    private long foundSum;
    private long expectedSum;
    private long samples;

    /**
     * Adds one query's outcome: {@code hits} of its {@code total} exact top-k ids were returned.
     */
    synchronized void add(int hits, int total) {
        int i = (int) (samples % CAPACITY);
        foundSum += hits - found[i];
        expectedSum += total - expected[i];
        found[i] = hits;
        expected[i] = total;
        samples++;
    }

    synchronized RecallEstimate estimate() {
        return expectedSum == 0
                ? RecallEstimate.NONE
                : new RecallEstimate((double) foundSum / expectedSum, samples);
    }
}
