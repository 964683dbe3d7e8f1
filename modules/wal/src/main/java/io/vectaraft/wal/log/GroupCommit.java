package io.vectaraft.wal.log;

import io.vectaraft.wal.LogWriteException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: makes appended entries durable with as few forces as possible, and remembers a
 * failure for good.
 *
 * <p>A writer that needs entry {@code seq} durable either finds that a force already covered it,
 * waits for the force in progress, or becomes the leader: it reads the tail (the channel and the
 * last appended sequence number), forces without holding the lock, then publishes that number as
 * durable and wakes every waiter. Writers that append while a force runs are all covered by the
 * next one, so N concurrent writers share about one force per round instead of queueing N.
 *
 * <p>A failed force poisons the log for good: after a failed fsync the kernel may have dropped the
 * dirty pages, and a retry can report success without the data (PostgreSQL's "fsyncgate").
 *
 * <p>The appender publishes the tail after each append; whoever swaps the channel (rotation) does
 * so inside {@link #whileQuiet}, so no leader ever forces a channel that is being closed.
 */
final class GroupCommit {
    private static final System.Logger LOG = System.getLogger(GroupCommit.class.getName());

    /** The channel entries are appended to, and the last sequence number written to it. */
    record Tail(LogChannel channel, long lastSeq) {}

    /** An I/O step run while no force is in flight. */
    @FunctionalInterface
    interface QuietAction {
        void run() throws IOException;
    }

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long durableSeq; // guarded by lock
    private boolean forcing; // guarded by lock
    private volatile Tail tail;
    private volatile IOException failure;
    private final LongAdder forces = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();

    GroupCommit(Path file, LogChannel channel, long lastSeq) {
        this.file = file;
        this.tail = new Tail(channel, lastSeq);
        this.durableSeq = lastSeq;
    }

    /** Called by the appender (under its lock) after each append and channel swap. */
    void publish(LogChannel channel, long lastSeq) {
        tail = new Tail(channel, lastSeq);
    }

    IOException failure() {
        return failure;
    }

    /** Records the first failure; from now on every sync and append is refused. */
    void fail(IOException e) {
        if (failure == null) {
            failure = e;
            LOG.log(
                    Level.ERROR,
                    "wal file " + file + ": " + e.getMessage() + "; the log now refuses writes",
                    e);
        }
    }

    LogWriteException refused() {
        return new LogWriteException(
                "wal file "
                        + file
                        + ": the log refuses writes after an earlier failure ("
                        + failure.getMessage()
                        + "); restart the server once the disk is fixed",
                failure);
    }

    /** Returns once entry {@code seq} has been forced; throws if the log has failed. */
    void syncTo(long seq) {
        while (true) {
            Tail lead = leadOrAwait(seq);
            if (lead == null) {
                return;
            }
            // Until the force returns: a force ended by an unexpected exception counts as failed.
            IOException error = new IOException("the force ended with an unexpected exception");
            try {
                error = force(lead);
            } finally {
                finishLead(lead, error);
            }
        }
    }

    /**
     * Returns null once {@code seq} is durable; else waits for the force in flight, or, when none
     * is, claims the next force and returns the tail it must cover.
     */
    private Tail leadOrAwait(long seq) {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw refused();
                }
                if (durableSeq >= seq) {
                    return null;
                }
                if (!forcing) {
                    forcing = true;
                    return tail;
                }
                done.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forces the tail's channel with no lock held; returns the failure, if any. */
    private IOException force(Tail t) {
        // A FileChannel closes itself if its thread is interrupted during I/O; see LogWriter.
        boolean interrupted = Thread.interrupted();
        long start = System.nanoTime();
        try {
            Fsync.force(t.channel());
            forces.increment();
            forceNanos.add(System.nanoTime() - start);
            return null;
        } catch (IOException e) {
            return e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Publishes the outcome of a force and wakes every waiter (also when the force threw). */
    private void finishLead(Tail t, IOException error) {
        lock.lock();
        try {
            forcing = false;
            if (error != null) {
                fail(new IOException("fsync of " + file + " failed: " + describe(error), error));
            } else {
                durableSeq = Math.max(durableSeq, t.lastSeq());
            }
            done.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The message, or the exception's type when it has none (e.g. ClosedChannelException). */
    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Forces whatever was appended; failures are recorded, not thrown (background use). */
    void syncQuietly() {
        try {
            syncTo(tail.lastSeq());
        } catch (LogWriteException e) {
            // Recorded and logged by fail(); the next append reports it.
        }
    }

    /**
     * Runs {@code action} with no force in flight and none starting; if it forced the channel
     * itself it may report that through {@link #forcedUpTo} (only from inside the action).
     */
    void whileQuiet(QuietAction action) throws IOException {
        lock.lock();
        try {
            while (forcing) {
                done.awaitUninterruptibly();
            }
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Inside {@link #whileQuiet}: everything up to {@code seq} was forced by the action. */
    void forcedUpTo(long seq) {
        durableSeq = Math.max(durableSeq, seq);
    }

    long forces() {
        return forces.sum();
    }

    long forceNanos() {
        return forceNanos.sum();
    }
}
