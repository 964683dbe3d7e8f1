package io.vectaraft.server.observe;

import io.helidon.metrics.api.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * JVM and process meters. Helidon registers its system meters only in the global registry (whose
 * accessors are deprecated for removal), so this binds Micrometer's standard binders to the
 * Micrometer registry behind our own.
 */
final class JvmMeters {
    private JvmMeters() {}

    /** Binds the meters; the returned handle stops GC notifications when closed. */
    static JvmGcMetrics bindTo(MeterRegistry registry) {
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
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(m);
        new JvmThreadMetrics().bindTo(m);
        new ClassLoaderMetrics().bindTo(m);
        new ProcessorMetrics().bindTo(m);
        new UptimeMetrics().bindTo(m);
        new FileDescriptorMetrics().bindTo(m);
        return gc;
    }
}
