package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.junit.jupiter.api.Test;

/**
 * The JVM's own readings in this test JVM: a collection's notification updates the reading, and the
 * periodic collection asked for while writes are refused is put back after the first collection
 * below the mark.
 */
class GcHeapOccupancyTest {
    @Test
    void aCollectionUpdatesTheReadingAndEndsThePeriodicCollections() throws Exception {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        assumeTrue(
                collectors.stream().anyMatch(gc -> gc.getName().startsWith("G1")),
                "G1 is this JVM's collector");
        HotSpotDiagnosticMXBean vm =
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String before = vm.getVMOption(GcHeapOccupancy.PERIODIC_FLAG).getValue();
        assumeTrue(before.equals("0"), "no periodic collection configured for this JVM");

        GcHeapOccupancy heap = GcHeapOccupancy.jvm(); // its listeners first, so they run first
        heap.watchUntilBelow(Long.MAX_VALUE);
        assertEquals(
                Long.toString(GcHeapOccupancy.WATCH_INTERVAL_MS),
                vm.getVMOption(GcHeapOccupancy.PERIODIC_FLAG).getValue(),
                "periodic collections while refusing");

        CountDownLatch collected = new CountDownLatch(1);
        NotificationListener listener = (n, handback) -> collected.countDown();
        collectors.forEach(
                gc -> ((NotificationEmitter) gc).addNotificationListener(listener, null, null));
        try {
            System.gc(); // the test's JVM, not the server's: a collection to observe
            assertTrue(collected.await(30, TimeUnit.SECONDS), "a collection notified");
        } finally {
            for (GarbageCollectorMXBean gc : collectors) {
                ((NotificationEmitter) gc).removeNotificationListener(listener);
            }
        }
        assertTrue(
                heap.usedAfterGc() > 0 && heap.usedAfterGc() <= heap.max(),
                "a reading within the heap: " + heap.usedAfterGc() + " of " + heap.max());
        assertEquals(
                before,
                vm.getVMOption(GcHeapOccupancy.PERIODIC_FLAG).getValue(),
                "put back after a collection below the mark");
    }
}
