package io.vectaraft.index;

import java.util.Comparator;

/**
 * Record ids: non-empty, well-formed Unicode strings of at most {@link #MAX_UTF8_BYTES} UTF-8
 * bytes, ordered by their UTF-8 bytes wherever order matters (scroll, tie-breaks).
 *
 * <p>UTF-8 byte order equals code point order, which differs from {@link String#compareTo} (UTF-16
 * code units) only when a supplementary character (a surrogate pair, U+D800..U+DFFF in UTF-16)
 * meets a character in U+E000..U+FFFF: UTF-16 puts the pair first, UTF-8 puts it last. The
 * comparator fixes that up at the first differing unit, without encoding either string.
 */
public final class Ids {
    public static final int MAX_UTF8_BYTES = 256;

    /** Orders strings as their UTF-8 encodings compare byte by byte (unsigned). */
    public static final Comparator<String> UTF8_ORDER = Ids::compareUtf8;

    private Ids() {}

    /** Compares two strings in UTF-8 byte order (code point order). */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                if (ca >= 0xD800 && cb >= 0xD800) {
                    // Move surrogates (D800..DFFF) above E000..FFFF, keeping each group's order.
                    return fixUp(ca) - fixUp(cb);
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /**
     * The UTF-8 length of a well-formed string, or -1 if it holds an unpaired surrogate (which has
     * no UTF-8 encoding).
     */
    public static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Checks an id.
     *
     * @throws InvalidArgumentException "id: expected 1..256 UTF-8 bytes, got 300" and the like
     */
    public static void check(String id) {
        if (id == null) {
            throw new InvalidArgumentException("id: expected a string, got none");
        }
        int length = utf8Length(id);
        if (length < 0) {
            throw new InvalidArgumentException(
                    "id "
                            + ClientText.quote(id)
                            + ": expected well-formed Unicode, got an unpaired surrogate");
        }
        if (length == 0 || length > MAX_UTF8_BYTES) {
            throw new InvalidArgumentException(
                    "id: expected 1.." + MAX_UTF8_BYTES + " UTF-8 bytes, got " + length);
        }
    }
}
