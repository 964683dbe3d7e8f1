package io.vectaraft.server.config;

import io.vectaraft.server.config.TlsSettings.ClientAuth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that span several security settings, checked once every setting parsed: a combination
 * that cannot work, or that would expose the data, stops the start with one line.
 */
final class SecurityRules {
    private SecurityRules() {}

    /**
     * @return warnings for the log (allowed, but worth an operator's attention)
     * @throws ConfigException for a combination that is refused
     */
    static List<String> check(ServerConfig c) {
        TlsSettings tls = c.tls();
        if (tls.clientCa().isPresent() && tls.clientAuth() == ClientAuth.NONE) {
            throw new ConfigException(
                    "tls.client-ca is set but tls.client-auth is none: expected optional or"
                            + " require");
        }
        if (tls.clientCa().isEmpty() && tls.clientAuth() != ClientAuth.NONE) {
            throw new ConfigException(
                    "tls.client-auth is "
                            + tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
                            + " but tls.client-ca is not set: expected the CA certificates that"
                            + " sign client certificates");
        }
        if (tls.clientCa().isPresent() && tls.grpc().isEmpty()) {
            throw new ConfigException(
                    "tls.client-ca is set but tls.cert and tls.key are not: mutual TLS needs the"
                            + " server's own certificate too");
        }
        List<String> warnings = new ArrayList<>();
        boolean loopback = isLoopback(c.grpcAddress().host());
        AuthSettings auth = c.auth();
        if (!loopback && !auth.keysOn() && !tls.mutual()) {
            if (!auth.insecure()) {
                throw new ConfigException(
                        "refusing to serve gRPC on "
                                + c.grpcAddress()
                                + " (not loopback) without authentication: configure API keys"
                                + " (auth.keys-file or auth.api-key) or mutual TLS (tls.client-auth"
                                + " require), or pass --insecure (auth.insecure: true) if every"
                                + " client on this network may read and write everything");
            }
            warnings.add(
                    "serving gRPC on "
                            + c.grpcAddress()
                            + " without authentication (auth.insecure): anyone who can reach it"
                            + " can read, change and drop every collection");
        }
        if (!loopback && auth.keysOn() && tls.grpc().isEmpty()) {
            warnings.add(
                    "API keys travel in plaintext on "
                            + c.grpcAddress()
                            + ": configure tls.cert and tls.key");
        }
        return warnings;
    }

    /** Whether every address the host names is a loopback address (unresolvable: no). */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
