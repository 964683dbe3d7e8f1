package io.vectaraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The coalescing of linearizable reads: the requests are futures this test completes. */
class ReadBarrierTest {
    /** The ReadIndex requests sent, in order; the test answers them. */
    private final LinkedBlockingQueue<CompletableFuture<Object>> sent = new LinkedBlockingQueue<>();

    private final ReadBarrier barrier =
            new ReadBarrier(
                    () -> {
                        CompletableFuture<Object> request = new CompletableFuture<>();
                        sent.add(request);
                        return request;
                    });

    private CompletableFuture<Object> nextRequest() throws InterruptedException {
        CompletableFuture<Object> r = sent.poll(10, TimeUnit.SECONDS);
        assertTrue(r != null, "a ReadIndex request was sent");
        return r;
    }

    @Test
    void aReadArrivingWhileARequestIsInFlightWaitsForTheNextOne() throws Exception {
        CompletableFuture<Void> first = barrier.await();
        CompletableFuture<Object> firstRequest = nextRequest();
        // These began after the first request was sent: its read index may predate them.
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(barrier.await());
        }
        assertTrue(sent.isEmpty(), "one request in flight at a time");
        firstRequest.complete("applied");
        assertTrue(first.isDone(), "the first read is released by its own request");
        for (CompletableFuture<Void> l : later) {
            assertFalse(l.isDone(), "a later read is not released by an earlier request");
        }
        CompletableFuture<Object> second = nextRequest();
        assertTrue(sent.isEmpty(), "the five later reads share one request");
        second.complete("applied");
        for (CompletableFuture<Void> l : later) {
            l.get(10, TimeUnit.SECONDS);
        }
        assertEquals(2, barrier.requests(), "requests");
        assertEquals(6, barrier.reads(), "reads");
    }

    @Test
    void aReadWithNothingInFlightSendsAtOnce() throws Exception {
        CompletableFuture<Void> a = barrier.await();
        nextRequest().complete("applied");
        a.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> b = barrier.await();
        assertFalse(b.isDone(), "a new read needs a new request");
        nextRequest().complete("applied");
        b.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFailedRequestFailsItsReadsAndTheNextRequestStillGoes() throws Exception {
        CompletableFuture<Void> a = barrier.await();
        CompletableFuture<Object> first = nextRequest();
        CompletableFuture<Void> b = barrier.await();
        IllegalStateException noLeader = new IllegalStateException("leader unknown");
        first.completeExceptionally(noLeader);
        ExecutionException failed =
                assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
        assertSame(noLeader, failed.getCause(), "the reason reaches the read");
        nextRequest().complete("applied");
        b.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestThatCannotBeSentFailsItsReads() {
        ReadBarrier broken =
                new ReadBarrier(
                        () -> {
                            throw new IllegalStateException("server closed");
                        });
        CompletableFuture<Void> read = broken.await();
        assertTrue(read.isCompletedExceptionally(), "failed at once");
        CompletableFuture<Void> again = broken.await();
        assertTrue(again.isCompletedExceptionally(), "and the barrier is not stuck");
    }
}
