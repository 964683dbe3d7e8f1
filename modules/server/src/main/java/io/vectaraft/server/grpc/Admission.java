package io.vectaraft.server.grpc;

import io.grpc.Status;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.server.config.Limits;
import io.vectaraft.server.config.Setting;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admission control: what one request may cost, and how many expensive calls run at once.
 *
 * <p>Per request, before any work: the results it asks for (queries x max(top_k, ef), Get ids,
 * Scroll limit) and their estimated reply size stay within {@link Limits}, else {@code
 * INVALID_ARGUMENT} naming the limit and its setting (the same request would fail again). Searches
 * and scans then take one of {@link Limits#maxConcurrentSearches()} slots for as long as their
 * reply is built and sent; a call that finds none free within {@link Limits#queueTimeout()} gets
 * {@code RESOURCE_EXHAUSTED} (worth retrying later). Together they bound the heap a burst of valid
 * requests can take to about slots x results x bytes per result.
 *
 * <p>Writes that add data are refused with {@code RESOURCE_EXHAUSTED} while the heap is nearly full
 * of live data ({@link WriteHeapLimit}).
 */
public final class Admission {
    /** Reply bytes of one match or record besides its vector: id, score, framing, some metadata. */
    static final int RESULT_BYTES = 128;

    private final Limits limits;
    private final Semaphore slots;
    private final WriteHeapLimit heap;

    /** The limits, with writes admitted by this JVM's heap occupancy. */
    public Admission(Limits limits) {
        this(limits, GcHeapOccupancy.jvm());
    }

    public Admission(Limits limits, HeapOccupancy heap) {
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConcurrentSearches(), true);
        this.heap = new WriteHeapLimit(limits.writeHeapPercent(), heap);
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Checks that {@code count} results, each with a vector of {@code dimension} floats when {@code
     * values}, fit the limits. {@code what} says how the count came about, e.g. "2000 queries x
     * top_k 10000".
     */
    void results(String what, long count, boolean values, int dimension) {
        if (count > limits.maxResults()) {
            throw new InvalidArgumentException(
                    what
                            + " = "
                            + count
                            + " results: expected at most "
                            + limits.maxResults()
                            + " per request (setting "
                            + Setting.MAX_RESULTS.key()
                            + ")");
        }
        long bytes = count * (RESULT_BYTES + (values ? 4L * dimension : 0));
        if (bytes > limits.maxResponseBytes()) {
            throw new InvalidArgumentException(
                    what
                            + (values ? " with values of dimension " + dimension : "")
                            + ": an estimated "
                            + bytes
                            + " reply bytes, expected at most "
                            + limits.maxResponseBytes()
                            + " (setting "
                            + Setting.MAX_RESPONSE_BYTES.key()
                            + ")");
        }
    }

    /** Empty when a write that adds data may go ahead, else the status that refuses it. */
    Optional<Status> writeRefusal() {
        return heap.refusal();
    }

    /** Calls waiting for a slot now (an estimate, as {@link Semaphore#getQueueLength}). */
    int queued() {
        return slots.getQueueLength();
    }

    /** Runs {@code call} in a search slot, waiting for one up to the queue timeout. */
    <T> T admitted(Supplier<T> call) {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(limits.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted while queued").asRuntimeException();
        }
        if (!acquired) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription(
                            "server busy: "
                                    + limits.maxConcurrentSearches()
                                    + " searches running (setting "
                                    + Setting.MAX_CONCURRENT_SEARCHES.key()
                                    + ") and none finished within "
                                    + limits.queueTimeout().toMillis()
                                    + " ms (setting "
                                    + Setting.QUEUE_TIMEOUT_MS.key()
                                    + "); retry later")
                    .asRuntimeException();
        }
        try {
            return call.get();
        } finally {
            slots.release();
        }
    }
}
