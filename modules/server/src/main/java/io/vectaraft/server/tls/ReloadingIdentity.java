package io.vectaraft.server.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.vectaraft.server.config.TlsSettings.PemIdentity;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A listener's certificate and key, replaceable while it serves: the TLS stack asks the key manager
 * (grpc-java's {@link AdvancedTlsX509KeyManager}) for them at every handshake, so after {@link
 * #reload} new connections get the new certificate and established ones keep theirs. A pair that
 * cannot be used (unreadable, half-written, key of another certificate) leaves the one in force and
 * logs one line naming the file.
 */
final class ReloadingIdentity {
    private static final System.Logger LOG = System.getLogger(ReloadingIdentity.class.getName());

    private final PemIdentity files;
    private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();

    /**
     * @throws TlsFileException when the files cannot be used (the server does not start)
     */
    ReloadingIdentity(PemIdentity files) {
        this.files = files;
        install(PemFiles.identity(files.cert(), files.key()));
    }

    X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    List<Path> files() {
        return List.of(files.cert(), files.key());
    }

    /** Re-reads both files; keeps the pair in force when they cannot be used. */
    synchronized boolean reload() {
        PemFiles.Identity next;
        try {
            next = PemFiles.identity(files.cert(), files.key());
        } catch (TlsFileException e) {
            LOG.log(Level.ERROR, e.getMessage() + "; keeping the certificate in force");
            return false;
        }
        install(next);
        LOG.log(
                Level.INFO,
                "TLS certificate " + files.cert() + " reloaded: " + describe(next.chain()[0]));
        return true;
    }

    private void install(PemFiles.Identity identity) {
        PemFiles.validityProblem(identity.chain()[0], Instant.now())
                .ifPresent(
                        problem ->
                                LOG.log(
                                        Level.WARNING,
                                        "TLS certificate " + files.cert() + " is " + problem));
        keyManager.updateIdentityCredentials(identity.chain(), identity.key());
    }

    static String describe(X509Certificate leaf) {
        return leaf.getSubjectX500Principal().getName()
                + ", serial "
                + leaf.getSerialNumber().toString(16)
                + ", valid until "
                + leaf.getNotAfter().toInstant();
    }
}
