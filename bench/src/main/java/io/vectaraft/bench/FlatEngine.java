package io.vectaraft.bench;

/** One exact-search implementation under test. Called from one thread at a time. */
interface FlatEngine extends AutoCloseable {

    /** What is measured, e.g. {@code "raw-chunks/panama-512"}. */
    String describe();

    /** The ids of the k best matches (rows of base.f32), best first, into {@code out}. */
    void search(float[] query, int k, int[] out);

    /**
     * The k best ids of each of {@code count} queries packed in {@code queries} (row-major), into
     * {@code out[q]}.
     */
    void searchBatch(float[] queries, int count, int k, int[][] out);

    @Override
    default void close() {}
}
