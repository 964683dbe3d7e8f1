package io.vectaraft.wal.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The only place that forces data to the device. The fsync policy decides when these are called;
 * nothing else in the storage layer calls {@code force}.
 */
public final class Fsync {
    private Fsync() {}

    /** Forces a log file's data (not its metadata beyond what is needed to read it back). */
    public static void force(LogChannel channel) throws IOException {
        channel.force();
    }

    /** Forces a snapshot file, data and metadata. */
    public static void force(FileChannel channel) throws IOException {
        channel.force(true);
    }

    /**
     * Forces a directory, so that files created, renamed or deleted in it survive a crash. Linux
     * supports this; platforms that cannot open a directory for reading are skipped.
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Windows cannot open directories; the rename is as durable as the OS makes it.
        }
    }
}
