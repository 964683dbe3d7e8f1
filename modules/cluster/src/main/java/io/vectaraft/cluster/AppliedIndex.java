package io.vectaraft.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/** The highest log index applied on this node, and waits for it to reach a given index. */
final class AppliedIndex {
    private final ReentrantLock lock = new ReentrantLock();
    private long index; // guarded by lock
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(); // guarded by lock

    private record Waiter(long target, CompletableFuture<Void> reached)
            implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return Long.compare(target, o.target);
        }
    }

    void advance(long to) {
        List<Waiter> done = List.of();
        lock.lock();
        try {
            if (to > index) {
                index = to;
                while (!waiters.isEmpty() && waiters.peek().target() <= index) {
                    if (done.isEmpty()) {
                        done = new ArrayList<>();
                    }
                    done.add(waiters.poll());
                }
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: a waiter's continuation may run on this (Ratis's apply) thread.
        done.forEach(w -> w.reached().complete(null));
    }

    /** Completes once {@code target} is applied; never exceptionally (callers bound the wait). */
    CompletableFuture<Void> reached(long target) {
        lock.lock();
        try {
            if (index >= target) {
                return CompletableFuture.completedFuture(null);
            }
            Waiter w = new Waiter(target, new CompletableFuture<>());
            waiters.add(w);
            return w.reached();
        } finally {
            lock.unlock();
        }
    }

    /** How many waits are pending (a wait that was given up must not stay queued). */
    int pendingWaits() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    long get() {
        lock.lock();
        try {
            return index;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code target} is applied or {@code deadlineNanos} ({@link System#nanoTime})
     * passes; a wait that times out or is interrupted leaves no waiter behind.
     */
    boolean await(long target, long deadlineNanos) throws InterruptedException {
        CompletableFuture<Void> wait = reached(target);
        try {
            wait.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return forget(wait, target);
        } catch (InterruptedException e) {
            forget(wait, target);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a wait never completes exceptionally", e);
        }
    }

    /** Drops an abandoned wait; whether its target was applied meanwhile. */
    private boolean forget(CompletableFuture<Void> wait, long target) {
        lock.lock();
        try {
            waiters.removeIf(w -> w.reached() == wait);
            return index >= target;
        } finally {
            lock.unlock();
        }
    }
}
