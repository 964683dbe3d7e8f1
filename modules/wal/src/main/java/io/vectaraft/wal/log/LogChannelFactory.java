package io.vectaraft.wal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens log files for writing (creating them when missing). Replaced in fault-injection tests. */
@FunctionalInterface
public interface LogChannelFactory {

    LogChannel open(Path path) throws IOException;

    /** Plain {@link FileChannel}s. */
    static LogChannelFactory files() {
        return path -> {
            FileChannel ch =
                    FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new LogChannel() {
                @Override
                public int write(ByteBuffer src) throws IOException {
                    return ch.write(src);
                }

                @Override
                public long write(ByteBuffer[] srcs) throws IOException {
                    return ch.write(srcs);
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
                    ch.force(false);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        };
    }
}
