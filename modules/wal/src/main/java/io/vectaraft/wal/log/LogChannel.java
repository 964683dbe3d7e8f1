package io.vectaraft.wal.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The few file operations the log needs. An interface, so that tests can inject a channel that
 * fails part-way through a write or a force.
 */
public interface LogChannel extends AutoCloseable {

    /** Writes some bytes at the current position; returns how many. */
    int write(ByteBuffer src) throws IOException;

    /**
     * Writes some bytes of these buffers, in order, at the current position; returns how many. A
     * file channel does it in one (gathering) system call.
     */
    default long write(ByteBuffer[] srcs) throws IOException {
        long n = 0;
        for (ByteBuffer src : srcs) {
            n += write(src);
            if (src.hasRemaining()) {
                break;
            }
        }
        return n;
    }

    long position() throws IOException;

    void position(long newPosition) throws IOException;

    long size() throws IOException;

    void truncate(long size) throws IOException;

    /** Forces written data to the device; called only by {@link Fsync}. */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
