package io.vectaraft.index;

/**
 * Client-supplied text (collection names, ids, filter and metadata keys, page tokens) made safe for
 * an error message or a log line: cut to a bounded length with the original length stated, control,
 * line-separator and unpaired surrogate characters escaped. A request can then neither forge log
 * lines nor flood them, and an error message always fits a client's header limit (gRPC carries it
 * in a trailer; 8 KiB is the common limit). Every message and log line that repeats client text
 * goes through here.
 */
public final class ClientText {
    /** Characters of client text kept in a message or log line. */
    public static final int MAX_CHARS = 128;

    private ClientText() {}

    /**
     * {@code s} in double quotes, escaped and cut to {@value #MAX_CHARS} characters, e.g. {@code
     * "a\nb"} or {@code "xxx..."...(9000 chars)}.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return '"' + escape(s, MAX_CHARS, true) + '"' + cutNote(s, MAX_CHARS);
    }

    /**
     * {@code s} escaped as {@link #quote} does (quotes kept as they are) and cut to {@code
     * maxChars}: for a whole message that may embed client text, such as a status description in a
     * log line.
     */
    public static String line(String s, int maxChars) {
        if (s == null) {
            return "null";
        }
        return escape(s, maxChars, false) + cutNote(s, maxChars);
    }

    private static String cutNote(String s, int maxChars) {
        return s.length() > maxChars ? "...(" + s.length() + " chars)" : "";
    }

    private static String escape(String s, int maxChars, boolean quotes) {
        int end = Math.min(s.length(), maxChars);
        if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(end + 8);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append(quotes ? "\\\"" : "\"");
                case '\\' -> b.append(quotes ? "\\\\" : "\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (needsEscape(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20
                || (c >= 0x7f && c < 0xa0)
                || c == '\u2028'
                || c == '\u2029'
                || Character.isSurrogate(c);
    }
}
