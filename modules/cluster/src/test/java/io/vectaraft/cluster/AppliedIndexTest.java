package io.vectaraft.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AppliedIndexTest {

    @Test
    void aWaitCompletesOnceItsIndexIsAppliedAndNotBefore() {
        AppliedIndex applied = new AppliedIndex();
        applied.advance(5);
        assertTrue(applied.reached(5).isDone(), "applied already");

        CompletableFuture<Void> seven = applied.reached(7);
        CompletableFuture<Void> nine = applied.reached(9);
        applied.advance(6);
        assertFalse(seven.isDone(), "6 < 7");
        applied.advance(8);
        assertTrue(seven.isDone(), "8 >= 7");
        assertFalse(nine.isDone(), "8 < 9");
        applied.advance(3);
        assertFalse(nine.isDone(), "an index never goes back");
        applied.advance(12);
        assertTrue(nine.isDone(), "12 >= 9");
        assertTrue(applied.reached(11).isDone());
    }

    @Test
    void aBlockingWaitEndsAtItsDeadlineOrWhenTheIndexIsApplied() throws Exception {
        AppliedIndex applied = new AppliedIndex();
        applied.advance(2);
        assertTrue(applied.await(2, System.nanoTime()), "applied already, even past the deadline");
        assertFalse(
                applied.await(3, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)),
                "3 is not applied by the deadline");
        assertEquals(0, applied.pendingWaits(), "a timed-out wait is not left queued");

        Thread.currentThread().interrupt();
        assertThrows(
                InterruptedException.class,
                () -> applied.await(4, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
        assertEquals(0, applied.pendingWaits(), "an interrupted wait is not left queued");

        CompletableFuture<Boolean> waiting =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return applied.await(
                                        10, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        applied.advance(10);
        assertTrue(waiting.get(30, TimeUnit.SECONDS), "released by the index reaching 10");
    }
}
