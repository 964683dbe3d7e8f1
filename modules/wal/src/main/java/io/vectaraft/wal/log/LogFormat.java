package io.vectaraft.wal.log;

import io.vectaraft.wal.codec.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The framing of a log file: JSON lines. The first line is a header, {@code
 * {"magic":"vectaraft-wal","version":1}}; every other line is one entry, {@code
 * {"seq":42,"crc":3735928559,"entry":{...}}}, where {@code crc} is the CRC32C of the exact bytes of
 * the {@code entry} value as written. The sequence number sits outside the checksum so that the
 * (large) payload can be encoded and checksummed before the writer takes the append lock; a damaged
 * {@code seq} is still caught, by the rule that sequence numbers go up by one.
 */
public final class LogFormat {
    public static final String MAGIC = "vectaraft-wal";
    public static final int MIN_VERSION = 1;
    public static final int MAX_VERSION = 1;
    public static final int VERSION = 1;

    private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRC = ",\"crc\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTRY = ",\"entry\":".getBytes(StandardCharsets.US_ASCII);

    private LogFormat() {}

    public static byte[] header() {
        return ("{\"magic\":\"" + MAGIC + "\",\"version\":" + VERSION + "}\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    public static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** The bytes before the payload: {@code {"seq":N,"crc":C,"entry":}. */
    public static byte[] prefix(long seq, int crc) {
        return ("{\"seq\":" + seq + ",\"crc\":" + Integer.toUnsignedString(crc) + ",\"entry\":")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The bytes after the payload. */
    public static byte[] suffix() {
        return new byte[] {'}', '\n'};
    }

    /** Checks a header line (without its newline); returns null when fine, else what is wrong. */
    public static String checkHeader(byte[] line, int length) {
        JsonObject o;
        try {
            o = Json.parseObject(line, 0, length);
        } catch (RuntimeException e) {
            return "header: expected a JSON object, got unparsable text (" + e.getMessage() + ")";
        }
        if (!MAGIC.equals(o.getString("magic", null))) {
            return "header magic: expected \"" + MAGIC + "\", got " + o.get("magic");
        }
        return null;
    }

    /** The header's version; call after {@link #checkHeader} said it is fine. */
    public static int headerVersion(byte[] line, int length) {
        return Json.parseObject(line, 0, length).getInt("version", -1);
    }

    /** One parsed entry frame: where the payload sits in the line. */
    public record Frame(long seq, int crc, int payloadOffset, int payloadLength) {}

    /**
     * Parses an entry line (without its newline) and verifies its checksum. Throws {@link
     * IllegalArgumentException} saying what is wrong.
     */
    public static Frame parseFrame(byte[] line, int length) {
        int p = expect(line, length, 0, SEQ, "\"seq\"");
        int start = p;
        while (p < length && line[p] >= '0' && line[p] <= '9') {
            p++;
        }
        long seq = parseNumber(line, start, p, "seq");
        p = expect(line, length, p, CRC, "\"crc\"");
        start = p;
        while (p < length && line[p] >= '0' && line[p] <= '9') {
            p++;
        }
        long crc = parseNumber(line, start, p, "crc");
        p = expect(line, length, p, ENTRY, "\"entry\"");
        if (length - p < 2 || line[length - 1] != '}') {
            throw new IllegalArgumentException("entry: expected a closing brace at the line end");
        }
        int payloadLength = length - 1 - p;
        CRC32C actual = new CRC32C();
        actual.update(line, p, payloadLength);
        if (actual.getValue() != crc) {
            throw new IllegalArgumentException(
                    "crc of entry seq "
                            + seq
                            + ": expected "
                            + crc
                            + ", got "
                            + actual.getValue()
                            + " over "
                            + payloadLength
                            + " payload bytes");
        }
        return new Frame(seq, (int) crc, p, payloadLength);
    }

    private static int expect(byte[] line, int length, int at, byte[] token, String what) {
        if (length - at < token.length) {
            throw new IllegalArgumentException(
                    "entry frame: expected " + what + ", got end of line");
        }
        for (int i = 0; i < token.length; i++) {
            if (line[at + i] != token[i]) {
                throw new IllegalArgumentException(
                        "entry frame: expected " + what + " at column " + at);
            }
        }
        return at + token.length;
    }

    private static long parseNumber(byte[] line, int from, int to, String what) {
        if (to == from || to - from > 19) {
            throw new IllegalArgumentException(
                    "entry frame " + what + ": expected a number at column " + from);
        }
        return Long.parseLong(new String(line, from, to - from, StandardCharsets.US_ASCII));
    }
}
