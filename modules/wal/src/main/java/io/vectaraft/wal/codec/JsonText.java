package io.vectaraft.wal.codec;

import io.vectaraft.index.MetadataValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer into a growable byte array, for the hot path: an upsert of 100 x 768 floats
 * is about 400 KB of JSON, mostly base64, which needs no escaping; a general generator inspects
 * every character of it. The output is plain JSON that any parser reads; the shapes match {@link
 * Json}'s (same metadata typing rules).
 */
public final class JsonText {
    private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private byte[] buf;
    private int size;
    private byte[] floatBytes;
    private byte[] encoded;

    public JsonText(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    /** Appends ASCII text as is (structure: braces, keys known to need no escaping). */
    public JsonText raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    public JsonText string(String s) {
        ensure(s.length() + 2);
        buf[size++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[size++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                buf[size++] = '\\';
                buf[size++] = (byte) c;
            } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                ensure(2);
                buf[size++] = '\\';
                buf[size++] =
                        (byte)
                                switch (c) {
                                    case '\n' -> 'n';
                                    case '\r' -> 'r';
                                    case '\t' -> 't';
                                    case '\b' -> 'b';
                                    default -> 'f';
                                };
            } else if (c < 0x20) {
                ensure(6);
                buf[size++] = '\\';
                buf[size++] = 'u';
                buf[size++] = '0';
                buf[size++] = '0';
                buf[size++] = HEX[c >> 4];
                buf[size++] = HEX[c & 0xf];
            } else {
                int end = i + 1;
                while (end < s.length() && s.charAt(end) >= 0x80) {
                    end++;
                }
                byte[] utf8 = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, size, utf8.length);
                size += utf8.length;
                i = end - 1;
            }
        }
        ensure(1);
        buf[size++] = '"';
        return this;
    }

    /** A JSON string holding base64 of the vector's little-endian float32 bytes. */
    public JsonText base64Floats(float[] vector) {
        int rawLength = vector.length * Float.BYTES;
        int encodedLength = 4 * ((rawLength + 2) / 3);
        if (floatBytes == null || floatBytes.length != rawLength) {
            // Scratch reused for every vector of an entry (they share one dimension).
            floatBytes = new byte[rawLength];
            encoded = new byte[encodedLength];
        }
        ByteBuffer.wrap(floatBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
        int n = BASE64.encode(floatBytes, encoded);
        ensure(n + 2);
        buf[size++] = '"';
        System.arraycopy(encoded, 0, buf, size, n);
        size += n;
        buf[size++] = '"';
        return this;
    }

    public JsonText metadata(Map<String, MetadataValue> metadata) {
        raw("{");
        boolean first = true;
        for (Map.Entry<String, MetadataValue> e : metadata.entrySet()) {
            if (!first) {
                raw(",");
            }
            first = false;
            string(e.getKey()).raw(":");
            switch (e.getValue()) {
                case MetadataValue.Text t -> string(t.value());
                case MetadataValue.Int i -> raw(Long.toString(i.value()));
                case MetadataValue.Real r -> real(r.value());
                case MetadataValue.Bool b -> raw(b.value() ? "true" : "false");
                case MetadataValue.TextList l -> stringList(l.values());
            }
        }
        return raw("}");
    }

    private void real(double value) {
        if (Double.isFinite(value) && Double.doubleToRawLongBits(value) != NEGATIVE_ZERO) {
            // Double.toString always has a point or an exponent, so readers see a double; the
            // BigDecimal form matches what Json (Parsson) writes.
            raw(new BigDecimal(Double.toString(value)).toString());
        } else {
            raw("{\"real\":").string(Double.toString(value)).raw("}");
        }
    }

    public JsonText stringList(List<String> values) {
        raw("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                raw(",");
            }
            string(values.get(i));
        }
        return raw("]");
    }
}
