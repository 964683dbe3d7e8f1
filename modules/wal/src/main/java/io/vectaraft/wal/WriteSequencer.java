package io.vectaraft.wal;

import io.vectaraft.index.VectorCollection;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The write path of one collection. Appends are ordered by {@link #order}, which hands out a ticket
 * with each log entry; entries are applied strictly in ticket order, so the in-memory order of a
 * collection's mutations equals their log order, while the wait for durability between the two
 * happens outside any lock (that is what lets writers share an fsync).
 */
final class WriteSequencer {
    final VectorCollection collection;

    /** Held across "append to the log, take a ticket" so tickets follow log order. */
    final ReentrantLock order = new ReentrantLock();

    private long issued; // guarded by order

    private final ReentrantLock applyLock = new ReentrantLock();
    private final Condition turn = applyLock.newCondition();
    private long applied; // guarded by applyLock

    WriteSequencer(VectorCollection collection) {
        this.collection = collection;
    }

    /** The next ticket; call with {@link #order} held, right after the append. */
    long issue() {
        return ++issued;
    }

    /** Waits until every ticket issued so far has been applied or skipped; {@link #order} held. */
    void drain() {
        awaitTurn(issued + 1);
        applyLock.unlock();
    }

    /** Waits for this ticket's turn, runs the action, and passes the turn on. */
    <T> T applyInTurn(long ticket, Supplier<T> action) {
        awaitTurn(ticket);
        try {
            return action.get();
        } finally {
            applied = ticket;
            turn.signalAll();
            applyLock.unlock();
        }
    }

    /** Passes the turn on without applying (the entry never became durable). */
    void skip(long ticket) {
        applyInTurn(ticket, () -> null);
    }

    /** Returns holding applyLock once {@code applied == ticket - 1}. */
    private void awaitTurn(long ticket) {
        applyLock.lock();
        while (applied < ticket - 1) {
            turn.awaitUninterruptibly();
        }
    }
}
