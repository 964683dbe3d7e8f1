package io.vectaraft.wal.log;

import io.vectaraft.index.MetadataValue;
import io.vectaraft.index.VectorRecord;
import io.vectaraft.wal.Mutation;
import io.vectaraft.wal.codec.Json;
import io.vectaraft.wal.codec.JsonText;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A binary form of an upsert entry, for the replicated (Raft) log, where every entry is decoded on
 * every node: parsing 400 KB of JSON and base64 per batch of 100 x 768 floats three times over cost
 * more than the floats themselves. The local JSON log keeps {@link EntryCodec}'s form.
 *
 * <pre>
 * byte     FORMAT (0x01: records as a client sent them; 0x02: in stored form, {@link
 *          Mutation.Upsert#stored}; a JSON entry starts with '{')
 * string   collection
 * int32    record count
 * per record:
 *   string   id
 *   int32    dimension
 *   float32  x dimension
 *   string   metadata as a JSON object ({@link JsonText#metadata}), empty when there is none
 * </pre>
 *
 * Little-endian; a string is an int32 byte length and UTF-8 bytes. Floats are kept bit-exact.
 */
public final class BinaryUpsertCodec {
    /** The first byte of a binary upsert entry of records as a client sent them. */
    public static final byte FORMAT = 0x01;

    /** The first byte of a binary upsert entry of records in stored form. */
    public static final byte FORMAT_STORED = 0x02;

    private BinaryUpsertCodec() {}

    /** Whether {@code entry} is in this form (and not JSON). */
    public static boolean is(byte[] entry) {
        return is(ByteBuffer.wrap(entry));
    }

    /** Whether the bytes from {@code entry}'s position on are in this form (and not JSON). */
    public static boolean is(ByteBuffer entry) {
        if (!entry.hasRemaining()) {
            return false;
        }
        byte first = entry.get(entry.position());
        return first == FORMAT || first == FORMAT_STORED;
    }

    public static byte[] encode(Mutation.Upsert upsert) {
        byte[] collection = upsert.collection().getBytes(StandardCharsets.UTF_8);
        List<VectorRecord> records = upsert.records();
        byte[][] ids = new byte[records.size()][];
        byte[][] metadata = new byte[records.size()][];
        long size = 1 + 4 + collection.length + 4;
        for (int i = 0; i < records.size(); i++) {
            VectorRecord r = records.get(i);
            ids[i] = r.id().getBytes(StandardCharsets.UTF_8);
            metadata[i] = metadata(r.metadata());
            size += 4 + ids[i].length + 4 + 4L * r.vector().length + 4 + metadata[i].length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("upsert entry: " + size + " bytes is too large");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(upsert.stored() ? FORMAT_STORED : FORMAT);
        putBytes(out, collection);
        out.putInt(records.size());
        for (int i = 0; i < records.size(); i++) {
            float[] vector = records.get(i).vector();
            putBytes(out, ids[i]);
            out.putInt(vector.length);
            out.asFloatBuffer().put(vector);
            out.position(out.position() + 4 * vector.length);
            putBytes(out, metadata[i]);
        }
        return out.array();
    }

    /**
     * Decodes an entry {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when it is not one (truncated, a wrong length or format)
     */
    public static Mutation.Upsert decode(byte[] entry) {
        return decode(ByteBuffer.wrap(entry));
    }

    /**
     * Decodes the bytes from {@code entry}'s position to its limit (it may be read-only, such as a
     * view of a Raft log entry's data, which is then not copied whole); leaves {@code entry} as it
     * was.
     *
     * @throws IllegalArgumentException when they are not an entry {@link #encode} wrote
     */
    public static Mutation.Upsert decode(ByteBuffer entry) {
        ByteBuffer in = entry.slice().order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte format = in.get();
            if (format != FORMAT && format != FORMAT_STORED) {
                throw new IllegalArgumentException(
                        "upsert entry: expected format byte "
                                + FORMAT
                                + " or "
                                + FORMAT_STORED
                                + ", got "
                                + format);
            }
            String collection = string(in);
            // A record takes at least 12 bytes (three lengths).
            int count = length(in, "record count", 12);
            List<VectorRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = string(in);
                int dimension = length(in, "dimension", 4);
                float[] vector = new float[dimension];
                in.asFloatBuffer().get(vector);
                in.position(in.position() + 4 * dimension);
                int metadataLength = length(in, "metadata length", 1);
                Map<String, MetadataValue> metadata =
                        metadataLength == 0 ? Map.of() : metadata(bytes(in, metadataLength), id);
                records.add(new VectorRecord(id, vector, metadata));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(
                        "upsert entry: " + in.remaining() + " bytes after the last record");
            }
            return new Mutation.Upsert(collection, records, format == FORMAT_STORED);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("upsert entry: truncated", e);
        }
    }

    private static Map<String, MetadataValue> metadata(byte[] json, String id) {
        try {
            return Json.readMetadata(Json.parseObject(json, 0, json.length));
        } catch (RuntimeException e) { // jakarta.json's parsing and type errors
            throw new IllegalArgumentException(
                    "upsert entry: metadata of record " + id + ": " + e.getMessage(), e);
        }
    }

    private static byte[] metadata(Map<String, MetadataValue> metadata) {
        return metadata.isEmpty() ? new byte[0] : new JsonText(64).metadata(metadata).toByteArray();
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes.length);
        out.put(bytes);
    }

    /** An int32 count of items of {@code unit} bytes or more each, all in the rest of the entry. */
    private static int length(ByteBuffer in, String what, int unit) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining() / unit) {
            throw new IllegalArgumentException(
                    "upsert entry: " + what + " " + n + " does not fit the entry");
        }
        return n;
    }

    private static String string(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("upsert entry: bad string length " + n);
        }
        return new String(bytes(in, n), StandardCharsets.UTF_8);
    }

    /** The next {@code n} bytes (checked to be there), copied: an id or a metadata object. */
    private static byte[] bytes(ByteBuffer in, int n) {
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }
}
