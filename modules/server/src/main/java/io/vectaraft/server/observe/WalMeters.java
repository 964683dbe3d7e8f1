package io.vectaraft.server.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vectaraft.wal.StorageStats;
import java.util.List;
import java.util.function.Supplier;

/**
 * Meters of the write-ahead log, read from {@link StorageStats} at scrape time. Registered once, up
 * front, before any listener runs (see {@link JvmMeters} on why direct Micrometer registration must
 * not race Helidon's); before a store is served they read zeros.
 */
final class WalMeters {
    static final StorageStats NONE = new StorageStats(false, true, 0, 0, 0, 0, 0);

    private WalMeters() {}

    /**
     * @param s the stats source; the caller must keep a strong reference to it (Micrometer holds
     *     meter state weakly)
     */
    static List<Meter> bindTo(MeterRegistry m, Supplier<StorageStats> s) {
        return List.of(
                FunctionCounter.builder("vectaraft.wal.fsyncs", s, x -> x.get().forces())
                        .description("fsyncs of the log (one per group commit)")
                        .register(m),
                FunctionCounter.builder("vectaraft.wal.fsync", s, x -> x.get().forceNanos() / 1e9)
                        .description("time spent in fsyncs of the log")
                        .baseUnit("seconds")
                        .register(m),
                Gauge.builder("vectaraft.wal.active.log", s, x -> x.get().activeLogBytes())
                        .description("size of the active log file")
                        .baseUnit("bytes")
                        .register(m),
                Gauge.builder("vectaraft.wal.sealed.segments", s, x -> x.get().sealedSegments())
                        .description("sealed log segments not yet covered by a snapshot")
                        .register(m),
                Gauge.builder("vectaraft.wal.last.sequence", s, x -> x.get().lastSequence())
                        .description("sequence number of the last logged mutation")
                        .register(m),
                Gauge.builder("vectaraft.wal.writable", s, x -> x.get().writable() ? 1 : 0)
                        .description("1 while the log accepts writes, 0 after a failed fsync")
                        .register(m));
    }
}
