package io.vectaraft.wal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real file channels with injectable failures: a write that stores part of its bytes and then
 * throws (like a disk filling up mid-write), a force that throws, and counters.
 */
public final class FaultyChannels implements LogChannelFactory {
    private final LogChannelFactory real = LogChannelFactory.files();

    /** When >= 0: the next write stores this many bytes of the log stream, then throws. */
    public final AtomicLong failWriteAfterBytes = new AtomicLong(-1);

    public volatile boolean failForce;
    public final AtomicInteger forces = new AtomicInteger();
    public final AtomicLong bytesWritten = new AtomicLong();

    /** Runs after each write that ends a line (one per appended entry, and the header). */
    public volatile Runnable afterLine = () -> {};

    /** Runs before each force (e.g. to hold the first force until other writers have appended). */
    public volatile Runnable beforeForce = () -> {};

    @Override
    public LogChannel open(Path path) throws IOException {
        LogChannel ch = real.open(path);
        return new LogChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                long budget = failWriteAfterBytes.get();
                if (budget >= 0) {
                    if (budget < src.remaining()) {
                        ByteBuffer part = src.duplicate();
                        part.limit(part.position() + (int) budget);
                        int n = 0;
                        while (part.hasRemaining()) {
                            n += ch.write(part);
                        }
                        src.position(src.position() + n);
                        failWriteAfterBytes.set(-1);
                        throw new IOException("No space left on device (injected)");
                    }
                    failWriteAfterBytes.addAndGet(-src.remaining());
                }
                int n = ch.write(src);
                bytesWritten.addAndGet(n);
                if (n > 0 && !src.hasRemaining() && src.get(src.position() - 1) == '\n') {
                    afterLine.run();
                }
                return n;
            }

            @Override
            public long position() throws IOException {
                return ch.position();
            }

            @Override
            public void position(long newPosition) throws IOException {
                ch.position(newPosition);
            }

            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                ch.truncate(size);
            }

            @Override
            public void force() throws IOException {
                beforeForce.run();
                forces.incrementAndGet();
                if (failForce) {
                    throw new IOException("Input/output error (injected fsync failure)");
                }
                ch.force();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
