package io.vectaraft.server.grpc;

/**
 * What the service reports about the data it handled (for metrics). Called after a request
 * succeeded (or, for {@link #writeRefused}, when it was refused); implementations must be
 * thread-safe and cheap.
 */
public interface ServiceEvents {
    /** Ignores every event. */
    ServiceEvents NONE = new ServiceEvents() {};

    default void created(String collection) {}

    default void dropped(String collection) {}

    default void upserted(String collection, long records) {}

    default void deleted(String collection, long records) {}

    /** A write that adds data ({@code method}) was refused: the heap was nearly full. */
    default void writeRefused(String method) {}

    /** {@code queries} searches that together compared {@code scanned} stored vectors. */
    default void queried(String collection, long queries, long scanned) {}
}
