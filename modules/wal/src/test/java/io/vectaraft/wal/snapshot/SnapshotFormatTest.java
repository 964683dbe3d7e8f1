package io.vectaraft.wal.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.LogCorruptException;
import io.vectaraft.wal.SnapshotFile;
import io.vectaraft.wal.log.Fixtures;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFormatTest {
    @TempDir Path dir;

    /** Collects what a reader hands over. */
    static final class Collected implements SnapshotLoader {
        final Map<String, List<VectorRecord>> records = new LinkedHashMap<>();
        final List<CollectionSpec> specs = new ArrayList<>();
        final Map<String, byte[]> sections = new LinkedHashMap<>();

        @Override
        public void collection(CollectionSpec spec) {
            specs.add(spec);
            records.put(spec.name(), new ArrayList<>());
        }

        @Override
        public void records(CollectionSpec spec, List<VectorRecord> batch) {
            records.get(spec.name()).addAll(batch);
        }

        @Override
        public void section(CollectionSpec spec, String tag, byte[] bytes) {
            sections.put(spec.name() + "/" + tag, bytes);
        }
    }

    private static CollectionImage image(CollectionSpec spec, List<VectorRecord> records) {
        return new CollectionImage(spec, visitor -> records.forEach(visitor));
    }

    private static List<VectorRecord> awkwardAndRandom(int n) {
        List<VectorRecord> out = new ArrayList<>(Fixtures.records(new Random(3), "r", n, 8));
        out.add(Fixtures.awkward("z"));
        return out;
    }

    @Test
    void roundTripIsBitExactAcrossBatchesAndCollections() throws IOException {
        List<VectorRecord> a = awkwardAndRandom(2500); // more than one read batch
        List<VectorRecord> b = List.of();
        CollectionSpec sa = Fixtures.spec("a", 8);
        CollectionSpec sb = Fixtures.spec("b", 3);
        SnapshotFile info =
                new SnapshotWriter(List.of()).write(dir, 42, List.of(image(sa, a), image(sb, b)));
        assertEquals(42, info.sequence());
        assertEquals(2, info.collections());
        assertEquals(SnapshotFiles.path(dir, 42), info.path());
        assertFalse(Files.exists(SnapshotFiles.tempPath(info.path())), "temp file renamed away");

        Collected got = new Collected();
        assertEquals(42, SnapshotReader.read(info.path(), got));
        assertEquals(List.of(sa, sb), got.specs);
        assertEquals(a.size(), got.records.get("a").size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(Fixtures.sameBits(a.get(i), got.records.get("a").get(i)), "record " + i);
        }
        assertEquals(List.of(), got.records.get("b"));
        assertEquals(info, SnapshotFiles.list(dir).getFirst());
    }

    @Test
    void extensionSectionsRoundTrip() throws IOException {
        SnapshotSection graph =
                new SnapshotSection() {
                    @Override
                    public String tag() {
                        return "hnsw-graph";
                    }

                    @Override
                    public boolean appliesTo(CollectionImage c) {
                        return c.spec().name().equals("a");
                    }

                    @Override
                    public void write(CollectionImage c, DataOutputStream out) throws IOException {
                        out.write(new byte[] {1, 2, 3});
                    }
                };
        SnapshotFile info =
                new SnapshotWriter(List.of(graph))
                        .write(
                                dir,
                                7,
                                List.of(
                                        image(Fixtures.spec("a", 8), awkwardAndRandom(3)),
                                        image(Fixtures.spec("b", 8), awkwardAndRandom(1))));
        Collected got = new Collected();
        SnapshotReader.read(info.path(), got);
        assertEquals(List.of("a/hnsw-graph"), List.copyOf(got.sections.keySet()));
        assertArrayEquals(new byte[] {1, 2, 3}, got.sections.get("a/hnsw-graph"));
        assertEquals(2, got.records.get("b").size(), "records after a section still read");
    }

    @Test
    void damagedSnapshotIsRejectedBeforeLoading() throws IOException {
        SnapshotFile info =
                new SnapshotWriter(List.of())
                        .write(dir, 5, List.of(image(Fixtures.spec("a", 8), awkwardAndRandom(50))));
        try (RandomAccessFile f = new RandomAccessFile(info.path().toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x10);
        }
        Collected got = new Collected();
        LogCorruptException e =
                assertThrows(
                        LogCorruptException.class, () -> SnapshotReader.read(info.path(), got));
        assertTrue(e.getMessage().contains("crc"), e.getMessage());
        assertTrue(e.getMessage().contains(info.path().toString()), e.getMessage());
        assertTrue(got.specs.isEmpty(), "nothing loaded from a damaged snapshot");
    }

    @Test
    void truncatedSnapshotIsRejected() throws IOException {
        SnapshotFile info =
                new SnapshotWriter(List.of())
                        .write(dir, 5, List.of(image(Fixtures.spec("a", 8), awkwardAndRandom(50))));
        try (RandomAccessFile f = new RandomAccessFile(info.path().toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertThrows(
                LogCorruptException.class, () -> SnapshotReader.read(info.path(), new Collected()));
    }
}
