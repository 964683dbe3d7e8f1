package io.vectaraft.index.flat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A bounded pool of platform threads that helps queries scan in parallel, shared by every
 * collection so that many concurrent queries cannot oversubscribe the cores.
 *
 * <p>The calling thread always does part of the work itself and borrows only helpers that are idle
 * at that moment ({@link Semaphore#tryAcquire()}): when every helper is busy (many clients
 * querying), a query simply runs on its own thread, so load never queues behind the pool. Workers
 * pull parts from a shared counter, so a helper that starts late just finds less to do.
 *
 * <p>Thread-safe.
 */
public final class ScanPool {
    private static final ScanPool SHARED = new ScanPool(Runtime.getRuntime().availableProcessors());

    private final int parallelism;
    private final ExecutorService executor;
    private final Semaphore idleHelpers;

    /** A pool of {@code parallelism - 1} helpers (the caller is the last worker). */
    public ScanPool(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism: expected >= 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        AtomicInteger counter = new AtomicInteger();
        this.executor =
                parallelism == 1
                        ? null
                        : Executors.newFixedThreadPool(
                                parallelism - 1,
                                r -> {
                                    Thread t =
                                            new Thread(
                                                    r,
                                                    "vectaraft-scan-" + counter.incrementAndGet());
                                    t.setDaemon(true);
                                    return t;
                                });
        this.idleHelpers = new Semaphore(parallelism - 1);
    }

    /** The pool every collection shares: as many workers as available processors. */
    public static ScanPool shared() {
        return SHARED;
    }

    /** The most workers one call can use, the caller included. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Runs {@code worker.accept(w)} for worker numbers {@code w = 0 .. used-1}, where worker 0 runs
     * on the calling thread and the others on idle helpers (at most {@code maxWorkers - 1}).
     * Returns after every started worker finished, even if the caller is interrupted (workers read
     * state the caller guards with a lock). The first exception of any worker is rethrown.
     *
     * @return how many workers ran
     */
    public int run(int maxWorkers, IntConsumer worker) {
        int helpers = 0;
        while (helpers < Math.min(maxWorkers, parallelism) - 1 && idleHelpers.tryAcquire()) {
            helpers++;
        }
        if (helpers == 0) {
            worker.accept(0);
            return 1;
        }
        CountDownLatch done = new CountDownLatch(helpers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int h = 1; h <= helpers; h++) {
            int w = h;
            executor.execute(
                    () -> {
                        try {
                            worker.accept(w);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        } finally {
                            idleHelpers.release();
                            done.countDown();
                        }
                    });
        }
        try {
            worker.accept(0);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        awaitUninterruptibly(done);
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return helpers + 1;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
