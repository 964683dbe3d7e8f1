package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made for a test with Debian's openssl: a CA, and server and client certificates it
 * signs (the server's for 127.0.0.1 and localhost). Files are PEM, keys PKCS#8.
 */
final class TestCerts {
    final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** A CA named {@code name} in {@code dir} ({@code name}.pem, {@code name}.key). */
    static TestCerts ca(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        TestCerts certs = new TestCerts(dir);
        openssl(
                dir,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-subj",
                "/CN=" + name);
        return certs;
    }

    /**
     * A certificate for {@code cn} signed by the CA {@code ca}, as {@code name}.pem and {@code
     * name}.key (RSA for servers, as most are; EC for clients).
     */
    Path[] issue(String ca, String name, String cn, boolean server) throws Exception {
        List<String> keyType =
                server
                        ? List.of("rsa:2048")
                        : List.of("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        List<String> req = new ArrayList<>(List.of("req", "-newkey"));
        req.addAll(keyType);
        req.addAll(
                List.of(
                        "-nodes",
                        "-keyout",
                        name + ".key",
                        "-out",
                        name + ".csr",
                        "-subj",
                        "/CN=" + cn));
        openssl(dir, req.toArray(String[]::new));
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(
                ext,
                server
                        ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                        : "extendedKeyUsage=clientAuth\n");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                ca + ".pem",
                "-CAkey",
                ca + ".key",
                "-CAcreateserial",
                "-out",
                name + ".pem",
                "-days",
                "2",
                "-extfile",
                ext.toString());
        return new Path[] {dir.resolve(name + ".pem"), dir.resolve(name + ".key")};
    }

    Path pem(String name) {
        return dir.resolve(name + ".pem");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + out);
        }
    }

    /** A TLS channel to {@code port} that trusts {@code ca}, presenting {@code client} if given. */
    static ManagedChannel channel(int port, Path ca, Path clientCert, Path clientKey)
            throws IOException {
        SslContextBuilder ssl =
                GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                        .trustManager(ca.toFile());
        if (clientCert != null) {
            ssl.keyManager(clientCert.toFile(), clientKey.toFile());
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
    }

    /** A JDK context that trusts the CA in {@code ca} only. */
    static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            X509Certificate cert =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("ca", cert);
        }
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
