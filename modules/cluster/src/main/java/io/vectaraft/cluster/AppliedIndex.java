package io.vectaraft.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The highest log index applied on this node, and waits for it to reach a given index. */
final class AppliedIndex {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private long index; // guarded by lock

    void advance(long to) {
        lock.lock();
        try {
            if (to > index) {
                index = to;
                advanced.signalAll();
            }
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
     * passes.
     */
    boolean await(long target, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (index < target) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                advanced.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
