package io.vectaraft.wal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.wal.FsyncPolicy;
import io.vectaraft.wal.LogCorruptException;
import io.vectaraft.wal.LogWriteException;
import io.vectaraft.wal.Mutation;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWriterTest {
    @TempDir Path dir;

    private LogWriter open(Path wal, LogChannelFactory channels, FsyncPolicy policy)
            throws IOException {
        return LogWriter.open(wal, channels, policy, Duration.ofMillis(5), 0, 1, List.of());
    }

    private static List<Mutation> sample() {
        Random rnd = new Random(1);
        return List.of(
                new Mutation.Create(Fixtures.spec("c", 4)),
                new Mutation.Upsert("c", Fixtures.records(rnd, "r", 3, 4)),
                new Mutation.Delete("c", List.of("r1")),
                new Mutation.Drop("c"));
    }

    private static List<Long> offsetsOf(Path wal) throws IOException {
        List<Long> out = new ArrayList<>();
        LogReader.scan(wal, (seq, e, off) -> out.add(off));
        return out;
    }

    @Test
    void everyEntryTypeRoundTripsThroughTheFile() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS)) {
            for (Mutation e : sample()) {
                w.awaitDurable(w.append(EntryCodec.encode(e)));
            }
        }
        List<Mutation> back = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        LogReader.Result r =
                LogReader.scan(
                        wal,
                        (seq, e, off) -> {
                            seqs.add(seq);
                            back.add(e);
                        });
        assertNull(r.problem(), "clean log");
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs);
        assertEquals(sample().size(), back.size());
        assertEquals(sample().get(0), back.get(0));
        assertEquals(sample().get(2), back.get(2));
        assertEquals(sample().get(3), back.get(3));
        Mutation.Upsert u = (Mutation.Upsert) back.get(1);
        Mutation.Upsert orig = (Mutation.Upsert) sample().get(1);
        for (int i = 0; i < 3; i++) {
            assertTrue(Fixtures.sameBits(orig.records().get(i), u.records().get(i)), "record " + i);
        }
        assertEquals(Files.size(wal), r.validBytes());
    }

    @Test
    void tornTailIsReportedAtTheLastLine() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.NONE)) {
            for (Mutation e : sample()) {
                w.append(EntryCodec.encode(e));
            }
        }
        long lastOffset = offsetsOf(wal).getLast();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        LogReader.Result r = LogReader.scan(wal, (seq, e, off) -> {});
        assertEquals(3, r.entries());
        assertEquals(lastOffset, r.problem().offset());
        assertTrue(r.problem().torn(), "torn line is at tail: " + r.problem());
    }

    @Test
    void badCrcMidFileIsNotATail() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.NONE)) {
            for (Mutation e : sample()) {
                w.append(EntryCodec.encode(e));
            }
        }
        long second = offsetsOf(wal).get(1);
        flipPayloadByte(wal, second);
        LogReader.Result r = LogReader.scan(wal, (seq, e, off) -> {});
        assertEquals(1, r.entries());
        assertEquals(second, r.problem().offset());
        assertFalse(r.problem().torn(), "entries follow the bad one");
        assertTrue(r.problem().reason().contains("crc"), r.problem().reason());
    }

    @Test
    void entriesASnapshotCoversAreChecksummedButNotDecoded() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.NONE)) {
            for (Mutation e : sample()) {
                w.append(EntryCodec.encode(e));
            }
        }
        List<String> seen = new ArrayList<>();
        LogReader.Result r =
                LogReader.scan(wal, 2, (seq, e, off) -> seen.add(seq + ":" + (e != null)));
        assertNull(r.problem());
        assertEquals(List.of("1:false", "2:false", "3:true", "4:true"), seen);
        flipPayloadByte(wal, offsetsOf(wal).get(1));
        r = LogReader.scan(wal, 2, (seq, e, off) -> {});
        assertTrue(r.problem().reason().contains("crc"), "a skipped entry is still checked");
    }

    @Test
    void badCrcInTheLastCompleteLineIsNotTorn() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS)) {
            for (Mutation e : sample()) {
                w.awaitDurable(w.append(EntryCodec.encode(e)));
            }
        }
        long last = offsetsOf(wal).getLast();
        flipPayloadByte(wal, last);
        LogReader.Result r = LogReader.scan(wal, (seq, e, off) -> {});
        assertEquals(sample().size() - 1, r.entries());
        assertEquals(last, r.problem().offset());
        assertFalse(r.problem().torn(), "a complete line was written whole: " + r.problem());
        assertTrue(r.problem().reason().contains("crc"), r.problem().reason());
    }

    @Test
    void wholeLastEntryWithADamagedNewlineIsNotTorn() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS)) {
            for (Mutation e : sample()) {
                w.awaitDurable(w.append(EntryCodec.encode(e)));
            }
        }
        long last = offsetsOf(wal).getLast();
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            f.seek(f.length() - 1);
            f.write('\n' ^ 0x20); // one bit: '\n' becomes '*'
        }
        LogReader.Result r = LogReader.scan(wal, (seq, e, off) -> {});
        assertEquals(last, r.problem().offset());
        assertFalse(r.problem().torn(), "the entry is whole: " + r.problem());
        assertTrue(r.problem().reason().contains("line end"), r.problem().reason());
    }

    /** Changes one character inside the payload of the line at {@code offset}. */
    static void flipPayloadByte(Path wal, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(wal.toFile(), "rw")) {
            byte[] head = new byte[(int) Math.min(200, f.length() - offset)];
            f.seek(offset);
            f.readFully(head);
            String s = new String(head, StandardCharsets.US_ASCII);
            int at = s.indexOf("\"type\":\"") + 8;
            f.seek(offset + at);
            f.write('X');
        }
    }

    @Test
    void unknownVersionIsAClearFatalError() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        Files.writeString(wal, "{\"magic\":\"vectaraft-wal\",\"version\":7}\n");
        LogCorruptException e =
                assertThrows(
                        LogCorruptException.class, () -> LogReader.scan(wal, (seq, en, off) -> {}));
        assertTrue(e.getMessage().contains("expected between 1 and 1, got 7"), e.getMessage());
        assertTrue(e.getMessage().contains(wal.toString()), e.getMessage());
    }

    @Test
    void emptyFileGetsAHeaderAndReadsClean() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        Files.createFile(wal);
        assertNull(LogReader.scan(wal, (s, e, o) -> {}).problem(), "empty file is fine");
        open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS).close();
        assertEquals(
                new String(LogFormat.header(), StandardCharsets.US_ASCII), Files.readString(wal));
    }

    @Test
    void failedWriteIsRolledBackAndNamesFileAndOffset() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        try (LogWriter w = open(wal, channels, FsyncPolicy.ALWAYS)) {
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(0))));
            long before = Files.size(wal);
            channels.failWriteAfterBytes.set(40);
            LogWriteException e =
                    assertThrows(
                            LogWriteException.class,
                            () -> w.append(EntryCodec.encode(sample().get(1))));
            assertTrue(e.getMessage().contains(wal.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + before), e.getMessage());
            assertEquals(before, Files.size(wal), "partial entry cut off");
            assertEquals(2, w.append(EntryCodec.encode(sample().get(2))), "seq not consumed");
        }
        List<Long> seqs = new ArrayList<>();
        assertNull(LogReader.scan(wal, (s, e, o) -> seqs.add(s)).problem());
        assertEquals(List.of(1L, 2L), seqs);
    }

    /** An upsert larger than the staging buffer goes out in several writes, read back whole. */
    private static Mutation.Upsert largerThanStaging() {
        int dim = 1024;
        int n = LogWriter.STAGING_BYTES / (dim * 4) * 3; // about 4 MB of base64
        return new Mutation.Upsert("c", Fixtures.records(new Random(7), "big", n, dim));
    }

    @Test
    void entryLargerThanTheStagingBufferRoundTrips() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        Mutation.Upsert big = largerThanStaging();
        byte[] payload = EntryCodec.encode(big);
        assertTrue(payload.length > 3 * LogWriter.STAGING_BYTES, "spans several staging buffers");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS)) {
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(0))));
            w.awaitDurable(w.append(payload));
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(2))));
        }
        List<Mutation> back = new ArrayList<>();
        LogReader.Result r = LogReader.scan(wal, (seq, e, off) -> back.add(e));
        assertNull(r.problem(), "clean log");
        assertEquals(3, back.size());
        Mutation.Upsert read = (Mutation.Upsert) back.get(1);
        assertEquals(big.records().size(), read.records().size());
        for (int i = 0; i < big.records().size(); i++) {
            assertTrue(Fixtures.sameBits(big.records().get(i), read.records().get(i)), "rec " + i);
        }
    }

    @Test
    void failureAfterSomeStagedWritesRollsTheWholeEntryBack() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        try (LogWriter w = open(wal, channels, FsyncPolicy.ALWAYS)) {
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(0))));
            long before = Files.size(wal);
            channels.failWriteAfterBytes.set(2L * LogWriter.STAGING_BYTES + 100);
            assertThrows(
                    LogWriteException.class,
                    () -> w.append(EntryCodec.encode(largerThanStaging())));
            assertEquals(before, Files.size(wal), "two buffers written, all cut off");
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(2))));
        }
        List<Long> seqs = new ArrayList<>();
        assertNull(LogReader.scan(wal, (s, e, o) -> seqs.add(s)).problem());
        assertEquals(List.of(1L, 2L), seqs);
    }

    @Test
    void failedFsyncPoisonsTheLog() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        try (LogWriter w = open(wal, channels, FsyncPolicy.ALWAYS)) {
            channels.failForce = true;
            long seq = w.append(EntryCodec.encode(sample().get(0)));
            assertThrows(LogWriteException.class, () -> w.awaitDurable(seq));
            channels.failForce = false;
            LogWriteException again =
                    assertThrows(
                            LogWriteException.class,
                            () -> w.append(EntryCodec.encode(sample().get(1))));
            assertTrue(again.getMessage().contains("refuses writes"), again.getMessage());
            assertFalse(w.healthy());
        }
    }

    /**
     * Group commit, deterministically: the first force is held until every other writer has
     * appended, so one further force must cover them all.
     */
    @Test
    void concurrentWritersShareForces() throws Exception {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        int writers = 16;
        CountDownLatch appended = new CountDownLatch(writers);
        try (LogWriter w = open(wal, channels, FsyncPolicy.ALWAYS)) {
            int headerForces = channels.forces.get();
            channels.beforeForce =
                    () -> {
                        try {
                            assertTrue(appended.await(30, TimeUnit.SECONDS), "all appended");
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    };
            byte[] payload = EntryCodec.encode(sample().get(2));
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<Long>> done = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                done.add(
                        pool.submit(
                                () -> {
                                    long seq = w.append(payload);
                                    appended.countDown();
                                    w.awaitDurable(seq);
                                    return seq;
                                }));
            }
            for (Future<Long> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            int forces = channels.forces.get() - headerForces;
            assertTrue(forces >= 1 && forces <= 2, "16 writers, forces: " + forces);
        }
    }

    @Test
    void intervalPolicyForcesInTheBackground() throws Exception {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        CountDownLatch forced = new CountDownLatch(1);
        try (LogWriter w = open(wal, channels, FsyncPolicy.INTERVAL)) {
            channels.beforeForce = forced::countDown; // before the append: no force is missed
            w.awaitDurable(w.append(EntryCodec.encode(sample().get(0))));
            assertTrue(forced.await(30, TimeUnit.SECONDS), "the interval thread forced the log");
        }
    }

    /**
     * Closing while the interval thread is inside a force must let that force finish: interrupting
     * it would close the channel under it and poison the log on the way out.
     */
    @Test
    void closeDuringAnIntervalForceLeavesTheLogHealthy() throws Exception {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LogWriter w = open(wal, channels, FsyncPolicy.INTERVAL);
        channels.beforeForce =
                () -> {
                    if (inForce.getCount() > 0) {
                        inForce.countDown();
                        awaitKeepingInterrupt(release);
                    }
                };
        w.append(EntryCodec.encode(sample().get(0)));
        assertTrue(inForce.await(30, TimeUnit.SECONDS), "the interval thread started a force");
        Thread closer = Thread.ofPlatform().start(w::close);
        // close() has stopped the interval thread (or asked it to) once it waits for it to end.
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait();
        }
        release.countDown();
        closer.join();
        assertTrue(w.healthy(), "no failure recorded by the close");
        List<Long> seqs = new ArrayList<>();
        assertNull(LogReader.scan(wal, (s, e, o) -> seqs.add(s)).problem());
        assertEquals(List.of(1L), seqs);
    }

    /** Waits, and leaves an interrupt that arrived meanwhile pending (for the real force). */
    private static void awaitKeepingInterrupt(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void nonePolicyForcesOnlyOnClose() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        FaultyChannels channels = new FaultyChannels();
        LogWriter w = open(wal, channels, FsyncPolicy.NONE);
        for (Mutation e : sample()) {
            w.awaitDurable(w.append(EntryCodec.encode(e)));
        }
        assertEquals(0, channels.forces.get(), "no force while running");
        w.close();
        assertEquals(1, channels.forces.get(), "graceful close forces once");
    }

    @Test
    void rotationSealsAndCompactionDeletesOnlyCoveredSegments() throws IOException {
        Path wal = dir.resolve("wal.jsonl");
        try (LogWriter w = open(wal, LogChannelFactory.files(), FsyncPolicy.ALWAYS)) {
            byte[] p = EntryCodec.encode(sample().get(2));
            w.append(p); // 1
            w.append(p); // 2
            w.rotate(); // segment 1..2
            w.append(p); // 3
            w.rotate(); // segment 3..3
            w.append(p); // 4, active
            w.rotate(); // segment 4..4
            w.rotate(); // nothing to seal
            assertEquals(
                    List.of(
                            Segments.sealedPath(wal, 1),
                            Segments.sealedPath(wal, 3),
                            Segments.sealedPath(wal, 4)),
                    w.sealed().stream().map(Segments.Segment::path).toList());
            assertEquals(List.of(Segments.sealedPath(wal, 1)), w.deleteCovered(2));
            assertEquals(List.of(), w.deleteCovered(2), "3..3 is not covered by 2");
            assertFalse(Files.exists(Segments.sealedPath(wal, 1)));
            assertTrue(Files.exists(Segments.sealedPath(wal, 3)));
            assertTrue(Files.exists(Segments.sealedPath(wal, 4)));
            assertEquals(5, w.append(p), "sequence continues in the new active file");
        }
        assertEquals(2, Segments.listSealed(wal).size());
    }
}
