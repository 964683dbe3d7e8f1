package io.vectaraft.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
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
}
