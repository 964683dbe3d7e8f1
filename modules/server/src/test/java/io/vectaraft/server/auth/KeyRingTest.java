package io.vectaraft.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Digest matching: the right key or none, every entry compared whatever matched. */
class KeyRingTest {
    private static ApiKey key(String id, String secret) {
        return new ApiKey(id, KeyRing.sha256(secret), Role.READ_ONLY, CollectionScope.ALL);
    }

    @Test
    void sha256IsThatOfTheUtf8Key() {
        // sha256("test"), as `printf %s test | sha256sum` prints it.
        assertEquals(
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                HexFormat.of().formatHex(KeyRing.sha256("test")));
    }

    @Test
    void authenticatesExactlyTheKeysOfTheRing() {
        KeyRing ring =
                new KeyRing(
                        List.of(key("a", "secret-a-0123456789"), key("b", "secret-b-0123456789")));
        assertEquals("a", ring.authenticate("secret-a-0123456789").orElseThrow().id());
        assertEquals("b", ring.authenticate("secret-b-0123456789").orElseThrow().id());
        assertTrue(ring.authenticate("secret-a-012345678").isEmpty(), "a prefix is not the key");
        assertTrue(ring.authenticate("secret-a-0123456789 ").isEmpty(), "nor a longer string");
        assertTrue(ring.authenticate("").isEmpty(), "nor nothing");
        assertTrue(KeyRing.EMPTY.authenticate("secret-a-0123456789").isEmpty(), "empty ring");
    }

    @Test
    void everyEntryIsComparedWhereverTheMatchIs() {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(key("k" + i, "secret-" + i));
        }
        KeyRing ring = new KeyRing(keys);
        for (String secret : List.of("secret-0", "secret-25", "secret-49", "unknown")) {
            AtomicInteger comparisons = new AtomicInteger();
            var found =
                    ring.match(
                            KeyRing.sha256(secret),
                            (x, y) -> {
                                comparisons.incrementAndGet();
                                return java.security.MessageDigest.isEqual(x, y);
                            });
            assertEquals(50, comparisons.get(), "comparisons for " + secret + " (no early exit)");
            assertEquals(
                    secret.equals("unknown") ? null : "k" + secret.substring(7),
                    found.map(ApiKey::id).orElse(null),
                    "match for " + secret);
        }
    }

    @Test
    void toStringNeverShowsTheWholeDigest() {
        ApiKey k = key("a", "secret");
        String hex = HexFormat.of().formatHex(k.sha256());
        assertTrue(!k.toString().contains(hex), k.toString());
    }
}
