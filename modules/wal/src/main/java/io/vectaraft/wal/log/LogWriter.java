package io.vectaraft.wal.log;

import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.LogWriteException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends entries to the active log file, makes them durable under the fsync policy (through {@link
 * GroupCommit}), and rotates the file into sealed segments.
 *
 * <p>Failure: a failed write is rolled back (the file is truncated to where the entry started) and
 * only that append fails. A failed force, rotation or roll-back poisons the log for good: every
 * later append and wait fails, and the store keeps serving reads.
 *
 * <p>Locks: the append lock, then the group-commit lock (inside {@link GroupCommit#whileQuiet}),
 * never the other way round.
 */
public final class LogWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());

    private final Path activePath;
    private final LogChannelFactory channels;
    private final FsyncPolicy policy;
    private final ScheduledExecutorService intervalSync;
    private final GroupCommit commit;

    /**
     * Entries reach the file through this one direct buffer. Writing a heap buffer makes the JDK
     * copy it into a temporary direct buffer of its own, which it frees and reallocates whenever an
     * entry is larger than the last (every few upserts): fresh native memory each time, and page
     * faults are dear on virtual machines. A fixed buffer is allocated and touched once.
     */
    static final int STAGING_BYTES = 1 << 20;

    private final ReentrantLock appendLock = new ReentrantLock();
    // Guarded by appendLock:
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    private LogChannel channel;
    private long position;
    private long lastSeq;
    private long activeFirstSeq;
    private final List<Segments.Segment> sealed;
    private boolean closed;

    private LogWriter(
            Path activePath,
            LogChannelFactory channels,
            FsyncPolicy policy,
            Duration interval,
            long lastSeq,
            List<Segments.Segment> sealed)
            throws IOException {
        this.activePath = activePath;
        this.channels = channels;
        this.policy = policy;
        this.lastSeq = lastSeq;
        this.sealed = new ArrayList<>(sealed);
        this.channel = channels.open(activePath);
        this.position = channel.size();
        this.activeFirstSeq = lastSeq + 1;
        if (position == 0) {
            writeHeader();
        }
        channel.position(position);
        this.commit = new GroupCommit(activePath, channel, lastSeq);
        if (policy == FsyncPolicy.INTERVAL) {
            intervalSync =
                    Executors.newSingleThreadScheduledExecutor(
                            r ->
                                    Thread.ofPlatform()
                                            .daemon()
                                            .name("vectaraft-wal-fsync")
                                            .unstarted(r));
            long ms = Math.max(1, interval.toMillis());
            intervalSync.scheduleWithFixedDelay(commit::syncQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            intervalSync = null;
        }
    }

    /**
     * Opens the active file for appending after recovery, writing a header into an empty or new
     * file. {@code lastSeq} is the highest sequence number already used (log or snapshot); {@code
     * activeFirstSeq} the first sequence number in the active file, or {@code lastSeq + 1} if it
     * has no entries; {@code sealed} the older segments in order.
     */
    public static LogWriter open(
            Path activePath,
            LogChannelFactory channels,
            FsyncPolicy policy,
            Duration interval,
            long lastSeq,
            long activeFirstSeq,
            List<Segments.Segment> sealed)
            throws IOException {
        LogWriter w = new LogWriter(activePath, channels, policy, interval, lastSeq, sealed);
        w.activeFirstSeq = activeFirstSeq;
        return w;
    }

    private void writeHeader() throws IOException {
        channel.position(0);
        writeFully(ByteBuffer.wrap(LogFormat.header()));
        position = channel.position();
        if (policy != FsyncPolicy.NONE) {
            Fsync.force(channel);
            Fsync.forceDirectory(activePath.toAbsolutePath().getParent());
        }
    }

    /**
     * Appends one entry and returns its sequence number. The entry is written (to the OS) but not
     * necessarily durable: call {@link #awaitDurable}.
     *
     * @throws LogWriteException when the write fails (nothing of it stays in the file) or the log
     *     refuses writes after a failed fsync
     */
    public long append(byte[] payload) {
        int crc = LogFormat.crc(payload);
        appendLock.lock();
        try {
            checkWritable();
            long seq = lastSeq + 1;
            long start = position;
            byte[] prefix = LogFormat.prefix(seq, crc);
            try {
                writeStaged(prefix, payload, LogFormat.suffix());
            } catch (IOException e) {
                rollBack(start, e);
                throw new LogWriteException(
                        "wal file "
                                + activePath
                                + " offset "
                                + start
                                + ": append of entry seq "
                                + seq
                                + " failed: "
                                + e.getMessage(),
                        e);
            }
            position = start + prefix.length + payload.length + 2;
            lastSeq = seq;
            commit.publish(channel, seq);
            return seq;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Writes the parts through the staging buffer: one system call per entry up to {@link
     * #STAGING_BYTES}, one per buffer-full above that.
     */
    private void writeStaged(byte[]... parts) throws IOException {
        staging.clear();
        for (byte[] part : parts) {
            for (int done = 0; done < part.length; ) {
                if (!staging.hasRemaining()) {
                    staging.flip();
                    writeFully(staging);
                    staging.clear();
                }
                int n = Math.min(staging.remaining(), part.length - done);
                staging.put(part, done, n);
                done += n;
            }
        }
        staging.flip();
        writeFully(staging);
    }

    private void writeFully(ByteBuffer... bufs) throws IOException {
        // A FileChannel closes itself when its thread is interrupted in the middle of I/O, which
        // would break the log for everyone; so I/O runs with the interrupt flag cleared and the
        // flag is restored afterwards. (An interrupt landing during the call itself still closes
        // the channel: the append then fails and the log refuses writes until restart.)
        boolean interrupted = Thread.interrupted();
        try {
            while (bufs[bufs.length - 1].hasRemaining()) {
                channel.write(bufs);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cuts a partial entry off, so the next append starts on a clean line. */
    private void rollBack(long start, IOException cause) {
        try {
            channel.truncate(start);
            channel.position(start);
        } catch (IOException e) {
            cause.addSuppressed(e);
            commit.fail(
                    new IOException("could not roll back a failed append at offset " + start, e));
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new LogWriteException("wal file " + activePath + ": the log is closed", null);
        }
        if (commit.failure() != null) {
            throw commit.refused();
        }
    }

    /** Whether {@link #awaitDurable} waits for a force (the {@code always} policy). */
    public boolean waitsForForce() {
        return policy == FsyncPolicy.ALWAYS;
    }

    /** Returns once entry {@code seq} is as durable as the policy promises. */
    public void awaitDurable(long seq) {
        if (policy == FsyncPolicy.ALWAYS) {
            commit.syncTo(seq);
        }
    }

    /** Bytes in the active file. */
    public long activeBytes() {
        appendLock.lock();
        try {
            return position;
        } finally {
            appendLock.unlock();
        }
    }

    /** The highest sequence number appended. */
    public long lastSeq() {
        appendLock.lock();
        try {
            return lastSeq;
        } finally {
            appendLock.unlock();
        }
    }

    /** Group-commit forces done so far, and the time they took in total. */
    public long forces() {
        return commit.forces();
    }

    public long forceNanos() {
        return commit.forceNanos();
    }

    /** Whether the log still accepts writes. */
    public boolean healthy() {
        return commit.failure() == null;
    }

    /** The sealed segments, oldest first. */
    public List<Segments.Segment> sealed() {
        appendLock.lock();
        try {
            return List.copyOf(sealed);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Seals the active file as a segment and starts a new one, after forcing it (unless the policy
     * is NONE). Does nothing when the active file holds no entries.
     */
    public void rotate() {
        appendLock.lock();
        try {
            checkWritable();
            if (lastSeq < activeFirstSeq) {
                return;
            }
            try {
                commit.whileQuiet(this::swapActive);
            } catch (IOException e) {
                commit.fail(
                        new IOException(
                                "rotation of " + activePath + " failed: " + e.getMessage(), e));
                throw commit.refused();
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Runs with no force in flight, so closing the old channel cannot break a leader. */
    private void swapActive() throws IOException {
        Path sealedPath = Segments.sealedPath(activePath, activeFirstSeq);
        if (policy != FsyncPolicy.NONE) {
            Fsync.force(channel);
            commit.forcedUpTo(lastSeq);
        }
        channel.close();
        Files.move(activePath, sealedPath, StandardCopyOption.ATOMIC_MOVE);
        sealed.add(new Segments.Segment(sealedPath, activeFirstSeq, lastSeq));
        channel = channels.open(activePath);
        position = 0;
        writeHeader();
        activeFirstSeq = lastSeq + 1;
        commit.publish(channel, lastSeq);
        LOG.log(Level.INFO, "wal: sealed segment " + sealedPath + ", new active " + activePath);
    }

    /** Deletes the sealed segments whose every entry is at or below {@code seq}. */
    public List<Path> deleteCovered(long seq) throws IOException {
        List<Path> deleted = new ArrayList<>();
        appendLock.lock();
        try {
            while (!sealed.isEmpty() && sealed.getFirst().lastSeq() <= seq) {
                Path p = sealed.removeFirst().path();
                Files.deleteIfExists(p);
                deleted.add(p);
            }
        } finally {
            appendLock.unlock();
        }
        if (!deleted.isEmpty() && policy != FsyncPolicy.NONE) {
            Fsync.forceDirectory(activePath.toAbsolutePath().getParent());
        }
        return deleted;
    }

    /**
     * Closes the file without forcing anything: what was written stays in the OS's cache, as after
     * a process kill. For crash tests.
     */
    public void abandon() {
        stopIntervalSync();
        appendLock.lock();
        try {
            closed = true;
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "wal: closing " + activePath + " failed", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Cancels the periodic force and waits for one in flight. Not {@code shutdownNow}: interrupting
     * a thread inside {@code FileChannel.force} closes the channel, which would fail that force and
     * poison the log on the way out.
     */
    private void stopIntervalSync() {
        if (intervalSync == null) {
            return;
        }
        intervalSync.shutdown();
        try {
            if (!intervalSync.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "wal: the interval fsync did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forces what was appended (for every policy: this is the graceful path) and closes. */
    @Override
    public void close() {
        stopIntervalSync();
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (commit.failure() == null) {
                try {
                    commit.syncTo(lastSeq);
                } catch (LogWriteException e) {
                    LOG.log(Level.ERROR, "wal: final fsync failed", e);
                }
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "wal: closing " + activePath + " failed", e);
            }
        } finally {
            appendLock.unlock();
        }
    }
}
