package io.vectaraft.server.grpc;

import io.grpc.Status;
import io.vectaraft.server.config.Setting;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory admission of writes: while the heap is at least {@code percent} full after the most recent
 * garbage collection, writes that add data get {@code RESOURCE_EXHAUSTED} (retry later), before
 * they do any work; reads, deletes and the rest go on, and free the memory that lets writes in
 * again. Without it a heap filling with vectors does not refuse anything: the JVM collects ever
 * more often for ever less, and the server stops answering everything long before it runs out of
 * memory and exits.
 *
 * <p>The usage after a collection, not now: the heap in use now is mostly garbage waiting for the
 * next young collection, so it says nothing about the data. A reading above the limit is checked
 * once more against the heap in use now before refusing: a collection's notification reaches {@link
 * GcHeapOccupancy} after the collection, on another thread, and in use now (never less than the
 * live data) already shows what it freed.
 *
 * <p>Writes only: a read's memory is freed when its reply is sent, a write's stays. The check
 * bounds the data, not the requests in flight: writes admitted just below the limit still add
 * theirs, which is why the default leaves a tenth of the heap.
 *
 * <p>Thread-safe; the check is a volatile read and a multiplication while the heap has room.
 */
public final class WriteHeapLimit {
    private static final System.Logger LOG = System.getLogger(WriteHeapLimit.class.getName());

    private final int percent;
    private final HeapOccupancy heap;

    /** Whether the last check refused, so that the log says when refusing starts and stops. */
    private final AtomicBoolean refusing = new AtomicBoolean();

    /**
     * @param percent refuse at or above this much of {@link HeapOccupancy#max()}; 100: never
     */
    public WriteHeapLimit(int percent, HeapOccupancy heap) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent: expected 1..100, got " + percent);
        }
        this.percent = percent;
        this.heap = heap;
    }

    /** Empty when a write that adds data may go ahead, else the status that refuses it. */
    public Optional<Status> refusal() {
        if (percent == 100) {
            return Optional.empty();
        }
        long max = heap.max();
        long afterGc = heap.usedAfterGc();
        if (!atLimit(afterGc, max) || !atLimit(heap.usedNow(), max)) {
            if (refusing.compareAndSet(true, false)) {
                LOG.log(
                        Level.INFO,
                        "heap below "
                                + percent
                                + "% after the last garbage collection: writes accepted again");
            }
            return Optional.empty();
        }
        String why = describe(afterGc, max);
        heap.watchUntilBelow(max / 100 * percent);
        if (refusing.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, why);
        }
        return Optional.of(Status.RESOURCE_EXHAUSTED.withDescription(why));
    }

    private boolean atLimit(long used, long max) {
        return used >= 0 && used * 100 >= (long) percent * max;
    }

    private String describe(long afterGc, long max) {
        return "heap "
                + afterGc * 100 / max
                + "% full after the last garbage collection (limit "
                + percent
                + "%, setting "
                + Setting.WRITE_HEAP_PERCENT.key()
                + "): writes that add data are refused until memory is freed; delete records or"
                + " collections, use quantization or on_disk vectors, or give the server a larger"
                + " heap (-Xmx)";
    }
}
