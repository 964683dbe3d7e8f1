package io.vectaraft.wal.snapshot;

import io.vectaraft.wal.SnapshotFile;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Snapshot file layout and naming: {@code snapshot-<20-digit sequence>.snap} in the snapshot
 * directory, written through {@code <name>.tmp}.
 *
 * <pre>
 * header   : magic "VRSNAPSH" (8) | u32 version | u64 sequence | u64 created epoch ms | u32 collections
 * per collection:
 *            u32 length | spec JSON
 *            records: (u8 1 | id | metadata | dimension x f32 LE)* | u8 0   (see RecordCodec)
 *            u32 sections | (UTF tag | u64 length | bytes)*
 * trailer  : u64 length of everything before the trailer | u32 CRC32C of those bytes
 * </pre>
 *
 * Integers are big-endian (DataOutput); vectors are raw little-endian float32, bit-exact.
 */
public final class SnapshotFiles {
    private static final System.Logger LOG = System.getLogger(SnapshotFiles.class.getName());

    static final byte[] MAGIC = {'V', 'R', 'S', 'N', 'A', 'P', 'S', 'H'};
    static final int VERSION = 1;
    static final int MIN_VERSION = 1;
    static final int MAX_VERSION = 1;
    static final int HEADER_BYTES = 8 + 4 + 8 + 8 + 4;
    static final int TRAILER_BYTES = 8 + 4;
    private static final String PREFIX = "snapshot-";
    private static final String SUFFIX = ".snap";

    private SnapshotFiles() {}

    public static Path path(Path dir, long sequence) {
        return dir.resolve(PREFIX + "%020d".formatted(sequence) + SUFFIX);
    }

    static Path tempPath(Path finalPath) {
        return finalPath.resolveSibling(finalPath.getFileName() + ".tmp");
    }

    /** The snapshots in {@code dir}, newest first; files with an unreadable header are skipped. */
    public static List<SnapshotFile> list(Path dir) throws IOException {
        List<SnapshotFile> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
                    try {
                        out.add(info(p));
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "snapshot " + p + ": unreadable header: " + e);
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(SnapshotFile::sequence).reversed());
        return out;
    }

    /**
     * Renames a damaged snapshot to {@code <name>.damaged-<millis>}: kept for inspection, no longer
     * listed, loaded or counted by retention. Returns the new path.
     */
    public static Path setAside(Path snapshot) throws IOException {
        Path aside =
                snapshot.resolveSibling(
                        snapshot.getFileName() + ".damaged-" + System.currentTimeMillis());
        Files.move(snapshot, aside, StandardCopyOption.ATOMIC_MOVE);
        return aside;
    }

    /** Removes temp files left by a crash during a snapshot. */
    public static void deleteTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX + ".tmp")) {
                    LOG.log(Level.INFO, "snapshot: removing unfinished " + p);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Reads a snapshot's header (not its checksum: see {@link SnapshotReader}). */
    public static SnapshotFile info(Path p) throws IOException {
        try (InputStream raw = Files.newInputStream(p);
                DataInputStream in = new DataInputStream(raw)) {
            Header h = Header.read(p, in);
            return new SnapshotFile(
                    h.sequence(),
                    p,
                    Files.size(p),
                    Instant.ofEpochMilli(h.createdMillis()),
                    h.collections());
        }
    }

    record Header(int version, long sequence, long createdMillis, int collections) {
        static Header read(Path p, DataInputStream in) throws IOException {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("snapshot " + p + " offset 0: bad magic, not a snapshot");
            }
            int version = in.readInt();
            if (version < MIN_VERSION || version > MAX_VERSION) {
                throw new IOException(
                        "snapshot "
                                + p
                                + " offset 8: format version: expected between "
                                + MIN_VERSION
                                + " and "
                                + MAX_VERSION
                                + ", got "
                                + version);
            }
            return new Header(version, in.readLong(), in.readLong(), in.readInt());
        }
    }
}
