package io.vectaraft.server.observe;

import io.helidon.metrics.api.MeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * JVM and process meters. Helidon registers its system meters only in the global registry (whose
 * accessors are deprecated for removal), so this binds Micrometer's standard binders to the
 * Micrometer registry behind our own.
 *
 * <p>Only binders that register everything up front, on this thread: Micrometer's {@code
 * JvmGcMetrics} registers timers later from GC notifications, straight on the Micrometer registry,
 * and that takes Micrometer's lock before Helidon's while a request takes them the other way round
 * (a deadlock seen in practice). GC counts and times are registered here, up front, instead.
 */
final class JvmMeters {
    private JvmMeters() {}

    static void bindTo(MeterRegistry registry) {
        io.micrometer.core.instrument.MeterRegistry m =
                registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
        // promtool's lint rejects these two names (an abbreviated unit, "_count" on a gauge).
        m.config()
                .meterFilter(
                        MeterFilter.deny(
                                id ->
                                        id.getName().equals("process.cpu.time")
                                                || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(m);
        new JvmThreadMetrics().bindTo(m);
        new ClassLoaderMetrics().bindTo(m);
        new ProcessorMetrics().bindTo(m);
        new UptimeMetrics().bindTo(m);
        new FileDescriptorMetrics().bindTo(m);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionCounter.builder("jvm.gc.collections", gc, g -> g.getCollectionCount())
                    .description("garbage collections")
                    .tag("gc", gc.getName())
                    .register(m);
            FunctionCounter.builder("jvm.gc.collection", gc, g -> g.getCollectionTime() / 1e3)
                    .description("approximate time spent collecting")
                    .baseUnit("seconds")
                    .tag("gc", gc.getName())
                    .register(m);
        }
    }
}
