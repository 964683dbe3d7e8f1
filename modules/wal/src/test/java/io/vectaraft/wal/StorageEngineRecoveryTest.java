package io.vectaraft.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionConflictException;
import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.IndexSpec;
import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.Metric;
import io.vectaraft.index.ScrollRequest;
import io.vectaraft.index.filter.Filter;
import io.vectaraft.wal.log.Fixtures;
import io.vectaraft.wal.log.LogReader;
import io.vectaraft.wal.log.Segments;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageEngineRecoveryTest {
    @TempDir Path dir;

    private StorageOptions options(StorageOptions.RecoveryMode mode) {
        Path wal = dir.resolve("data/wal.jsonl");
        return new StorageOptions(
                wal,
                dir.resolve("data/snapshots"),
                FsyncPolicy.ALWAYS,
                Duration.ofMillis(10),
                256L << 20,
                mode);
    }

    private StorageOptions options() {
        return options(StorageOptions.RecoveryMode.STRICT);
    }

    /** Every entry type, three collections (one cosine, one HNSW spec), and a filtered delete. */
    static void workload(StorageEngine s, Random rnd) {
        s.createCollection(new CollectionSpec("cos", 5, Metric.COSINE, IndexSpec.flat()));
        s.createCollection(Fixtures.spec("euc", 8));
        s.createCollection(new CollectionSpec("gone", 4, Metric.DOT, IndexSpec.Hnsw.defaults()));
        s.upsert("gone", Fixtures.records(rnd, "g", 3, 4));
        for (int i = 0; i < 10; i++) {
            s.upsert("cos", Fixtures.records(rnd, "c" + i + "-", 7, 5));
            s.upsert("euc", Fixtures.records(rnd, "e" + (i % 4) + "-", 5, 8)); // replaces
        }
        s.upsert("euc", List.of(Fixtures.awkwardFinite("odd", 8)));
        s.delete("cos", List.of("c0-1", "c0-2", "nope"));
        s.deleteMatching("euc", Filter.eq("tag", MetadataValue.of("t1")));
        s.dropCollection("gone");
    }

    @Test
    void everyMutationSurvivesACrashBitExact() {
        States before;
        StorageEngine s = StorageEngine.open(options());
        workload(s, new Random(11));
        before = States.of(s.database());
        s.abandon();
        try (StorageEngine again = StorageEngine.open(options())) {
            before.assertSameAs(States.of(again.database()));
            assertTrue(before.total() > 50, "workload wrote records: " + before.total());
        }
    }

    @Test
    void idempotentCreateLogsNothingAndConflictIsRefused() {
        try (StorageEngine s = StorageEngine.open(options())) {
            CollectionSpec spec = Fixtures.spec("a", 4);
            var c = s.createCollection(spec);
            long seq = s.lastSequence();
            assertEquals(seq, c.lsn(), "the create got the last sequence number");
            CollectionCreated again = s.createCollection(spec);
            assertSame(c.collection(), again.collection(), "same collection back");
            assertEquals(seq, again.lsn(), "an identical create reports the log position it saw");
            assertEquals(seq, s.lastSequence(), "nothing logged for an identical create");
            assertThrows(
                    CollectionConflictException.class,
                    () -> s.createCollection(Fixtures.spec("a", 5)));
            assertEquals(seq, s.lastSequence(), "nothing logged for a conflict");
        }
    }

    @Test
    void rejectedBatchIsNeitherLoggedNorApplied() {
        try (StorageEngine s = StorageEngine.open(options())) {
            s.createCollection(Fixtures.spec("a", 4));
            long seq = s.lastSequence();
            var bad = new ArrayList<>(Fixtures.records(new Random(1), "r", 3, 4));
            bad.add(Fixtures.record(new Random(2), "wrong", 5));
            var e =
                    assertThrows(
                            io.vectaraft.index.InvalidArgumentException.class,
                            () -> s.upsert("a", bad));
            assertTrue(e.getMessage().contains("record[3]"), e.getMessage());
            assertEquals(seq, s.lastSequence());
            assertEquals(0, s.database().get("a").size());
        }
    }

    @Test
    void tornTailIsCutOffAndTheStoreKeepsWriting() throws IOException {
        StorageEngine s = StorageEngine.open(options());
        s.createCollection(Fixtures.spec("a", 4));
        s.upsert("a", Fixtures.records(new Random(1), "r", 3, 4));
        s.upsert("a", Fixtures.records(new Random(2), "t", 3, 4));
        s.abandon();
        Path wal = options().walPath();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(f.length() - 17);
        }
        try (StorageEngine again = StorageEngine.open(options())) {
            assertEquals(3, again.database().get("a").size(), "torn batch dropped whole");
            assertTrue(again.database().get("a").get(List.of("t0"), true).isEmpty());
            again.upsert("a", Fixtures.records(new Random(3), "u", 2, 4));
            assertEquals(3, again.lastSequence(), "the torn entry's sequence number is reused");
        }
        try (StorageEngine third = StorageEngine.open(options())) {
            assertEquals(5, third.database().get("a").size());
        }
    }

    private static List<Long> offsets(Path wal) throws IOException {
        List<Long> out = new ArrayList<>();
        LogReader.scan(wal, (seq, e, off) -> out.add(off));
        return out;
    }

    private long writeFiveEntriesAndCorruptTheThird() throws IOException {
        StorageEngine s = StorageEngine.open(options());
        s.createCollection(Fixtures.spec("a", 4));
        for (int i = 0; i < 4; i++) {
            s.upsert("a", Fixtures.records(new Random(i), "b" + i + "-", 2, 4));
        }
        s.abandon();
        Path wal = options().walPath();
        long third = offsets(wal).get(2);
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            byte[] head = new byte[120];
            f.seek(third);
            f.readFully(head);
            int at = new String(head, StandardCharsets.US_ASCII).indexOf("\"id\":\"") + 6;
            f.seek(third + at);
            f.write('Z');
        }
        return third;
    }

    @Test
    void badCrcMidFileRefusesToStartNamingFileAndOffset() throws IOException {
        long third = writeFiveEntriesAndCorruptTheThird();
        Path wal = options().walPath();
        LogCorruptException e =
                assertThrows(LogCorruptException.class, () -> StorageEngine.open(options()));
        assertTrue(e.getMessage().contains(wal.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + third), e.getMessage());
        assertTrue(e.getMessage().contains("crc"), e.getMessage());
        assertTrue(e.getMessage().contains("--wal-recovery=truncate"), e.getMessage());
    }

    @Test
    void truncateModeKeepsTheValidPrefixAndSavesTheRest() throws IOException {
        long third = writeFiveEntriesAndCorruptTheThird();
        Path wal = options().walPath();
        long size = Files.size(wal);
        try (StorageEngine s = StorageEngine.open(options(StorageOptions.RecoveryMode.TRUNCATE))) {
            assertEquals(
                    List.of("b0-0", "b0-1"),
                    s
                            .database()
                            .get("a")
                            .scroll(new ScrollRequest(null, null, 100, true))
                            .records()
                            .stream()
                            .map(r -> r.id())
                            .toList(),
                    "entries before the corruption kept, the rest dropped");
            assertEquals(2, s.lastSequence());
            try (Stream<Path> files = Files.list(wal.getParent())) {
                Path saved =
                        files.filter(p -> p.getFileName().toString().contains(".dropped-"))
                                .findFirst()
                                .orElseThrow();
                assertEquals(size - third, Files.size(saved), "dropped bytes saved aside");
            }
            s.upsert("a", Fixtures.records(new Random(9), "new", 1, 4));
        }
        try (StorageEngine s = StorageEngine.open(options())) {
            assertEquals(3, s.database().get("a").size(), "strict start is clean again");
        }
    }

    /**
     * Four acknowledged (fsynced) upserts, then one bit flipped inside the last entry's payload.
     */
    private long flipABitInTheLastAcknowledgedEntry() throws IOException {
        StorageEngine s = StorageEngine.open(options());
        s.createCollection(Fixtures.spec("a", 4));
        for (int i = 0; i < 4; i++) {
            s.upsert("a", Fixtures.records(new Random(i), "b" + i + "-", 2, 4));
        }
        s.abandon(); // every upsert above was fsynced before it returned
        Path wal = options().walPath();
        long last = offsets(wal).getLast();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            byte[] head = new byte[120];
            f.seek(last);
            f.readFully(head);
            int at = new String(head, StandardCharsets.US_ASCII).indexOf("\"id\":\"") + 6;
            f.seek(last + at);
            int b = head[at];
            f.write(b ^ 0x01);
        }
        return last;
    }

    @Test
    void bitFlipInTheLastCompleteEntryIsCorruptionNotATornWrite() throws IOException {
        long last = flipABitInTheLastAcknowledgedEntry();
        Path wal = options().walPath();
        long size = Files.size(wal);
        LogCorruptException e =
                assertThrows(LogCorruptException.class, () -> StorageEngine.open(options()));
        assertTrue(e.getMessage().contains(wal.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + last), e.getMessage());
        assertTrue(e.getMessage().contains("crc of entry seq 5"), e.getMessage());
        assertEquals(size, Files.size(wal), "strict recovery changed nothing on disk");
    }

    @Test
    void truncateModeDropsACorruptLastEntryAndSaysHowMuch() throws IOException {
        long last = flipABitInTheLastAcknowledgedEntry();
        Path wal = options().walPath();
        long size = Files.size(wal);
        try (LogCapture log = new LogCapture(Recovery.class);
                StorageEngine s =
                        StorageEngine.open(options(StorageOptions.RecoveryMode.TRUNCATE))) {
            assertEquals(6, s.database().get("a").size(), "the three entries before it kept");
            assertEquals(4, s.lastSequence());
            String warning = log.find("TRUNCATE recovery");
            assertTrue(
                    warning.contains("offset " + last)
                            && warning.contains("dropped 1 entries, " + (size - last) + " bytes"),
                    "the warning says what was dropped: " + log.messages());
        }
    }

    @Test
    void tornTailIsCutOffEvenInStrictMode() throws IOException {
        StorageEngine s = StorageEngine.open(options());
        s.createCollection(Fixtures.spec("a", 4));
        s.upsert("a", Fixtures.records(new Random(1), "r", 3, 4));
        s.abandon();
        Path wal = options().walPath();
        long end = Files.size(wal);
        // What a crash in the middle of the next append leaves: a prefix without its newline.
        byte[] next = io.vectaraft.wal.log.LogFormat.prefix(3, 0);
        Files.write(wal, next, java.nio.file.StandardOpenOption.APPEND);
        try (LogCapture log = new LogCapture(Recovery.class);
                StorageEngine again = StorageEngine.open(options())) {
            assertEquals(3, again.database().get("a").size());
            assertEquals(end, Files.size(wal), "the torn prefix was cut off");
            assertTrue(!log.find("torn last entry cut off").isEmpty(), "" + log.messages());
        }
    }

    /** What {@link #writeAcrossTwoSnapshots} wrote, every write acknowledged. */
    private record TwoSnapshots(SnapshotFile first, SnapshotFile second, States before) {}

    /** 200 records, a snapshot, 200 more, a snapshot, 10 more; then a crash. */
    private TwoSnapshots writeAcrossTwoSnapshots() {
        StorageEngine s = StorageEngine.open(options());
        s.createCollection(Fixtures.spec("a", 4));
        Random rnd = new Random(21);
        for (int i = 0; i < 4; i++) {
            s.upsert("a", Fixtures.records(rnd, "r" + i + "-", 50, 4));
        }
        SnapshotFile first = s.snapshot();
        for (int i = 4; i < 8; i++) {
            s.upsert("a", Fixtures.records(rnd, "r" + i + "-", 50, 4));
        }
        SnapshotFile second = s.snapshot();
        s.upsert("a", Fixtures.records(rnd, "tail", 10, 4));
        States before = States.of(s.database());
        s.abandon();
        return new TwoSnapshots(first, second, before);
    }

    /** Flips one bit in the middle of a file. */
    private static void damage(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
    }

    private List<Long> sealedFirstSeqs() throws IOException {
        return Segments.listSealed(options().walPath()).stream()
                .map(Segments.Segment::firstSeq)
                .toList();
    }

    @Test
    void retentionKeepsTheLogBehindThePreviousSnapshot() throws IOException {
        TwoSnapshots t = writeAcrossTwoSnapshots();
        assertEquals(
                List.of(t.first().sequence() + 1),
                sealedFirstSeqs(),
                "the segments the first snapshot covers are gone, the ones after it kept");
        try (Stream<Path> snaps = Files.list(options().snapshotDir())) {
            assertEquals(
                    List.of(t.first().path(), t.second().path()),
                    snaps.sorted().toList(),
                    "both snapshots kept");
        }
    }

    @Test
    void damagedNewestSnapshotFallsBackToThePreviousOneAndTheLogWithNothingLost()
            throws IOException {
        TwoSnapshots t = writeAcrossTwoSnapshots();
        damage(t.second().path());
        try (LogCapture log = new LogCapture(Recovery.class);
                StorageEngine s = StorageEngine.open(options())) {
            assertEquals(410, s.database().get("a").size(), "every acknowledged record");
            t.before().assertSameAs(States.of(s.database()));
            assertTrue(
                    log.find("is damaged").contains(t.second().path().toString()),
                    "the warning names the damaged snapshot: " + log.messages());
            assertFalse(Files.exists(t.second().path()), "the damaged snapshot no longer counts");
            assertEquals(
                    List.of(t.first().sequence()),
                    s.snapshots().stream().map(SnapshotFile::sequence).toList());
            try (Stream<Path> snaps = Files.list(options().snapshotDir())) {
                assertTrue(
                        snaps.anyMatch(p -> p.getFileName().toString().contains(".damaged-")),
                        "kept aside for inspection");
            }
        }
        try (StorageEngine s = StorageEngine.open(options())) {
            t.before().assertSameAs(States.of(s.database()));
        }
    }

    @Test
    void damagedSnapshotWithoutTheLogBehindItIsNamedAndStrictRefuses() throws IOException {
        TwoSnapshots t = writeAcrossTwoSnapshots();
        damage(t.second().path());
        // As a store written before segments were kept behind the previous snapshot.
        for (Segments.Segment seg : Segments.listSealed(options().walPath())) {
            Files.delete(seg.path());
        }
        LogCorruptException e =
                assertThrows(LogCorruptException.class, () -> StorageEngine.open(options()));
        assertTrue(
                e.getMessage().startsWith("snapshot " + t.second().path() + " is damaged ("),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("after falling back to snapshot seq " + t.first().sequence()),
                e.getMessage());
        assertTrue(Files.exists(t.second().path()), "left in place to restore or inspect");
    }

    @Test
    void missingDirectoryAndEmptyFilesAreFine() throws IOException {
        try (StorageEngine s = StorageEngine.open(options())) {
            assertEquals(0, s.database().list().size());
        }
        Files.delete(options().walPath());
        Files.createFile(options().walPath());
        try (StorageEngine s = StorageEngine.open(options())) {
            s.createCollection(Fixtures.spec("a", 4));
        }
        try (StorageEngine s = StorageEngine.open(options())) {
            assertEquals(1, s.database().list().size());
        }
    }

    @Test
    void snapshotPlusReplayEqualsTheStateBefore() {
        StorageEngine s = StorageEngine.open(options());
        Random rnd = new Random(5);
        workload(s, rnd);
        SnapshotFile snap = s.snapshot();
        assertEquals(s.lastSequence(), snap.sequence());
        s.upsert("cos", Fixtures.records(rnd, "after", 20, 5));
        s.delete("euc", List.of("e1-1"));
        s.createCollection(Fixtures.spec("late", 3));
        s.upsert("late", Fixtures.records(rnd, "l", 4, 3));
        States before = States.of(s.database());
        s.abandon();
        try (StorageEngine again = StorageEngine.open(options())) {
            before.assertSameAs(States.of(again.database()));
            assertEquals(snap.sequence() + 4, again.lastSequence());
        }
    }

    @Test
    void snapshotCompactsCoveredSegmentsAndCloseSnapshots() throws Exception {
        StorageOptions small =
                new StorageOptions(
                        dir.resolve("w/wal.jsonl"),
                        dir.resolve("w/snaps"),
                        FsyncPolicy.ALWAYS,
                        Duration.ofMillis(10),
                        4096,
                        StorageOptions.RecoveryMode.STRICT);
        States before;
        try (StorageEngine s = StorageEngine.open(small)) {
            s.createCollection(Fixtures.spec("a", 16));
            Random rnd = new Random(8);
            for (int i = 0; i < 10; i++) {
                s.upsert("a", Fixtures.records(rnd, "r" + i + "-", 10, 16)); // ~1.4 KB each
            }
            s.awaitBackgroundSnapshot();
            s.snapshot();
            List<SnapshotFile> snaps = s.snapshots();
            assertTrue(snaps.size() >= 2, "threshold passed: snapshots were taken: " + snaps);
            long previous = snaps.get(1).sequence();
            List<Segments.Segment> segments = Segments.listSealed(small.walPath());
            assertFalse(segments.isEmpty(), "the log behind the newest snapshot is kept");
            for (Segments.Segment seg : segments) {
                assertTrue(
                        seg.firstSeq() > previous,
                        "segments up to the previous snapshot's seq "
                                + previous
                                + " removed: "
                                + seg);
            }
            before = States.of(s.database());
        }
        try (Stream<Path> snaps = Files.list(small.snapshotDir())) {
            assertTrue(snaps.count() <= 2, "old snapshots pruned");
        }
        try (StorageEngine s = StorageEngine.open(small)) {
            before.assertSameAs(States.of(s.database()));
            assertTrue(
                    Files.size(small.walPath()) < 200,
                    "closing took a snapshot, so the active log holds only its header");
        }
    }

    @Test
    void unknownLogVersionIsFatal() throws IOException {
        Files.createDirectories(options().walPath().getParent());
        Files.writeString(options().walPath(), "{\"magic\":\"vectaraft-wal\",\"version\":99}\n");
        LogCorruptException e =
                assertThrows(
                        LogCorruptException.class,
                        () -> StorageEngine.open(options(StorageOptions.RecoveryMode.TRUNCATE)));
        assertTrue(e.getMessage().contains("expected between 1 and 1, got 99"), e.getMessage());
    }
}
