package io.vectaraft.server.grpc;

/**
 * How full the heap is: what the last garbage collection left, and what is in use now. The source
 * of {@link WriteHeapLimit}'s decision; {@link GcHeapOccupancy} reads the JVM's, tests supply their
 * own.
 */
public interface HeapOccupancy {
    /**
     * Bytes in use at the end of the most recent garbage collection: the data that survived it (and
     * garbage it did not reach); -1 before the first one.
     */
    long usedAfterGc();

    /** Bytes in use now, live data and garbage alike: never less than the live data. */
    long usedNow();

    /** The most the heap may grow to ({@code -Xmx}). */
    long max();

    /**
     * Asks for collections even while the server allocates little, until one leaves less than
     * {@code bytes} in use. Called while writes are refused: the reading is as old as the last
     * collection, and memory freed since (a deleted collection) shows only after the next one,
     * which a server refusing writes may not need for a long time. Does nothing by default.
     */
    default void watchUntilBelow(long bytes) {}
}
