package io.vectaraft.wal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One upsert or delete through the storage engine, for Java Flight Recorder: where its time went,
 * waits included (the {@link WriteObserver} stages time only the work). Off unless a recording
 * enables it (the JDK's default and profile settings do), and then nearly free: timestamps only.
 * {@code ./bench.sh soak} under a recording shows whether writes wait for the collection's order,
 * for the fsync, or for their turn and the collection's write lock (ADR 0012).
 */
@Name("io.vectaraft.Write")
@Label("Write")
@Category("Vectaraft")
@Description("An upsert or delete through the storage engine, by phase")
@StackTrace(false)
final class WriteEvent extends Event {
    @Label("Collection")
    String collection;

    @Label("Prepare")
    @Description("validation, with the structure lock shared")
    @Timespan
    long prepare;

    @Label("Order")
    @Description(
            "waiting for the collection's order lock (and, deleting by filter, for earlier"
                    + " writes to apply), then the log append")
    @Timespan
    long order;

    @Label("Durable")
    @Description("waiting for the fsync shared with other writers")
    @Timespan
    long durable;

    @Label("Apply")
    @Description("waiting for this write's turn and the collection's write lock, then applying")
    @Timespan
    long apply;
}
