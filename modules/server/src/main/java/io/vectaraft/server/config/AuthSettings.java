package io.vectaraft.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * API keys: the key file, the single key, and what the server allows without them.
 *
 * @param keysFile {@code auth.keys-file}
 * @param apiKey {@code auth.api-key}, the secret itself (never logged: see {@link #toString})
 * @param openObservability {@code /metrics} and {@code /health/ready} without a key
 * @param insecure serve a non-loopback address without keys or mutual TLS
 */
public record AuthSettings(
        Optional<Path> keysFile,
        Optional<String> apiKey,
        boolean openObservability,
        boolean insecure) {

    /** Whether calls need a key. */
    public boolean keysOn() {
        return keysFile.isPresent() || apiKey.isPresent();
    }

    @Override
    public String toString() {
        return "AuthSettings[keysFile="
                + keysFile
                + ", apiKey="
                + (apiKey.isPresent() ? "(secret)" : "none")
                + ", openObservability="
                + openObservability
                + ", insecure="
                + insecure
                + "]";
    }
}
