package io.vectaraft.server.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.vectaraft.server.config.TlsSettings;
import io.vectaraft.server.reload.FileWatcher;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * TLS for both listeners, from {@link TlsSettings}: the gRPC one on Netty with the JDK's TLS
 * provider (not the BoringSSL that grpc-netty-shaded carries and would pick by default), the HTTP
 * one on Helidon with a JDK {@link SSLContext}; TLS 1.3 and 1.2 only. Certificates, keys and the
 * client CA are read through reloading key and trust managers, so {@link #reload} rotates them
 * without a restart: new connections get the new certificate.
 */
public final class ServerTls {
    /** The protocols offered: TLS 1.2 and later. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final TlsSettings settings;
    private final Optional<ReloadingIdentity> grpc;
    private final Optional<ReloadingTrust> clientCa;
    private final Optional<ReloadingIdentity> http;

    private ServerTls(TlsSettings settings) {
        this.settings = settings;
        this.grpc = settings.grpc().map(ReloadingIdentity::new);
        this.clientCa = settings.clientCa().map(ReloadingTrust::new);
        this.http =
                settings.http()
                        .map(
                                files ->
                                        grpc.isPresent() && settings.grpc().get().equals(files)
                                                ? grpc.get()
                                                : new ReloadingIdentity(files));
    }

    /**
     * Reads the certificates and keys the settings name.
     *
     * @throws TlsFileException naming the first file that cannot be used
     */
    public static ServerTls load(TlsSettings settings) {
        return new ServerTls(settings);
    }

    /** The gRPC listener's context, or empty for plaintext. */
    public Optional<SslContext> grpcContext() {
        if (grpc.isEmpty()) {
            return Optional.empty();
        }
        SslContextBuilder builder =
                GrpcSslContexts.configure(
                                SslContextBuilder.forServer(grpc.get().keyManager()),
                                SslProvider.JDK)
                        .protocols(PROTOCOLS);
        if (clientCa.isPresent()) {
            builder.trustManager(clientCa.get().trustManager())
                    .clientAuth(
                            settings.clientAuth() == TlsSettings.ClientAuth.REQUIRE
                                    ? ClientAuth.REQUIRE
                                    : ClientAuth.OPTIONAL);
        }
        try {
            return Optional.of(builder.build());
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for gRPC: " + e.getMessage(), e);
        }
    }

    /** The HTTP listener's context, or empty for plain HTTP. */
    public Optional<SSLContext> httpContext() {
        if (http.isEmpty()) {
            return Optional.empty();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {http.get().keyManager()}, null, null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for HTTP: " + e.getMessage(), e);
        }
    }

    /**
     * Reloads each certificate, key and CA when its files change (and on SIGHUP, through {@link
     * FileWatcher#reloadAll}).
     */
    public void watch(FileWatcher watcher) {
        grpc.ifPresent(g -> watcher.watch(g.files(), g::reload));
        clientCa.ifPresent(c -> watcher.watch(List.of(c.file()), c::reload));
        http.filter(h -> grpc.isEmpty() || h != grpc.get())
                .ifPresent(h -> watcher.watch(h.files(), h::reload));
    }
}
