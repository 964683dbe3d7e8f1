package io.vectaraft.server.auth;

import java.util.HexFormat;

/**
 * One API key as the server knows it: an id for logs and metrics, the SHA-256 of the secret (never
 * the secret itself), a role and the collections it may use.
 */
public record ApiKey(String id, byte[] sha256, Role role, CollectionScope scope) {
    /** The bytes of a SHA-256 digest. */
    public static final int DIGEST_BYTES = 32;

    public ApiKey {
        if (sha256.length != DIGEST_BYTES) {
            throw new IllegalArgumentException(
                    "sha256: expected " + DIGEST_BYTES + " bytes, got " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The digest without copying, for {@link KeyRing}'s comparison. */
    byte[] digest() {
        return sha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k
                && id.equals(k.id)
                && java.util.Arrays.equals(sha256, k.sha256)
                && role == k.role
                && scope.equals(k.scope);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ApiKey[id="
                + id
                + ", sha256="
                + HexFormat.of().formatHex(sha256, 0, 4)
                + "..., role="
                + role
                + ", collections="
                + scope
                + "]";
    }
}
