package io.vectaraft.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS of the two listeners.
 *
 * @param grpc the gRPC listener's certificate and key ({@code tls.cert}, {@code tls.key}); empty:
 *     plaintext
 * @param clientCa who signs accepted client certificates ({@code tls.client-ca})
 * @param clientAuth whether gRPC clients must present a certificate ({@code tls.client-auth})
 * @param http the HTTP listener's certificate and key: {@code metrics.tls.*}, else the gRPC one,
 *     unless {@code metrics.tls.enabled} is false; empty: plain HTTP
 */
public record TlsSettings(
        Optional<PemIdentity> grpc,
        Optional<Path> clientCa,
        ClientAuth clientAuth,
        Optional<PemIdentity> http) {

    /** Whether client certificates are asked for ({@code optional}) or required. */
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRE
    }

    /** A certificate chain and its private key, both PEM files. */
    public record PemIdentity(Path cert, Path key) {}

    /** Whether every gRPC client must prove itself with a certificate (mutual TLS). */
    public boolean mutual() {
        return grpc.isPresent() && clientAuth == ClientAuth.REQUIRE;
    }
}
