package io.vectaraft.server.grpc;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's heap occupancy after each garbage collection, from the collectors' notifications: the
 * heap pools' usage at the end of the collection, summed, kept in one volatile field. Reading it is
 * a field read; the JMX work (decoding the notification) happens once per collection, on the JVM's
 * notification thread.
 *
 * <p>Why notifications and not {@link MemoryPoolMXBean#getCollectionUsage()}: under G1 (JDK 25) the
 * old generation's collection usage changes only on a concurrent cycle's pauses and full
 * collections, not on the young collections that promote data into it, so it lags the heap by
 * however much was promoted since the last marking; and each call costs about 0.5-1 µs and 176
 * bytes for the three pools. A young collection's notification carries every pool's usage after it,
 * the old generation's included; the concurrent cycle's pauses (Remark, Cleanup: "G1 Concurrent
 * GC") and full collections notify too, so memory freed by marking shows as soon as it is freed.
 *
 * <p>The eden pool is left out of the sum: a young or full collection empties it, and at the end of
 * a pause that does not collect it (G1's Remark and Cleanup) what it holds is new allocation, not
 * data that survived.
 *
 * <p>While writes are refused ({@link #watchUntilBelow}) it sets G1's periodic collection ({@code
 * -XX:G1PeriodicGCInterval}, a manageable flag) to {@value #WATCH_INTERVAL_MS} ms, and puts the
 * previous value back after the first collection that leaves less than the limit in use. A server
 * refusing writes allocates little (a refused request is parsed and dropped), so the young
 * collections that would start G1's concurrent cycle come slowly: on a 128 MiB heap a client
 * retrying a small write needed about 400 calls to bring one, on a larger heap (a larger young
 * generation) thousands. The periodic collection runs only after a second without any other, and as
 * a concurrent cycle (the JVM's default), not a full collection; it finds what a delete freed
 * within a few seconds (measured: 2-4 periodic collections, the first of them finishing the mixed
 * collections of the cycle before). Not {@code System.gc()}: a full, stop-the-world collection of a
 * heap full of data, each time a write is refused. Other collectors ignore the flag; their reading
 * waits for their own collections.
 *
 * <p>One per JVM ({@link #jvm()}): the heap is the JVM's, and listeners registered per server would
 * pile up in a JVM that starts many (tests). Thread-safe.
 */
public final class GcHeapOccupancy implements HeapOccupancy {
    static final String PERIODIC_FLAG = "G1PeriodicGCInterval";
    static final long WATCH_INTERVAL_MS = 1_000;
    private static final System.Logger LOG = System.getLogger(GcHeapOccupancy.class.getName());

    private static final class Holder {
        static final GcHeapOccupancy JVM = new GcHeapOccupancy();
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long max = Runtime.getRuntime().maxMemory();
    private final Set<String> countedPools =
            ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .map(MemoryPoolMXBean::getName)
                    .filter(name -> !name.contains("Eden"))
                    .collect(Collectors.toUnmodifiableSet());
    private volatile long usedAfterGc = -1;

    /** While watching: the bytes in use below which it stops, else -1. Guarded by this. */
    private long watchBelow = -1;

    /** The periodic interval before watching began, put back after. Guarded by this. */
    private String periodicBefore;

    private final HotSpotDiagnosticMXBean vm =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    /** Whether this JVM has the flag (a HotSpot with G1 built in; other collectors ignore it). */
    private final boolean periodicFlag = hasOption(vm, PERIODIC_FLAG);

    private GcHeapOccupancy() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(
                        (notification, handback) -> collected(notification), null, null);
            }
        }
    }

    private static boolean hasOption(HotSpotDiagnosticMXBean vm, String name) {
        try {
            vm.getVMOption(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** This JVM's heap, watched from the first call on. */
    public static GcHeapOccupancy jvm() {
        return Holder.JVM;
    }

    private void collected(Notification notification) {
        if (!notification
                .getType()
                .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        Map<String, MemoryUsage> after =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                        .getGcInfo()
                        .getMemoryUsageAfterGc();
        long used = 0;
        for (String pool : countedPools) {
            MemoryUsage u = after.get(pool);
            used += u == null ? 0 : u.getUsed();
        }
        usedAfterGc = used;
        stopWatchingBelow(used);
    }

    @Override
    public synchronized void watchUntilBelow(long bytes) {
        if (!periodicFlag || periodicBefore != null) {
            watchBelow = bytes;
            return;
        }
        String before = vm.getVMOption(PERIODIC_FLAG).getValue();
        long current = Long.parseLong(before);
        if (current == 0 || current > WATCH_INTERVAL_MS) {
            vm.setVMOption(PERIODIC_FLAG, Long.toString(WATCH_INTERVAL_MS));
            LOG.log(
                    Level.INFO,
                    "writes refused: G1 periodic collection every "
                            + WATCH_INTERVAL_MS
                            + " ms (-XX:"
                            + PERIODIC_FLAG
                            + ", was "
                            + before
                            + ") until memory is freed");
        }
        periodicBefore = before;
        watchBelow = bytes;
    }

    /** Puts the periodic interval back once a collection leaves less than the limit in use. */
    private synchronized void stopWatchingBelow(long used) {
        if (periodicBefore == null || used >= watchBelow) {
            return;
        }
        if (!vm.getVMOption(PERIODIC_FLAG).getValue().equals(periodicBefore)) {
            vm.setVMOption(PERIODIC_FLAG, periodicBefore);
            LOG.log(
                    Level.INFO,
                    "memory freed: G1 periodic collection back to -XX:"
                            + PERIODIC_FLAG
                            + "="
                            + periodicBefore);
        }
        periodicBefore = null;
        watchBelow = -1;
    }

    @Override
    public long usedAfterGc() {
        return usedAfterGc;
    }

    @Override
    public long usedNow() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public long max() {
        return max;
    }
}
