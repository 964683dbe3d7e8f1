package io.vectaraft.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The keys the server accepts, as an immutable set of digests.
 *
 * <p>{@link #authenticate} hashes the presented secret and compares the digest with every entry
 * with {@link MessageDigest#isEqual} (constant time per comparison), without stopping at a match:
 * the time a lookup takes depends on the number of keys only, not on which key matched or how much
 * of a digest did. Comparing digests rather than secrets also means the server never holds a secret
 * beyond the call that presented it.
 */
public final class KeyRing {
    /** No keys: nothing authenticates. */
    public static final KeyRing EMPTY = new KeyRing(List.of());

    private final List<ApiKey> keys;

    public KeyRing(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<ApiKey> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    /** The key whose digest is that of {@code secret}, if any. */
    public Optional<ApiKey> authenticate(String secret) {
        return match(sha256(secret));
    }

    /** The key with this digest: every entry is compared, whatever matched. */
    Optional<ApiKey> match(byte[] digest) {
        return match(digest, MessageDigest::isEqual);
    }

    /** As {@link #match(byte[])} with the comparison given (tests count the comparisons). */
    Optional<ApiKey> match(byte[] digest, BiPredicate<byte[], byte[]> equal) {
        ApiKey found = null;
        for (ApiKey key : keys) {
            // No early exit: the loop runs over every key whether or not one matched.
            boolean same = equal.test(digest, key.digest());
            found = same ? key : found;
        }
        return Optional.ofNullable(found);
    }

    /** The SHA-256 of the UTF-8 bytes of {@code secret}. */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
