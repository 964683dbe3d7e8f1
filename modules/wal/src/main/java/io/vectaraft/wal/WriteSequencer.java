package io.vectaraft.wal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Orders the writes of one collection: its log appends happen one at a time under the order lock,
 * and what was appended is applied strictly in append order, so the collection's in-memory order of
 * mutations equals its log order. When a write must wait for an fsync between its append and its
 * apply, it takes a ticket under the order lock and waits outside any lock (that is what lets
 * writers share an fsync), then {@link #applyInTurn} applies tickets in order.
 *
 * <p>Every lock is taken and released within one method.
 */
final class WriteSequencer {
    private final ReentrantLock order = new ReentrantLock();
    private long issued; // guarded by order

    private final ReentrantLock applyLock = new ReentrantLock();
    private final Condition turn = applyLock.newCondition();
    private long applied; // guarded by applyLock

    /** A value appended under the order lock, and its place in the apply order. */
    record Ticket<T>(long number, T value) {}

    /** Runs {@code step} (append and apply together: nothing to wait for between) in order. */
    <T> T inOrder(Supplier<T> step) {
        order.lock();
        try {
            return step.get();
        } finally {
            order.unlock();
        }
    }

    /**
     * Runs {@code step} (an append) in order and gives its result the next ticket; a null result
     * (nothing appended) takes none. With {@code drain}, first waits until every ticket issued so
     * far has been applied, so the step sees every earlier write (a delete by filter resolves its
     * ids this way).
     */
    <T> Ticket<T> ticketInOrder(boolean drain, Supplier<T> step) {
        if (drain) {
            // Most of the draining first, without the order lock: the writes issued so far wait
            // for their fsync and their turn, and holding the order lock through that kept every
            // other writer of the collection from even appending (a delete by filter cost them
            // a whole fsync and apply cycle). Under the lock below only what came meanwhile.
            awaitApplied(issued());
        }
        order.lock();
        try {
            if (drain) {
                awaitApplied(issued);
            }
            T value = step.get();
            return value == null ? null : new Ticket<>(++issued, value);
        } finally {
            order.unlock();
        }
    }

    /**
     * Waits for the ticket's turn, runs {@code apply}, and passes the turn on (also on failure).
     */
    <R> R applyInTurn(Ticket<?> ticket, Supplier<R> apply) {
        applyLock.lock();
        try {
            while (applied < ticket.number() - 1) {
                turn.awaitUninterruptibly();
            }
            return apply.get();
        } finally {
            applied = ticket.number();
            turn.signalAll();
            applyLock.unlock();
        }
    }

    /** Passes the turn on without applying (the entry never became durable). */
    void skip(Ticket<?> ticket) {
        applyInTurn(ticket, () -> null);
    }

    private long issued() {
        order.lock();
        try {
            return issued;
        } finally {
            order.unlock();
        }
    }

    private void awaitApplied(long ticket) {
        applyLock.lock();
        try {
            while (applied < ticket) {
                turn.awaitUninterruptibly();
            }
        } finally {
            applyLock.unlock();
        }
    }
}
