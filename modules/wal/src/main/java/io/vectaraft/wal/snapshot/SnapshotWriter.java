package io.vectaraft.wal.snapshot;

import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.SnapshotFile;
import io.vectaraft.wal.codec.Json;
import io.vectaraft.wal.log.Fsync;
import jakarta.json.stream.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a snapshot atomically: to a temp file, forced, renamed over the final name, then the
 * directory forced, so a crash leaves either no snapshot or a whole one. Format: {@link
 * SnapshotFiles}.
 */
public final class SnapshotWriter {
    private final List<SnapshotSection> sections;

    /** {@code sections}: extension data written after each collection's records. */
    public SnapshotWriter(List<SnapshotSection> sections) {
        this.sections = List.copyOf(sections);
    }

    public SnapshotFile write(Path dir, long sequence, List<CollectionImage> collections)
            throws IOException {
        Files.createDirectories(dir);
        Path target = SnapshotFiles.path(dir, sequence);
        Path temp = SnapshotFiles.tempPath(target);
        Instant created = Instant.ofEpochMilli(System.currentTimeMillis());
        try (FileChannel ch =
                FileChannel.open(
                        temp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(
                                    new CheckedOutputStream(Channels.newOutputStream(ch), crc),
                                    1 << 16));
            out.write(SnapshotFiles.MAGIC);
            out.writeInt(SnapshotFiles.VERSION);
            out.writeLong(sequence);
            out.writeLong(created.toEpochMilli());
            out.writeInt(collections.size());
            for (CollectionImage c : collections) {
                writeCollection(out, c);
            }
            out.flush();
            ByteBuffer trailer = ByteBuffer.allocate(SnapshotFiles.TRAILER_BYTES);
            trailer.putLong(ch.position()).putInt((int) crc.getValue()).flip();
            while (trailer.hasRemaining()) {
                ch.write(trailer);
            }
            Fsync.force(ch);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        Fsync.forceDirectory(dir);
        return new SnapshotFile(sequence, target, Files.size(target), created, collections.size());
    }

    private void writeCollection(DataOutputStream out, CollectionImage c) throws IOException {
        writeBlock(out, json(g -> Json.writeSpec(g, null, c.spec())));
        int dim = c.spec().dimension();
        ByteBuffer vec = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            c.records()
                    .accept(
                            r -> {
                                try {
                                    writeRecord(out, r, vec);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.writeByte(0);
        List<SnapshotSection> present = sections.stream().filter(s -> s.appliesTo(c)).toList();
        out.writeInt(present.size());
        for (SnapshotSection s : present) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream sectionOut = new DataOutputStream(bytes);
            s.write(c, sectionOut);
            sectionOut.flush();
            out.writeUTF(s.tag());
            out.writeLong(bytes.size());
            bytes.writeTo(out);
        }
    }

    private static void writeRecord(DataOutputStream out, VectorRecord r, ByteBuffer vec)
            throws IOException {
        out.writeByte(1);
        RecordCodec.writeString(out, r.id());
        RecordCodec.writeMetadata(out, r.metadata());
        vec.clear();
        vec.asFloatBuffer().put(r.vector());
        out.write(vec.array(), 0, vec.capacity());
    }

    private static void writeBlock(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] json(java.util.function.Consumer<JsonGenerator> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.generator(bytes)) {
            body.accept(g);
        }
        return bytes.toByteArray();
    }
}
