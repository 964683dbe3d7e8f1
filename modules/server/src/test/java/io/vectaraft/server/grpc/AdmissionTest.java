package io.vectaraft.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.index.InvalidArgumentException;
import io.vectaraft.server.config.Limits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cost bounds and the search slots, with real threads. */
class AdmissionTest {
    /** Threads of their own: the common pool may have a single worker on a 2-core machine. */
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static Admission admission(int slots, Duration queue) {
        return new Admission(new Limits(1000, 1_000_000, 10, slots, queue, 90));
    }

    @Test
    void resultsOverTheLimitNameItAndItsSetting() {
        Admission a = admission(1, Duration.ofSeconds(1));
        a.results("Query: top_k 1000", 1000, false, 8);
        InvalidArgumentException e =
                assertThrows(
                        InvalidArgumentException.class,
                        () -> a.results("QueryBatch: 2 queries x top_k 1000", 2000, false, 8));
        assertEquals(
                "QueryBatch: 2 queries x top_k 1000 = 2000 results: expected at most 1000 per"
                        + " request (setting limits.max-results)",
                e.getMessage());
    }

    @Test
    void estimatedReplyBytesOverTheLimitNameItAndItsSetting() {
        Admission a = admission(1, Duration.ofSeconds(1));
        a.results("Get: 1000 ids", 1000, false, 4096);
        InvalidArgumentException e =
                assertThrows(
                        InvalidArgumentException.class,
                        () -> a.results("Get: 1000 ids", 1000, true, 4096));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "Get: 1000 ids with values of dimension 4096: an estimated"
                                        + " 16512000 reply bytes, expected at most 1000000"
                                        + " (setting limits.max-response-bytes)"),
                e.getMessage());
    }

    @Test
    void aCallFindingNoFreeSlotInTimeIsResourceExhausted() throws Exception {
        Admission a = admission(1, Duration.ofMillis(50));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder =
                CompletableFuture.supplyAsync(
                        () ->
                                a.admitted(
                                        () -> {
                                            holding.countDown();
                                            await(release);
                                            return "held";
                                        }),
                        threads);
        assertTrue(holding.await(30, TimeUnit.SECONDS), "the first call holds the slot");
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> a.admitted(() -> "second"));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals(
                "server busy: 1 searches running (setting limits.max-concurrent-searches) and none"
                        + " finished within 50 ms (setting limits.queue-timeout-ms); retry later",
                e.getStatus().getDescription());
        release.countDown();
        assertEquals("held", holder.get(30, TimeUnit.SECONDS));
        assertEquals("third", a.admitted(() -> "third"), "the slot is free again");
    }

    @Test
    void aQueuedCallRunsWhenASlotFreesInTime() throws Exception {
        Admission a = admission(1, Duration.ofSeconds(60));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder =
                CompletableFuture.supplyAsync(
                        () ->
                                a.admitted(
                                        () -> {
                                            holding.countDown();
                                            await(release);
                                            return "first";
                                        }),
                        threads);
        assertTrue(holding.await(30, TimeUnit.SECONDS));
        CompletableFuture<String> queued =
                CompletableFuture.supplyAsync(() -> a.admitted(() -> "queued"), threads);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (a.queued() == 0) {
            assertTrue(System.nanoTime() < deadline, "the second call queues");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        release.countDown();
        assertEquals("first", holder.get(30, TimeUnit.SECONDS));
        assertEquals("queued", queued.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aFailingCallGivesItsSlotBack() {
        Admission a = admission(1, Duration.ofMillis(10));
        assertThrows(
                IllegalStateException.class,
                () ->
                        a.admitted(
                                () -> {
                                    throw new IllegalStateException("boom");
                                }));
        assertEquals("ok", a.admitted(() -> "ok"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
