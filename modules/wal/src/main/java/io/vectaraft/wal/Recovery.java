package io.vectaraft.wal;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectaraftException;
import io.vectaraft.index.VectorCollection;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.index.write.CollectionImageIO;
import io.vectaraft.index.write.WritableDatabase;
import io.vectaraft.wal.log.Fsync;
import io.vectaraft.wal.log.LogChannelFactory;
import io.vectaraft.wal.log.LogReader;
import io.vectaraft.wal.log.LogWriter;
import io.vectaraft.wal.log.Segments;
import io.vectaraft.wal.snapshot.AliasSection;
import io.vectaraft.wal.snapshot.GraphSection;
import io.vectaraft.wal.snapshot.SnapshotFiles;
import io.vectaraft.wal.snapshot.SnapshotLoader;
import io.vectaraft.wal.snapshot.SnapshotReader;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Start-up: load the newest valid snapshot, replay the log after its sequence number, then open the
 * log for appending.
 *
 * <p>Rules: an incomplete last line of the newest log file (a prefix of an entry, without its
 * newline) is what a crash in the middle of an append leaves; it was never acknowledged, so it is
 * cut off with a warning. Anything else is corruption: a complete line that fails its frame or
 * checksum (even the last one: it was written in full, and may have been fsynced and acknowledged),
 * an incomplete line in an older segment, a gap in the sequence numbers, an entry that does not
 * replay. STRICT refuses to start, naming the file and byte offset; TRUNCATE keeps the valid
 * prefix, saves the dropped bytes beside the log as {@code *.dropped-<millis>} and says how many
 * entries and bytes it dropped. An unknown format version is fatal in both modes. Empty and missing
 * files are fine.
 *
 * <p>Snapshots: the newest one that reads back is loaded. A damaged one is named in a warning and
 * skipped; the log behind the previous snapshot is kept ({@link SnapshotRetention}), so falling
 * back loses nothing. Once the start succeeds, damaged snapshots are set aside as {@code
 * *.damaged-<millis>}; if the log does not reach back far enough, the error names the damaged
 * snapshot that held the missing entries.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private final StorageOptions options;
    private WritableDatabase database;
    private MutationApplier applier;
    private long snapshotSeq;
    private long expected;
    private long lastSeq;
    private long replayed;
    private long fileFirstSeq;
    private final List<Damaged> damaged = new ArrayList<>();
    private boolean missingBehindDamagedSnapshot;

    /** A snapshot that did not read back, and why. */
    private record Damaged(Path path, long sequence, String reason) {}

    private final Executor maintenance;

    private Recovery(StorageOptions options, Executor maintenance) {
        this.options = options;
        this.maintenance = maintenance;
        this.database = newDatabase();
    }

    private WritableDatabase newDatabase() {
        return maintenance == null
                ? new WritableDatabase(options.vectorDir())
                : new WritableDatabase(options.vectorDir(), maintenance);
    }

    /**
     * @param maintenance runs the graph maintenance of HNSW collections (null: the default
     *     background threads; tests pass one they hold back)
     */
    static StorageEngine recover(
            StorageOptions options, LogChannelFactory channels, Executor maintenance)
            throws IOException {
        long start = System.nanoTime();
        Path wal = options.walPath().toAbsolutePath();
        Files.createDirectories(wal.getParent());
        Files.createDirectories(options.snapshotDir());
        LOG.log(
                Level.INFO,
                "wal: recovering from " + options.snapshotDir() + " and the log " + wal);
        SnapshotFiles.deleteTemps(options.snapshotDir());
        // Vector files of on_disk collections are caches: this start fills new ones.
        WritableDatabase.deleteVectorFiles(options.vectorDir());
        Recovery r = new Recovery(options, maintenance);
        r.loadSnapshot();
        r.applier = new MutationApplier(r.database);
        r.expected = r.snapshotSeq + 1;
        r.lastSeq = r.snapshotSeq;
        List<Segments.Segment> sealed = new ArrayList<>();
        long activeFirstSeq = r.replayLog(wal, sealed);
        LogWriter log =
                LogWriter.open(
                        wal,
                        channels,
                        options.fsync(),
                        options.fsyncInterval(),
                        r.lastSeq,
                        activeFirstSeq,
                        sealed);
        r.setAsideDamaged();
        SnapshotRetention.apply(options.snapshotDir(), log);
        LOG.log(
                Level.INFO,
                "wal recovered: snapshot seq "
                        + r.snapshotSeq
                        + ", replayed "
                        + r.replayed
                        + " entries, last seq "
                        + r.lastSeq
                        + ", "
                        + r.database.list().size()
                        + " collections, "
                        + (System.nanoTime() - start) / 1_000_000
                        + " ms");
        return new StorageEngine(r.database, options, log);
    }

    private void loadSnapshot() throws IOException {
        for (SnapshotFile info : SnapshotFiles.list(options.snapshotDir())) {
            WritableDatabase db = newDatabase();
            long start = System.nanoTime();
            try {
                long seq = SnapshotReader.read(info.path(), loaderInto(db));
                // Link whatever no graph image covered (the image is missing or did not fit).
                for (VectorCollection c : db.list()) {
                    db.imageIO(c.spec().name()).finishRestore();
                }
                snapshotSeq = seq;
                database = db;
                LOG.log(
                        Level.INFO,
                        "wal: loaded snapshot "
                                + info.path()
                                + " (seq "
                                + seq
                                + ", "
                                + (System.nanoTime() - start) / 1_000_000
                                + " ms)");
                return;
            } catch (VectaraftException e) {
                for (VectorCollection c : db.list()) {
                    db.drop(c.spec().name()); // releases vector files of on_disk collections
                }
                damaged.add(new Damaged(info.path(), info.sequence(), e.getMessage()));
                LOG.log(
                        Level.WARNING,
                        "wal: snapshot "
                                + info.path()
                                + " is damaged ("
                                + e.getMessage()
                                + "); falling back to the snapshot before it and the log");
            }
        }
    }

    /** After a successful start: damaged snapshots no longer count, but stay for inspection. */
    private void setAsideDamaged() throws IOException {
        for (Damaged d : damaged) {
            Path aside = SnapshotFiles.setAside(d.path());
            LOG.log(
                    Level.WARNING,
                    "wal: recovered without damaged snapshot "
                            + d.path()
                            + " (from snapshot seq "
                            + snapshotSeq
                            + " and the log); set it aside as "
                            + aside);
        }
    }

    /** The aliases of a collection; the checksum held, so a failure here is a writer bug. */
    private static void aliases(WritableDatabase db, CollectionSpec spec, byte[] bytes) {
        try {
            for (String alias : AliasSection.read(bytes)) {
                db.createAlias(alias, spec.name());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "aliases of collection \"" + spec.name() + "\": " + e.getMessage(), e);
        }
    }

    static SnapshotLoader loaderInto(WritableDatabase db) {
        return new SnapshotLoader() {
            @Override
            public void collection(CollectionSpec spec) {
                db.create(spec);
            }

            @Override
            public void records(CollectionSpec spec, List<VectorRecord> batch) {
                // Stored form: no second normalization, so cosine vectors stay bit-exact.
                // Not linked yet: the graph image, if any, follows the records.
                db.imageIO(spec.name()).restore(batch);
            }

            @Override
            public void section(CollectionSpec spec, String tag, byte[] bytes) {
                if (tag.equals(GraphSection.CODES_TAG)) {
                    codes(db, spec, bytes);
                    return;
                }
                if (tag.equals(AliasSection.TAG)) {
                    aliases(db, spec, bytes);
                    return;
                }
                if (tag.equals(GraphSection.FIELD_INDEXES_TAG)) {
                    fieldIndexes(db, spec, bytes);
                    return;
                }
                if (!tag.equals(GraphSection.TAG)) {
                    return;
                }
                CollectionImageIO c = db.imageIO(spec.name());
                try {
                    if (!c.readIndexImage(new DataInputStream(new ByteArrayInputStream(bytes)))) {
                        LOG.log(
                                Level.WARNING,
                                "wal: graph image of collection \""
                                        + spec.name()
                                        + "\" does not fit its records; rebuilding the graph");
                    }
                } catch (IOException e) {
                    // The snapshot's checksum held, so this is a writer bug: rebuilding is safe.
                    LOG.log(
                            Level.WARNING,
                            "wal: graph image of collection \""
                                    + spec.name()
                                    + "\" is malformed ("
                                    + e.getMessage()
                                    + "); rebuilding the graph");
                }
            }
        };
    }

    /** Creates the field indexes a snapshot lists; they build in the background. */
    private static void fieldIndexes(WritableDatabase db, CollectionSpec spec, byte[] bytes) {
        try {
            for (io.vectaraft.index.FieldIndexSpec index :
                    GraphSection.readFieldIndexes(
                            new DataInputStream(new ByteArrayInputStream(bytes)))) {
                db.writer(spec.name()).createFieldIndex(index);
            }
        } catch (IOException | RuntimeException e) {
            // The snapshot's checksum held, so this is a writer bug; the records are intact and
            // filters stay exact without indexes.
            LOG.log(
                    Level.WARNING,
                    "wal: field indexes of collection \""
                            + spec.name()
                            + "\" are malformed ("
                            + e.getMessage()
                            + "); loading without them");
        }
    }

    /** Loads a quantized collection's codes; on a misfit they are quantized anew. */
    private static void codes(WritableDatabase db, CollectionSpec spec, byte[] bytes) {
        try {
            if (!db.imageIO(spec.name())
                    .readCodeImage(new DataInputStream(new ByteArrayInputStream(bytes)))) {
                LOG.log(
                        Level.WARNING,
                        "wal: codes of collection \""
                                + spec.name()
                                + "\" do not fit its records; quantizing again");
            }
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "wal: codes of collection \""
                            + spec.name()
                            + "\" are malformed ("
                            + e.getMessage()
                            + "); quantizing again");
        }
    }

    /** Replays every log file; fills {@code sealed}; returns the active file's first sequence. */
    private long replayLog(Path wal, List<Segments.Segment> sealed) throws IOException {
        List<Segments.Segment> found = Segments.listSealed(wal);
        List<Path> files = new ArrayList<>(found.stream().map(Segments.Segment::path).toList());
        if (Files.exists(wal)) {
            files.add(wal);
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (i + 1 < found.size() && found.get(i + 1).firstSeq() - 1 <= snapshotSeq) {
                // Kept only as the fallback of an older snapshot: nothing in it to replay.
                Segments.Segment s = found.get(i);
                sealed.add(
                        new Segments.Segment(
                                s.path(), s.firstSeq(), found.get(i + 1).firstSeq() - 1));
                continue;
            }
            fileFirstSeq = -1;
            LogReader.Result result = LogReader.scan(file, snapshotSeq, this::replay);
            if (i < found.size()) {
                Segments.Segment s = found.get(i);
                long last = result.lastSeq() >= 0 ? result.lastSeq() : s.firstSeq() - 1;
                sealed.add(new Segments.Segment(s.path(), s.firstSeq(), last));
            }
            if (result.problem() != null) {
                handle(file, result, i == files.size() - 1, files.subList(i + 1, files.size()));
                break;
            }
        }
        boolean activeHasEntries =
                Files.exists(wal)
                        && fileFirstSeq >= 0
                        && !files.isEmpty()
                        && files.getLast().equals(wal);
        return activeHasEntries ? fileFirstSeq : lastSeq + 1;
    }

    private void replay(long seq, Mutation entry, long offset) {
        if (fileFirstSeq < 0) {
            fileFirstSeq = seq;
        }
        if (seq <= snapshotSeq) {
            return;
        }
        if (seq != expected) {
            missingBehindDamagedSnapshot = expected == snapshotSeq + 1 && !damaged.isEmpty();
            throw new LogReader.Reject(
                    "sequence: expected "
                            + expected
                            + ", got "
                            + seq
                            + (expected == snapshotSeq + 1 && snapshotSeq > 0
                                    ? " (entries after snapshot seq "
                                            + snapshotSeq
                                            + " are missing)"
                                    : ""),
                    null);
        }
        try {
            applier.apply(entry); // the same path as live writes
        } catch (VectaraftException e) {
            throw new LogReader.Reject(
                    "entry seq "
                            + seq
                            + " ("
                            + entry.getClass().getSimpleName().toLowerCase()
                            + " of collection \""
                            + entry.collection()
                            + "\") does not replay: "
                            + e.getMessage(),
                    e);
        }
        expected = seq + 1;
        lastSeq = seq;
        replayed++;
    }

    private void handle(Path file, LogReader.Result result, boolean lastFile, List<Path> later)
            throws IOException {
        LogReader.Problem p = result.problem();
        long size = Files.size(file);
        if (missingBehindDamagedSnapshot
                && options.recovery() == StorageOptions.RecoveryMode.STRICT) {
            throw new LogCorruptException(missingEntries(file, p));
        }
        if (p.torn() && lastFile) {
            LOG.log(
                    Level.WARNING,
                    "wal file "
                            + file
                            + " offset "
                            + p.offset()
                            + ": torn last entry cut off ("
                            + (size - p.offset())
                            + " bytes, never acknowledged): "
                            + p.reason());
            truncate(file, p.offset());
            return;
        }
        String where = "wal file " + file + " offset " + p.offset() + ": " + p.reason();
        if (options.recovery() == StorageOptions.RecoveryMode.STRICT) {
            throw new LogCorruptException(
                    where
                            + "; refusing to start. The "
                            + result.entries()
                            + " entries before it are"
                            + " intact: start with --wal-recovery=truncate to keep them and drop"
                            + " everything from this offset on");
        }
        long stamp = System.currentTimeMillis();
        long dropped = size - p.offset();
        long droppedEntries = linesFrom(file, p.offset());
        Path saved = file.resolveSibling(file.getFileName() + ".dropped-" + stamp);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel out =
                        FileChannel.open(
                                saved, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = p.offset();
            while (pos < size) {
                pos += in.transferTo(pos, size - pos, out);
            }
        }
        truncate(file, p.offset());
        for (Path f : later) {
            dropped += Files.size(f);
            droppedEntries += Math.max(0, linesFrom(f, 0) - 1); // less the header
            Files.move(f, f.resolveSibling(f.getFileName() + ".dropped-" + stamp));
        }
        LOG.log(
                Level.WARNING,
                where
                        + "; TRUNCATE recovery kept "
                        + result.entries()
                        + " entries of this file and"
                        + " dropped "
                        + droppedEntries
                        + " entries, "
                        + dropped
                        + " bytes ("
                        + (1 + later.size())
                        + " files, saved as *.dropped-"
                        + stamp
                        + ")");
    }

    /** Complete lines from {@code offset} on: the entries a truncation drops. */
    private static long linesFrom(Path file, long offset) throws IOException {
        long lines = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long pos = offset;
            int n;
            while ((n = ch.read(buf.clear(), pos)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf.get(i) == '\n') {
                        lines++;
                    }
                }
                pos += n;
            }
        }
        return lines;
    }

    /**
     * The log resumes after a gap that only damaged snapshots covered: the fault is theirs, and
     * truncating the log would not bring those entries back.
     */
    private String missingEntries(Path file, LogReader.Problem p) {
        Damaged newest = damaged.getFirst();
        return "snapshot "
                + newest.path()
                + " is damaged ("
                + newest.reason()
                + ") and the log no longer holds the entries it covered: after falling back to "
                + (snapshotSeq > 0 ? "snapshot seq " + snapshotSeq : "an empty store")
                + ", wal file "
                + file
                + " offset "
                + p.offset()
                + " says "
                + p.reason()
                + "; refusing to start. Restore "
                + newest.path().getFileName()
                + " or the log segments behind it from a backup (--wal-recovery=truncate would"
                + " start from seq "
                + snapshotSeq
                + " and drop every entry from this offset on)";
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            Fsync.force(ch);
        }
    }
}
