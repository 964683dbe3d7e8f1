package io.vectaraft.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void supplementaryCharacterSortsAfterHighBmpCharacterUnlikeStringCompareTo() {
        String emoji = "\uD83D\uDE00"; // U+1F600, UTF-8 F0 9F 98 80
        String replacement = "\uFFFD"; // U+FFFD, UTF-8 EF BF BD
        assertTrue(emoji.compareTo(replacement) < 0, "String.compareTo puts the surrogate first");
        assertTrue(
                Ids.compareUtf8(replacement, emoji) < 0, "UTF-8 order puts U+FFFD before U+1F600");
        assertTrue(Ids.compareUtf8(emoji, replacement) > 0, "antisymmetric");
        assertTrue(Ids.compareUtf8("a" + replacement, "a" + emoji + "z") < 0, "after a prefix");
        assertTrue(Ids.compareUtf8("\uE000", emoji) < 0, "U+E000 before U+1F600");
        assertTrue(Ids.compareUtf8("\uD7FF", "\uE000") < 0, "U+D7FF before U+E000");
        assertTrue(Ids.compareUtf8("\uD7FF", emoji) < 0, "U+D7FF before U+1F600");
        assertTrue(Ids.compareUtf8("ab", "abc") < 0, "prefix first");
        assertEquals(0, Ids.compareUtf8("x" + emoji, "x" + emoji));
    }

    @Test
    void comparatorAgreesWithUnsignedByteComparisonOnRandomStrings() {
        long seed = TestSeeds.seed();
        Random random = new Random(seed);
        int[][] ranges = {
            {0x20, 0x7F}, {0x80, 0x7FF}, {0x800, 0xD7FF}, {0xE000, 0xFFFF}, {0x10000, 0x10FFFF}
        };
        for (int trial = 0; trial < 20_000; trial++) {
            String a = randomString(random, ranges);
            String b = randomString(random, ranges);
            int expected =
                    Integer.signum(
                            Arrays.compareUnsigned(
                                    a.getBytes(StandardCharsets.UTF_8),
                                    b.getBytes(StandardCharsets.UTF_8)));
            assertEquals(
                    expected,
                    Integer.signum(Ids.compareUtf8(a, b)),
                    "order of " + a + " vs " + b + " " + TestSeeds.describe(seed));
            assertEquals(
                    a.getBytes(StandardCharsets.UTF_8).length,
                    Ids.utf8Length(a),
                    "utf8Length " + TestSeeds.describe(seed));
        }
    }

    private static String randomString(Random random, int[][] ranges) {
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            int[] range = ranges[random.nextInt(ranges.length)];
            // Small spans near the range ends make equal prefixes (and ties) likely.
            int cp =
                    random.nextBoolean()
                            ? range[0] + random.nextInt(2)
                            : range[0] + random.nextInt(range[1] - range[0] + 1);
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @Test
    void checkAcceptsUpTo256Utf8BytesAndRejectsEmptyLongAndMalformedIds() {
        Ids.check("a");
        Ids.check("é".repeat(128)); // 256 bytes
        InvalidArgumentException tooLong =
                assertThrows(
                        InvalidArgumentException.class, () -> Ids.check("é".repeat(128) + "a"));
        assertEquals("id: expected 1..256 UTF-8 bytes, got 257", tooLong.getMessage());
        InvalidArgumentException empty =
                assertThrows(InvalidArgumentException.class, () -> Ids.check(""));
        assertEquals("id: expected 1..256 UTF-8 bytes, got 0", empty.getMessage());
        InvalidArgumentException lone =
                assertThrows(InvalidArgumentException.class, () -> Ids.check("a\uD800b"));
        assertTrue(lone.getMessage().contains("unpaired surrogate"), lone.getMessage());
    }
}
