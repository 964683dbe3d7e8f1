package io.vectaraft.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Linearizable read barriers of one node, coalesced: concurrent reads share one ReadIndex request
 * (the pattern of etcd and TiKV). At most one request is in flight; a read that arrives while one
 * is in flight joins the next, which is sent when the one in flight completes, and every read
 * waiting then is released by that one answer.
 *
 * <p>Why a read may not join the request in flight: its read index may have been fixed by the
 * leader before the read began, and a write acknowledged in between would then be missing. A
 * request sent after the read began returns a commit index at least as high as any write
 * acknowledged before it, so the read sees all of them once this node has applied that index.
 */
final class ReadBarrier {
    private final Supplier<CompletableFuture<?>> readIndex;
    private final ReentrantLock lock = new ReentrantLock();
    private CompletableFuture<Void> next; // guarded by lock: joined by arriving reads, not sent yet
    private boolean inFlight; // guarded by lock
    private final LongAdder requests = new LongAdder();
    private final LongAdder reads = new LongAdder();

    /**
     * @param readIndex sends one ReadIndex request; its future completes once this node has applied
     *     the read index the leader returned (exceptionally when there is none)
     */
    ReadBarrier(Supplier<CompletableFuture<?>> readIndex) {
        this.readIndex = readIndex;
    }

    /**
     * A barrier for a read that begins now: completes once this node has applied every write
     * acknowledged before this call, or exceptionally with the reason there is no read index.
     */
    CompletableFuture<Void> await() {
        reads.increment();
        CompletableFuture<Void> joined;
        boolean send;
        lock.lock();
        try {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            joined = next;
            send = !inFlight;
            if (send) {
                inFlight = true;
                next = null;
            }
        } finally {
            lock.unlock();
        }
        if (send) {
            send(joined);
        }
        return joined;
    }

    /** ReadIndex requests sent, and reads served by them, since start. */
    long requests() {
        return requests.sum();
    }

    long reads() {
        return reads.sum();
    }

    private void send(CompletableFuture<Void> batch) {
        requests.increment();
        CompletableFuture<?> answer;
        try {
            answer = readIndex.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete(
                (ignored, failure) -> {
                    if (failure == null) {
                        batch.complete(null);
                    } else {
                        batch.completeExceptionally(failure);
                    }
                    CompletableFuture<Void> following;
                    lock.lock();
                    try {
                        following = next;
                        next = null;
                        inFlight = following != null;
                    } finally {
                        lock.unlock();
                    }
                    if (following != null) {
                        // Not on this thread: it may be one of Ratis's, and sending blocks until
                        // Ratis's client executor took the request.
                        Thread.startVirtualThread(() -> send(following));
                    }
                });
    }
}
