package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** The decision of {@link WriteHeapLimit} on given heap readings: exact, no JVM heap involved. */
class WriteHeapLimitTest {
    static final String REFUSAL_AT_93 =
            "heap 93% full after the last garbage collection (limit 90%, setting"
                    + " limits.write-heap-percent): writes that add data are refused until memory"
                    + " is freed; delete records or collections, use quantization or on_disk"
                    + " vectors, or give the server a larger heap (-Xmx)";

    /** Readings set by the test, as a garbage collection and the allocations after it would. */
    static final class Readings implements HeapOccupancy {
        volatile long afterGc = -1;
        volatile long now;
        final long max;
        volatile long watchBelow = -1;

        Readings(long max) {
            this.max = max;
        }

        /** A collection left {@code afterGc}; nothing allocated since. */
        void collected(long afterGc) {
            this.afterGc = afterGc;
            this.now = afterGc;
        }

        @Override
        public long usedAfterGc() {
            return afterGc;
        }

        @Override
        public long usedNow() {
            return now;
        }

        @Override
        public long max() {
            return max;
        }

        @Override
        public void watchUntilBelow(long bytes) {
            watchBelow = bytes;
        }
    }

    private final Readings heap = new Readings(1_000);

    @Test
    void belowTheLimitAfterTheLastCollectionAccepts() {
        heap.collected(899);
        heap.now = 1_000; // garbage allocated since does not count
        assertTrue(new WriteHeapLimit(90, heap).refusal().isEmpty(), "89.9% after GC");
        assertEquals(-1, heap.watchBelow, "no collections asked for");
    }

    @Test
    void atOrAboveTheLimitRefusesWithResourceExhaustedSayingWhatToDo() {
        WriteHeapLimit limit = new WriteHeapLimit(90, heap);
        heap.collected(900);
        assertEquals(
                Status.Code.RESOURCE_EXHAUSTED,
                limit.refusal().orElseThrow().getCode(),
                "exactly 90% after GC");
        heap.collected(930);
        Status refusal = limit.refusal().orElseThrow();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal.getCode());
        assertEquals(REFUSAL_AT_93, refusal.getDescription());
        assertEquals(900, heap.watchBelow, "asks for collections until below the limit");
    }

    @Test
    void writesAreAcceptedAgainOnceACollectionFreesMemory() {
        WriteHeapLimit limit = new WriteHeapLimit(90, heap);
        heap.collected(950);
        assertTrue(limit.refusal().isPresent(), "full");
        heap.collected(400);
        assertTrue(limit.refusal().isEmpty(), "freed by the collection after a delete");
        heap.collected(960);
        assertTrue(limit.refusal().isPresent(), "full again");
    }

    @Test
    void aCollectionWhoseNotificationHasNotArrivedYetShowsInTheHeapInUseNow() {
        heap.afterGc = 950;
        heap.now = 300; // collected, notification still on its way: in use now bounds live data
        assertTrue(new WriteHeapLimit(90, heap).refusal().isEmpty());
    }

    @Test
    void beforeTheFirstCollectionWritesAreAccepted() {
        heap.now = 990;
        assertTrue(new WriteHeapLimit(90, heap).refusal().isEmpty(), "no reading yet");
    }

    @Test
    void oneHundredPercentTurnsItOff() {
        heap.collected(1_000);
        assertTrue(new WriteHeapLimit(100, heap).refusal().isEmpty(), "a full heap, limit off");
        assertTrue(new WriteHeapLimit(99, heap).refusal().isPresent(), "on just below");
    }

    @Test
    void aPercentOutside1To100IsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> new WriteHeapLimit(0, heap));
        assertThrows(IllegalArgumentException.class, () -> new WriteHeapLimit(101, heap));
    }
}
