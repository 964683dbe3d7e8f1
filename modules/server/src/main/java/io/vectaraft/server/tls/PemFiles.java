package io.vectaraft.server.tls;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads PEM certificates and private keys (with grpc-java's {@link CertificateUtils}) and checks
 * them before they are used: a chain that is not there, a key in a format the JDK cannot read, a
 * key that does not belong to the certificate each become a {@link TlsFileException} naming the
 * file and the problem.
 */
final class PemFiles {
    private PemFiles() {}

    /** A certificate chain (leaf first) and its private key. */
    record Identity(X509Certificate[] chain, PrivateKey key) {}

    static Identity identity(Path certFile, Path keyFile) {
        X509Certificate[] chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(chain[0], key)) {
            throw new TlsFileException(
                    keyFile,
                    "expected the private key of the certificate in "
                            + certFile
                            + ", got another key");
        }
        return new Identity(chain, key);
    }

    static X509Certificate[] certificates(Path file) {
        byte[] pem = read(file);
        X509Certificate[] certs;
        try {
            certs = CertificateUtils.getX509Certificates(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(file, "expected PEM certificates, got " + e.getMessage());
        }
        if (certs.length == 0) {
            throw new TlsFileException(
                    file, "expected PEM certificates (-----BEGIN CERTIFICATE-----), got none");
        }
        return certs;
    }

    static PrivateKey privateKey(Path file) {
        byte[] pem = read(file);
        String text = new String(pem, StandardCharsets.US_ASCII);
        Optional<String> other = otherFormat(text);
        if (other.isPresent()) {
            throw new TlsFileException(
                    file,
                    "expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----), got "
                            + other.get()
                            + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                            + file
                            + " -out key.pem");
        }
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new TlsFileException(
                    file, "expected a PEM private key (-----BEGIN PRIVATE KEY-----), got none");
        }
        try {
            return CertificateUtils.getPrivateKey(new ByteArrayInputStream(pem));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(
                    file, "expected an RSA or EC private key, got " + e.getMessage());
        }
    }

    private static Optional<String> otherFormat(String pem) {
        if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            return Optional.of("an encrypted key");
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            return Optional.of("a PKCS#1 RSA key");
        }
        if (pem.contains("BEGIN EC PRIVATE KEY")) {
            return Optional.of("a SEC1 EC key");
        }
        return Optional.empty();
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean belongTogether(X509Certificate cert, PrivateKey key) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    default -> null;
                };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Why the leaf certificate is not valid now, if it is not. */
    static Optional<String> validityProblem(X509Certificate leaf, Instant now) {
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return Optional.of("expired on " + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return Optional.of("not valid before " + leaf.getNotBefore().toInstant());
        }
        return Optional.empty();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot read it: " + e);
        }
    }
}
