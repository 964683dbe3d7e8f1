package io.vectaraft.wal;

import io.vectaraft.wal.log.Fsync;
import io.vectaraft.wal.log.Segments;
import io.vectaraft.wal.snapshot.SnapshotFiles;
import io.vectaraft.wal.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a snapshot file the whole state of a stopped server's data directory: the next start
 * recovers exactly that snapshot. The file is read back whole first (checksum, then every
 * collection, record and section); a damaged or foreign file is refused with the reason and nothing
 * is touched. Then the file is copied into the snapshot directory (under a temporary name, forced),
 * the current log segments and snapshots are moved aside into a {@code replaced-<millis>} directory
 * beside the snapshot directory (kept, never deleted), and the copy is renamed to its final name.
 * The log then starts again after the snapshot's sequence number.
 *
 * <p>The server must not be running on this directory (nothing here can tell). A crash in the
 * middle leaves every file either in place or in the set-aside directory.
 */
public final class OfflineRestore {
    private OfflineRestore() {}

    /**
     * What a restore did.
     *
     * @param sequence the restored snapshot's log position
     * @param installed where the snapshot now is
     * @param setAside where the replaced log and snapshots went (null when there were none)
     * @param moved how many files were set aside
     */
    public record Result(long sequence, Path installed, Path setAside, int moved) {}

    /**
     * @throws LogCorruptException naming the file and what is wrong when it is not a whole snapshot
     *     of this format; nothing was changed then
     */
    public static Result restore(Path file, StorageOptions options) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new LogCorruptException("snapshot " + file + ": expected a file, got none");
        }
        long sequence = SnapshotReader.check(file);
        Path dir = options.snapshotDir();
        Files.createDirectories(dir);
        Path target = SnapshotFiles.path(dir, sequence);
        // Copied before anything moves: the source may be one of the snapshots set aside below.
        Path temp = Files.createTempFile(dir, "restore-", ".tmp");
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                Fsync.force(ch);
            }
            List<Path> current = new ArrayList<>();
            SnapshotFiles.list(dir).forEach(s -> current.add(s.path()));
            Path wal = options.walPath();
            if (wal != null) {
                Segments.listSealed(wal).forEach(s -> current.add(s.path()));
                if (Files.exists(wal)) {
                    current.add(wal);
                }
            }
            Path aside = null;
            if (!current.isEmpty()) {
                aside =
                        dir.toAbsolutePath()
                                .resolveSibling("replaced-" + System.currentTimeMillis());
                Files.createDirectories(aside);
                for (Path p : current) {
                    Files.move(p, aside.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
                Fsync.forceDirectory(aside);
                if (wal != null) {
                    Fsync.forceDirectory(wal.toAbsolutePath().getParent());
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            Fsync.forceDirectory(dir);
            return new Result(sequence, target, aside, current.size());
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
