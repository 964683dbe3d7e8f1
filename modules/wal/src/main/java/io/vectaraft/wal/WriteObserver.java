package io.vectaraft.wal;

/**
 * Hears the stages of each write, on the writing thread, so that the server can time them (as
 * tracing spans); the storage layer itself knows nothing of tracing. Implementations must be cheap
 * and must not throw.
 */
@FunctionalInterface
public interface WriteObserver {
    /** Observes nothing. */
    WriteObserver NONE = stage -> Stage.NONE;

    /** The stages of a write, in the order a write passes them. */
    enum WriteStage {
        /** Encoded entry appended to the log (under the collection's order lock). */
        LOG_APPEND,
        /** Waiting for the fsync that makes the entry durable (shared with other writers). */
        FSYNC_WAIT,
        /** Applying the durable entry to the index. */
        APPLY
    }

    /** Called as {@code stage} begins; the returned stage is closed when it ends. */
    Stage begin(WriteStage stage);

    /** One stage in progress. */
    @FunctionalInterface
    interface Stage extends AutoCloseable {
        Stage NONE = () -> {};

        @Override
        void close();
    }
}
