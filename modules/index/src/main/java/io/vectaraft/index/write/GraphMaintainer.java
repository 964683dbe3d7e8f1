package io.vectaraft.index.write;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs one collection's graph maintenance (linking queued records, rebuilding after many deletes)
 * on a background thread, so that the log's apply path only stores records and never waits for the
 * graph. At most one run is in flight per collection; a request that arrives during a run makes it
 * go round again, so no request is lost and none starts a second thread.
 *
 * <p>Thread-safe. {@link #request} never blocks; {@link #awaitIdle} waits until every request made
 * before it has been served.
 */
final class GraphMaintainer {
    private static final System.Logger LOG = System.getLogger(GraphMaintainer.class.getName());

    private final Executor executor;
    private final Runnable work;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();

    /**
     * @param work one pass of maintenance: returns when nothing is left to do (new requests that
     *     arrive meanwhile are served by another pass)
     */
    GraphMaintainer(Executor executor, Runnable work) {
        this.executor = executor;
        this.work = work;
    }

    /** Asks for a pass; starts one unless one is running (which will then go round again). */
    void request() {
        requested.set(true);
        startIfIdle();
    }

    private void startIfIdle() {
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                // Shutting down: the records stay queued, searchable by exact scan.
                requested.set(false);
                running.set(false);
                signalIdle();
            }
        }
    }

    private void run() {
        try {
            while (requested.getAndSet(false)) {
                work.run();
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "graph maintenance failed; queued records stay searchable", e);
        } finally {
            running.set(false);
            signalIdle();
        }
        // A request that came after the last check but before running was cleared found a run
        // in flight and started none: serve it.
        if (requested.get()) {
            startIfIdle();
        }
    }

    private void signalIdle() {
        idleLock.lock();
        try {
            idle.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    /** Whether no pass is running or requested. */
    boolean idle() {
        return !running.get() && !requested.get();
    }

    /** Waits until no pass is running or requested (tests, and callers that need a full graph). */
    void awaitIdle() throws InterruptedException {
        idleLock.lock();
        try {
            while (!idle()) {
                idle.await();
            }
        } finally {
            idleLock.unlock();
        }
    }
}
