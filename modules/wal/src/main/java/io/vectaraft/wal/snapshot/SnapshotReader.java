package io.vectaraft.wal.snapshot;

import io.vectaraft.index.CollectionSpec;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.LogCorruptException;
import io.vectaraft.wal.codec.Floats;
import io.vectaraft.wal.codec.Json;
import jakarta.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a snapshot in two passes: first the checksum over the whole file, then the contents, so a
 * damaged snapshot is rejected before anything is loaded from it.
 */
public final class SnapshotReader {
    private static final int BATCH = 1024;

    private SnapshotReader() {}

    /**
     * Verifies and loads a snapshot; returns its sequence number.
     *
     * @throws LogCorruptException naming the file and offset when it is damaged or of an unknown
     *     version
     */
    public static long read(Path file, SnapshotLoader loader) throws IOException {
        long bodyLength = verify(file);
        try (CountingInputStream counting =
                        new CountingInputStream(
                                new BufferedInputStream(
                                        java.nio.file.Files.newInputStream(file), 1 << 16));
                DataInputStream in = new DataInputStream(counting)) {
            try {
                return readBody(file, in, bodyLength, loader);
            } catch (IOException | RuntimeException e) {
                throw new LogCorruptException(
                        "snapshot " + file + " offset " + counting.count + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /**
     * Reads a snapshot back whole (checksum, then every collection, record and section) without
     * loading it anywhere: a snapshot counts only once this passed.
     *
     * @throws LogCorruptException naming the file and offset when it does not read back
     */
    public static long check(Path file) throws IOException {
        return read(
                file,
                new SnapshotLoader() {
                    @Override
                    public void collection(CollectionSpec spec) {}

                    @Override
                    public void records(CollectionSpec spec, List<VectorRecord> batch) {}
                });
    }

    /** Checks the trailer and the CRC32C; returns the length of the checksummed body. */
    private static long verify(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SnapshotFiles.HEADER_BYTES + SnapshotFiles.TRAILER_BYTES) {
                throw new LogCorruptException(
                        "snapshot "
                                + file
                                + ": expected at least "
                                + (SnapshotFiles.HEADER_BYTES + SnapshotFiles.TRAILER_BYTES)
                                + " bytes, got "
                                + size);
            }
            long bodyLength = size - SnapshotFiles.TRAILER_BYTES;
            ByteBuffer trailer = ByteBuffer.allocate(SnapshotFiles.TRAILER_BYTES);
            while (trailer.hasRemaining()
                    && ch.read(trailer, bodyLength + trailer.position()) > 0) {
                // read fully
            }
            trailer.flip();
            long recorded = trailer.getLong();
            int expectedCrc = trailer.getInt();
            if (recorded != bodyLength) {
                throw new LogCorruptException(
                        "snapshot "
                                + file
                                + " offset "
                                + bodyLength
                                + ": body length: expected "
                                + bodyLength
                                + ", got "
                                + recorded
                                + " (truncated or damaged)");
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long pos = 0;
            while (pos < bodyLength) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), bodyLength - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                buf.flip();
                crc.update(buf);
                pos += n;
            }
            if ((int) crc.getValue() != expectedCrc) {
                throw new LogCorruptException(
                        "snapshot "
                                + file
                                + ": crc: expected "
                                + Integer.toUnsignedString(expectedCrc)
                                + ", got "
                                + crc.getValue()
                                + " over "
                                + bodyLength
                                + " bytes");
            }
            return bodyLength;
        }
    }

    private static long readBody(
            Path file, DataInputStream in, long bodyLength, SnapshotLoader loader)
            throws IOException {
        SnapshotFiles.Header h = SnapshotFiles.Header.read(file, in);
        for (int c = 0; c < h.collections(); c++) {
            CollectionSpec spec = Json.readSpec(readJson(in, bodyLength));
            loader.collection(spec);
            List<VectorRecord> batch = new ArrayList<>(BATCH);
            byte[] vector = new byte[spec.dimension() * Float.BYTES];
            int marker;
            while ((marker = in.readUnsignedByte()) == 1) {
                String id = RecordCodec.readString(in, bodyLength);
                var metadata = RecordCodec.readMetadata(in, bodyLength);
                in.readFully(vector);
                batch.add(new VectorRecord(id, Floats.fromBytes(vector), metadata));
                if (batch.size() == BATCH) {
                    loader.records(spec, batch);
                    batch = new ArrayList<>(BATCH);
                }
            }
            if (marker != 0) {
                throw new IOException("record marker: expected 0 or 1, got " + marker);
            }
            if (!batch.isEmpty()) {
                loader.records(spec, batch);
            }
            int sections = in.readInt();
            for (int s = 0; s < sections; s++) {
                String tag = in.readUTF();
                long length = in.readLong();
                if (length < 0 || length > Math.min(bodyLength, Integer.MAX_VALUE - 16)) {
                    throw new IOException("section \"" + tag + "\" length: got " + length);
                }
                loader.section(spec, tag, in.readNBytes((int) length));
            }
        }
        return h.sequence();
    }

    private static JsonObject readJson(DataInputStream in, long bodyLength) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > bodyLength) {
            throw new IOException("block length: expected 0.." + bodyLength + ", got " + length);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("block: expected " + length + " bytes, got " + bytes.length);
        }
        return Json.parseObject(bytes, 0, length);
    }

    /** Counts bytes read, to name the offset of a problem. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
