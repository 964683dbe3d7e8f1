package io.vectaraft.server.auth;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Turns the credentials a request carries into a {@link Caller}. Clients send the key as {@code
 * authorization: Bearer <key>} or {@code api-key: <key>}, in gRPC metadata or HTTP headers alike.
 * Thread-safe; each call reads the current key ring once (see {@link LiveKeys}).
 */
public final class Authenticator {
    public static final String AUTHORIZATION = "authorization";
    public static final String API_KEY = "api-key";
    private static final String BEARER = "bearer ";

    private final Supplier<KeyRing> keys;

    public Authenticator(Supplier<KeyRing> keys) {
        this.keys = keys;
    }

    /**
     * @param authorization the {@code authorization} header, or null
     * @param apiKey the {@code api-key} header, or null
     */
    public Caller identify(String authorization, String apiKey) {
        String secret = secret(authorization, apiKey);
        if (secret == null) {
            return authorization == null ? Caller.MISSING : Caller.INVALID;
        }
        if (secret.isEmpty()) {
            return Caller.MISSING;
        }
        return keys.get().authenticate(secret).map(Caller::of).orElse(Caller.INVALID);
    }

    /**
     * The key sent: {@code api-key} when present, else the token of a Bearer {@code authorization};
     * null when {@code authorization} holds another scheme.
     */
    private static String secret(String authorization, String apiKey) {
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.strip();
        }
        if (authorization == null) {
            return "";
        }
        String value = authorization.strip();
        if (value.length() >= BEARER.length()
                && value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return value.substring(BEARER.length()).strip();
        }
        return null;
    }
}
