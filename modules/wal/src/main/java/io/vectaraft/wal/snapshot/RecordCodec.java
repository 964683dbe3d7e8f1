package io.vectaraft.wal.snapshot;

import io.vectaraft.index.MetadataValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The framed binary form of ids and metadata in a snapshot. Binary rather than JSON because a
 * restart reads a million of them: a JSON parser per record cost more than everything else in
 * loading. Doubles are stored as raw bits, so -0.0 and NaN need no special case.
 *
 * <pre>
 * string   : u32 length | UTF-8 bytes
 * metadata : u32 entries | (string key | u8 kind | value)*
 * kind     : 1 text (string) | 2 int (i64) | 3 real (f64 bits) | 4 bool (u8) | 5 list (u32 n | string*n)
 * </pre>
 */
final class RecordCodec {
    private static final int TEXT = 1;
    private static final int INT = 2;
    private static final int REAL = 3;
    private static final int BOOL = 4;
    private static final int LIST = 5;

    private RecordCodec() {}

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in, long limit) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new IOException("string length: expected 0.." + limit + ", got " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void writeMetadata(DataOutputStream out, Map<String, MetadataValue> metadata)
            throws IOException {
        out.writeInt(metadata.size());
        for (Map.Entry<String, MetadataValue> e : metadata.entrySet()) {
            writeString(out, e.getKey());
            switch (e.getValue()) {
                case MetadataValue.Text t -> {
                    out.writeByte(TEXT);
                    writeString(out, t.value());
                }
                case MetadataValue.Int i -> {
                    out.writeByte(INT);
                    out.writeLong(i.value());
                }
                case MetadataValue.Real r -> {
                    out.writeByte(REAL);
                    out.writeLong(Double.doubleToRawLongBits(r.value()));
                }
                case MetadataValue.Bool b -> {
                    out.writeByte(BOOL);
                    out.writeBoolean(b.value());
                }
                case MetadataValue.TextList l -> {
                    out.writeByte(LIST);
                    out.writeInt(l.values().size());
                    for (String s : l.values()) {
                        writeString(out, s);
                    }
                }
            }
        }
    }

    static Map<String, MetadataValue> readMetadata(DataInputStream in, long limit)
            throws IOException {
        int entries = in.readInt();
        if (entries < 0 || entries > limit) {
            throw new IOException("metadata entries: expected 0.." + limit + ", got " + entries);
        }
        if (entries == 0) {
            return Map.of();
        }
        Map<String, MetadataValue> out = HashMap.newHashMap(entries);
        for (int i = 0; i < entries; i++) {
            String key = readString(in, limit);
            int kind = in.readUnsignedByte();
            MetadataValue value =
                    switch (kind) {
                        case TEXT -> new MetadataValue.Text(readString(in, limit));
                        case INT -> new MetadataValue.Int(in.readLong());
                        case REAL -> new MetadataValue.Real(Double.longBitsToDouble(in.readLong()));
                        case BOOL -> new MetadataValue.Bool(in.readBoolean());
                        case LIST -> {
                            int n = in.readInt();
                            if (n < 0 || n > limit) {
                                throw new IOException(
                                        "list length: expected 0.." + limit + ", got " + n);
                            }
                            List<String> values = new ArrayList<>(n);
                            for (int k = 0; k < n; k++) {
                                values.add(readString(in, limit));
                            }
                            yield new MetadataValue.TextList(values);
                        }
                        default ->
                                throw new IOException(
                                        "metadata \""
                                                + key
                                                + "\" kind: expected 1..5, got "
                                                + kind);
                    };
            out.put(key, value);
        }
        return out;
    }
}
