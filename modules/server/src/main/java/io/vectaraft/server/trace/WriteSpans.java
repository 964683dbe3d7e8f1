package io.vectaraft.server.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.vectaraft.wal.WriteObserver;
import java.util.Locale;

/** A child span of the current RPC for each stage of a write ({@code wal.log_append}, ...). */
final class WriteSpans implements WriteObserver {
    private final Tracer tracer;

    WriteSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Stage begin(WriteStage stage) {
        if (!Span.current().getSpanContext().isValid()) {
            return Stage.NONE; // not inside a traced RPC (recovery, snapshots)
        }
        Span span = tracer.spanBuilder(name(stage)).startSpan();
        return span::end;
    }

    static String name(WriteStage stage) {
        String lower = stage.name().toLowerCase(Locale.ROOT);
        return stage == WriteStage.APPLY ? "index.apply" : "wal." + lower;
    }
}
