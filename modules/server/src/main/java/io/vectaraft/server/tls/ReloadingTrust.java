package io.vectaraft.server.tls;

import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.AdvancedTlsX509TrustManager.Verification;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificates that sign accepted client certificates (mutual TLS), replaceable while the
 * server runs, as {@link ReloadingIdentity} is for the server's own. Client certificates are
 * checked against them (chain and validity); the client's host name is not (clients have none).
 */
final class ReloadingTrust {
    private static final System.Logger LOG = System.getLogger(ReloadingTrust.class.getName());

    private final Path file;
    private final AdvancedTlsX509TrustManager trustManager;

    /**
     * @throws TlsFileException when the file cannot be used (the server does not start)
     */
    ReloadingTrust(Path file) {
        this.file = file;
        try {
            this.trustManager =
                    AdvancedTlsX509TrustManager.newBuilder()
                            .setVerification(Verification.CERTIFICATE_ONLY_VERIFICATION)
                            .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust manager: " + e, e);
        }
        install(PemFiles.certificates(file));
    }

    X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    Path file() {
        return file;
    }

    synchronized boolean reload() {
        X509Certificate[] next;
        try {
            next = PemFiles.certificates(file);
        } catch (TlsFileException e) {
            LOG.log(Level.ERROR, e.getMessage() + "; keeping the client CA in force");
            return false;
        }
        install(next);
        LOG.log(
                Level.INFO,
                "TLS client CA " + file + " reloaded: " + next.length + " certificates");
        return true;
    }

    private void install(X509Certificate[] certs) {
        try {
            trustManager.updateTrustCredentials(certs);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException(file, "expected CA certificates, got " + e.getMessage());
        }
    }
}
