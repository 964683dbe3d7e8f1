package io.vectaraft.wal;

import io.vectaraft.wal.log.LogWriter;
import io.vectaraft.wal.snapshot.SnapshotFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What stays on disk: the newest snapshot, the one before it, and every log segment after the one
 * before it. So when the newest snapshot turns out damaged, the previous one plus the log still
 * hold every acknowledged write. Run only once the newest snapshot has been read back whole: until
 * then it does not count, and nothing it covers may go.
 *
 * <p>With a single snapshot nothing is deleted: its fallback is the log from the start.
 */
final class SnapshotRetention {
    private static final System.Logger LOG = System.getLogger(SnapshotRetention.class.getName());

    private SnapshotRetention() {}

    /** Deletes the segments and snapshots the previous snapshot covers. */
    static void apply(Path snapshotDir, LogWriter log) throws IOException {
        List<SnapshotFile> snapshots = SnapshotFiles.list(snapshotDir);
        if (snapshots.size() < 2) {
            return;
        }
        SnapshotFile previous = snapshots.get(1);
        for (Path p : log.deleteCovered(previous.sequence())) {
            LOG.log(
                    Level.INFO,
                    "wal: removed segment "
                            + p
                            + " (covered by the previous snapshot, seq "
                            + previous.sequence()
                            + ")");
        }
        for (SnapshotFile old : snapshots.subList(2, snapshots.size())) {
            Files.deleteIfExists(old.path());
            LOG.log(Level.INFO, "wal: removed old snapshot " + old.path());
        }
    }
}
