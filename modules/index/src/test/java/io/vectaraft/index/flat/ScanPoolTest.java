package io.vectaraft.index.flat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanPoolTest {

    @Test
    void callerIsWorkerZeroAndEveryStartedWorkerRunsOnce() {
        ScanPool pool = new ScanPool(3);
        ConcurrentHashMap<Integer, Thread> ran = new ConcurrentHashMap<>();
        int used = pool.run(8, w -> assertEquals(null, ran.put(w, Thread.currentThread())));
        assertTrue(used >= 1 && used <= 3, "at most parallelism workers, got " + used);
        assertEquals(used, ran.size());
        assertSame(Thread.currentThread(), ran.get(0), "worker 0 runs on the caller");
    }

    @Test
    void singleWorkerPoolRunsOnTheCaller() {
        ScanPool pool = new ScanPool(1);
        AtomicInteger calls = new AtomicInteger();
        assertEquals(1, pool.run(4, w -> calls.incrementAndGet()));
        assertEquals(1, calls.get());
    }

    @Test
    void aHelpersFailureIsRethrownToTheCaller() {
        ScanPool pool = new ScanPool(2);
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                pool.run(
                                        2,
                                        w -> {
                                            throw new IllegalStateException("worker " + w);
                                        }));
        assertTrue(e.getMessage().startsWith("worker "), e.getMessage());
        // Permits came back: the pool still lends its helper.
        AtomicInteger calls = new AtomicInteger();
        pool.run(2, w -> calls.incrementAndGet());
        assertTrue(calls.get() >= 1);
    }
}
