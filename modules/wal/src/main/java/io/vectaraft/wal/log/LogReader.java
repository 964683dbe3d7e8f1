package io.vectaraft.wal.log;

import io.vectaraft.wal.LogCorruptException;
import io.vectaraft.wal.Mutation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads one log file front to back and hands each valid entry to a visitor. Stops at the first
 * problem and reports its byte offset; deciding what the problem means (a torn tail to cut off, or
 * corruption to refuse) is the caller's job. An unknown format version is always fatal.
 *
 * <p>Only an incomplete last line (no newline) can be a torn write: the writer puts the newline
 * last, so an append cut short by a crash never ends in one. A complete line that fails its frame
 * or checksum was written in full and damaged afterwards, wherever it sits in the file.
 */
public final class LogReader {
    private LogReader() {}

    /**
     * Receives the valid entries in file order; {@code entry} is null for entries at or below the
     * scan's {@code skipThrough} (checksummed, not decoded). May throw {@link Reject}.
     */
    @FunctionalInterface
    public interface Visitor {
        void entry(long seq, Mutation entry, long offset);
    }

    /** Thrown by a visitor to stop the scan at this entry, as if it were corrupt. */
    public static final class Reject extends RuntimeException {
        public Reject(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Where the scan stopped. {@code torn} means the file ends in a line without its newline that
     * is not a whole entry (what a crash in the middle of an append leaves); a complete line that
     * fails, and a rejected entry, are never torn.
     */
    public record Problem(long offset, String reason, boolean torn) {}

    /**
     * {@code validBytes} is the length of the good prefix; {@code lastSeq} is -1 without entries.
     */
    public record Result(long validBytes, long entries, long lastSeq, Problem problem) {}

    public static Result scan(Path file, Visitor visitor) throws IOException {
        return scan(file, -1, visitor);
    }

    /**
     * As {@link #scan(Path, Visitor)}, but entries with a sequence number up to {@code skipThrough}
     * are only checksummed: recovery does not need what a snapshot already covers.
     */
    public static Result scan(Path file, long skipThrough, Visitor visitor) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return new Scanner(file, size, in).run(skipThrough, visitor);
        }
    }

    private static final class Scanner {
        private final Path file;
        private final long size;
        private final InputStream in;
        private byte[] line = new byte[1 << 16];
        private int length;
        private final byte[] buf = new byte[1 << 20];
        private int bufPos;
        private int bufLimit;

        Scanner(Path file, long size, InputStream in) {
            this.file = file;
            this.size = size;
            this.in = in;
        }

        Result run(long skipThrough, Visitor visitor) throws IOException {
            long offset = 0;
            long entries = 0;
            long lastSeq = -1;
            while (offset < size) {
                boolean complete = readLine();
                long next = offset + length + 1;
                if (!complete) {
                    return new Result(offset, entries, lastSeq, incomplete(offset));
                }
                try {
                    if (offset == 0) {
                        checkHeader();
                    } else {
                        LogFormat.Frame f = LogFormat.parseFrame(line, length);
                        Mutation entry = null;
                        try {
                            if (f.seq() > skipThrough) {
                                entry =
                                        EntryCodec.decode(
                                                line, f.payloadOffset(), f.payloadLength());
                            }
                        } catch (RuntimeException e) {
                            throw new IllegalArgumentException(
                                    "entry seq " + f.seq() + ": malformed payload: " + e, e);
                        }
                        try {
                            visitor.entry(f.seq(), entry, offset);
                        } catch (Reject r) {
                            return new Result(
                                    offset,
                                    entries,
                                    lastSeq,
                                    new Problem(offset, r.getMessage(), false));
                        }
                        entries++;
                        lastSeq = f.seq();
                    }
                } catch (IllegalArgumentException e) {
                    return new Result(
                            offset, entries, lastSeq, new Problem(offset, e.getMessage(), false));
                }
                offset = next;
            }
            return new Result(offset, entries, lastSeq, null);
        }

        /**
         * The file ends without a newline. A strict prefix of an entry is a torn append; a whole
         * entry (frame and checksum verify without the last byte) lost its newline to damage.
         */
        private Problem incomplete(long offset) {
            if (offset > 0 && length >= 2) {
                try {
                    LogFormat.Frame f = LogFormat.parseFrame(line, length - 1);
                    return new Problem(
                            offset,
                            "entry seq "
                                    + f.seq()
                                    + " is complete but its line end (byte "
                                    + (offset + length - 1)
                                    + ") is damaged: expected a newline, got 0x"
                                    + Integer.toHexString(line[length - 1] & 0xff),
                            false);
                } catch (IllegalArgumentException notWhole) {
                    // A prefix of an entry: torn.
                }
            }
            return new Problem(
                    offset, "incomplete last line: " + length + " bytes without a newline", true);
        }

        private void checkHeader() {
            String problem = LogFormat.checkHeader(line, length);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            int version = LogFormat.headerVersion(line, length);
            if (version < LogFormat.MIN_VERSION || version > LogFormat.MAX_VERSION) {
                throw new LogCorruptException(
                        "wal file "
                                + file
                                + " offset 0: format version: expected between "
                                + LogFormat.MIN_VERSION
                                + " and "
                                + LogFormat.MAX_VERSION
                                + ", got "
                                + version
                                + " (written by a newer or unknown vectaraft?)");
            }
        }

        /** Reads up to the next newline (not kept); returns false at end of file without one. */
        private boolean readLine() throws IOException {
            length = 0;
            while (true) {
                if (bufPos == bufLimit) {
                    bufLimit = in.read(buf, 0, buf.length);
                    bufPos = 0;
                    if (bufLimit <= 0) {
                        bufLimit = 0;
                        return false;
                    }
                }
                int nl = bufPos;
                while (nl < bufLimit && buf[nl] != '\n') {
                    nl++;
                }
                int n = nl - bufPos;
                if (length + n > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
                }
                System.arraycopy(buf, bufPos, line, length, n);
                length += n;
                bufPos = nl;
                if (nl < bufLimit) {
                    bufPos++;
                    return true;
                }
            }
        }
    }
}
