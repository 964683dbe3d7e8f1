package io.vectaraft.server.auth;

/**
 * Client-supplied text made safe for a log line: quoted, cut to a bounded length, control and
 * line-separator characters escaped, so that a request can neither forge log lines nor flood them.
 */
public final class ClientText {
    /** Characters of client text kept in a log line. */
    public static final int MAX_CHARS = 128;

    private ClientText() {}

    /** {@code s} in double quotes, escaped and cut to {@value #MAX_CHARS} characters. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8).append('"');
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
        if (end < s.length()) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
