package io.vectaraft.server.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Events recorded before the registry exists reach it, exactly once, whatever the timing. */
class DeferredMetricsTest {
    private static long count(ServerMetrics m, String name, Tag... tags) {
        return m.registry()
                .meter(Counter.class, name, List.of(tags))
                .map(Counter::count)
                .orElse(0L);
    }

    @Test
    void eventsBeforeAttachAreReplayedAndLaterOnesForwarded() {
        try (DeferredMetrics deferred = new DeferredMetrics()) {
            deferred.upserted("c", 3);
            deferred.queried("c", 2, 40);
            ServerMetrics metrics = deferred.attach(new ServerMetrics());
            assertEquals(3, count(metrics, "vectaraft_vectors_upserted"), "replayed upserts");
            assertEquals(2, count(metrics, "vectaraft_queries"), "replayed queries");
            assertEquals(40, count(metrics, "vectaraft_query_candidates_scanned"));

            deferred.upserted("c", 4);
            assertEquals(7, count(metrics, "vectaraft_vectors_upserted"), "forwarded after attach");
        }
    }

    @Test
    void gRpcCallsBeforeAttachAreCountedAndTimed() {
        try (DeferredMetrics deferred = new DeferredMetrics()) {
            CallRecorder early = deferred::record;
            early.record("Ping", Status.Code.OK, null, 1_000_000);
            early.record("Query", Status.Code.NOT_FOUND, null, 2_000_000);
            ServerMetrics metrics = deferred.attach(new ServerMetrics());
            Tag ping = Tag.create("method", "Ping");
            assertEquals(
                    1,
                    count(metrics, GrpcCallMeters.REQUESTS, ping, Tag.create("code", "OK")),
                    "the Ping answered before /metrics listened");
            assertEquals(
                    1,
                    count(
                            metrics,
                            GrpcCallMeters.REQUESTS,
                            Tag.create("method", "Query"),
                            Tag.create("code", "NOT_FOUND")));
            Timer timer =
                    metrics.registry()
                            .meter(Timer.class, GrpcCallMeters.DURATION, List.of(ping))
                            .orElseThrow();
            assertEquals(1, timer.count(), "one Ping timed");
        }
    }

    @Test
    void noEventIsLostOrDoubledWhileAttachRacesWriters() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (DeferredMetrics deferred = new DeferredMetrics()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    for (int i = 0; i < perThread; i++) {
                                        deferred.upserted("c", 1);
                                    }
                                    return null;
                                }));
            }
            ServerMetrics metrics = new ServerMetrics();
            go.countDown();
            deferred.attach(metrics);
            for (Future<?> w : writers) {
                w.get();
            }
            assertEquals(
                    (long) threads * perThread,
                    count(metrics, "vectaraft_vectors_upserted"),
                    "every upsert counted once, before, during or after attach");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void attachAfterCloseClosesTheMetricsAndEventsAreDropped() {
        DeferredMetrics deferred = new DeferredMetrics();
        deferred.upserted("c", 1);
        deferred.close();
        deferred.upserted("c", 1);
        ServerMetrics metrics = new ServerMetrics();
        deferred.attach(metrics);
        assertFalse(
                metrics.registry().meters().stream()
                        .anyMatch(
                                m ->
                                        m.id().name().equals("vectaraft_vectors_upserted")
                                                && ((Counter) m).count() > 0),
                "nothing replayed into metrics attached after close");
    }

    @Test
    void attachingTwiceIsAnError() {
        try (DeferredMetrics deferred = new DeferredMetrics()) {
            deferred.attach(new ServerMetrics());
            try (ServerMetrics second = new ServerMetrics()) {
                IllegalStateException e =
                        assertThrows(IllegalStateException.class, () -> deferred.attach(second));
                assertTrue(e.getMessage().contains("already attached"), e.getMessage());
            }
        }
    }
}
