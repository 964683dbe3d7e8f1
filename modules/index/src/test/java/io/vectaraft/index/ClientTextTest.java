package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Client text in messages and log lines: quoted, escaped, bounded. */
class ClientTextTest {
    @Test
    void quotesAndEscapes() {
        assertEquals("\"films\"", ClientText.quote("films"));
        assertEquals("\"a\\\"b\\\\c\"", ClientText.quote("a\"b\\c"));
        assertEquals(
                "\"x\\n2026-01-01 INFO forged\\r\\t\\u0000\\u001b[31m\\u2028\"",
                ClientText.quote("x\n2026-01-01 INFO forged\r\t\u0000\u001b[31m\u2028"));
        assertEquals("null", ClientText.quote(null));
    }

    @Test
    void longTextIsCut() {
        String quoted = ClientText.quote("a".repeat(10_000));
        assertTrue(quoted.length() < ClientText.MAX_CHARS + 30, quoted.length() + " chars");
        assertTrue(quoted.endsWith("...(10000 chars)"), quoted);
    }

    @Test
    void aSurrogatePairIsNotCutInHalf() {
        String s = "a".repeat(ClientText.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail";
        String quoted = ClientText.quote(s);
        assertFalse(quoted.contains("\uD83D\""), "no lone high surrogate before the quote");
    }

    @Test
    void loneSurrogatesAreEscapedPairsKept() {
        assertEquals("\"a\\ud800b\uD83D\uDE00\"", ClientText.quote("a\uD800b\uD83D\uDE00"));
    }

    @Test
    void aWholeLineIsEscapedAndBoundedWithoutQuoting() {
        assertEquals("collection \"x\\ny\"", ClientText.line("collection \"x\ny\"", 100));
        assertEquals("abc...(6 chars)", ClientText.line("abcdef", 3));
    }
}
