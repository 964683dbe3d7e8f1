package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.server.TestKeys.Entry;
import io.vectaraft.server.config.CommandLine;
import io.vectaraft.server.config.ConfigException;
import io.vectaraft.server.config.ConfigLoader;
import io.vectaraft.server.config.HostPort;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS with certificates made by openssl in the test: TLS 1.2+ only, plaintext and
 * unknown clients refused, the HTTP listener on the same certificate, rotation without a restart.
 */
class TlsTest {
    @TempDir static Path certsDir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.ca(certsDir, "ca");
        certs.issue("ca", "server", "localhost", true);
        certs.issue("ca", "server2", "localhost", true);
        certs.issue("ca", "client", "tenant-a-app", false);
        TestCerts.ca(certsDir, "other-ca").issue("other-ca", "stranger", "stranger", false);
    }

    private static TestServer start(Path dir, String... flags) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "--tls-cert",
                                copy(dir, "server.pem").toString(),
                                "--tls-key",
                                copy(dir, "server.key").toString()));
        all.addAll(List.of(flags));
        return TestServer.start(dir, all.toArray(String[]::new));
    }

    /** A copy in the test's own directory, so that rotating it touches no other test. */
    private static Path copy(Path dir, String name) {
        try {
            return Files.copy(
                    certsDir.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String ping(ManagedChannel channel) {
        try {
            return VectorServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .ping(PingRequest.getDefaultInstance())
                    .getVersion();
        } finally {
            channel.shutdownNow();
        }
    }

    private static Status.Code failure(ManagedChannel channel) {
        return assertThrows(StatusRuntimeException.class, () -> ping(channel))
                .getStatus()
                .getCode();
    }

    /** The certificate and protocol a fresh JDK handshake gets, with protocols limited if given. */
    private static SSLSocket handshake(int port, String... protocols) throws Exception {
        SSLSocket socket =
                (SSLSocket)
                        TestCerts.trusting(certs.pem("ca"))
                                .getSocketFactory()
                                .createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return socket;
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket s = handshake(port)) {
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void tlsServesTls13And12AndRefusesPlaintext(@TempDir Path dir) throws Exception {
        try (TestServer server = start(dir)) {
            int port = server.server.grpcAddress().port();
            assertEquals(Version.get(), ping(TestCerts.channel(port, certs.pem("ca"), null, null)));
            try (SSLSocket s = handshake(port)) {
                assertEquals("TLSv1.3", s.getSession().getProtocol());
            }
            try (SSLSocket s = handshake(port, "TLSv1.2")) {
                assertEquals("TLSv1.2", s.getSession().getProtocol());
            }
            assertEquals(Status.Code.UNAVAILABLE, failure(server.channel), "a plaintext client");
            assertTrue(opensslConnects(port, "-tls1_2"), "openssl with TLS 1.2");
            assertTrue(!opensslConnects(port, "-tls1_1"), "TLS 1.1 is refused by the server");
        }
    }

    /** Whether {@code openssl s_client} completes a handshake with the protocol flag given. */
    private static boolean opensslConnects(int port, String protocol) throws Exception {
        Process p =
                new ProcessBuilder(
                                "openssl",
                                "s_client",
                                "-connect",
                                "127.0.0.1:" + port,
                                protocol,
                                "-cipher",
                                "DEFAULT:@SECLEVEL=0",
                                "-CAfile",
                                certs.pem("ca").toString())
                        .redirectErrorStream(true)
                        .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        boolean handshook =
                out.contains("Verify return code: 0 (ok)") && !out.contains("Cipher is (NONE)");
        assertEquals(
                p.exitValue() == 0 && handshook, handshook, "openssl " + protocol + ":\n" + out);
        return handshook;
    }

    @Test
    void mutualTlsRequiresACertificateFromTheClientCa(@TempDir Path dir) throws Exception {
        try (TestServer server =
                start(
                        dir,
                        "--tls-client-ca",
                        certs.pem("ca").toString(),
                        "--tls-client-auth",
                        "require")) {
            int port = server.server.grpcAddress().port();
            assertEquals(
                    Version.get(),
                    ping(
                            TestCerts.channel(
                                    port,
                                    certs.pem("ca"),
                                    certs.pem("client"),
                                    certs.key("client"))));
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    failure(TestCerts.channel(port, certs.pem("ca"), null, null)),
                    "no client certificate");
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    failure(
                            TestCerts.channel(
                                    port,
                                    certs.pem("ca"),
                                    certs.pem("stranger"),
                                    certs.key("stranger"))),
                    "a certificate of another CA");
            assertEquals(Status.Code.UNAVAILABLE, failure(server.channel), "plaintext");
        }
    }

    @Test
    void keysAndMutualTlsTogetherAuditTheClientCertificate(@TempDir Path dir) throws Exception {
        Entry ro = Entry.of("ro", "read-only");
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), ro);
        try (TestServer server =
                start(
                        dir,
                        "--tls-client-ca",
                        certs.pem("ca").toString(),
                        "--tls-client-auth",
                        "optional",
                        "--api-keys-file",
                        keys.toString())) {
            int port = server.server.grpcAddress().port();
            ManagedChannel withCert =
                    TestCerts.channel(
                            port, certs.pem("ca"), certs.pem("client"), certs.key("client"));
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> ping(withCert),
                            "a certificate is not a key");
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
            ManagedChannel keyed = TestCerts.channel(port, certs.pem("ca"), null, null);
            try {
                assertEquals(
                        Version.get(),
                        TestKeys.as(
                                        VectorServiceGrpc.newBlockingStub(keyed)
                                                .withDeadlineAfter(30, TimeUnit.SECONDS),
                                        ro)
                                .ping(PingRequest.getDefaultInstance())
                                .getVersion(),
                        "optional client certificates: a key alone is enough");
            } finally {
                keyed.shutdownNow();
            }
        }
    }

    @Test
    void theHttpListenerServesTheSameCertificate(@TempDir Path dir) throws Exception {
        try (TestServer server = start(dir, "--metrics-addr", "127.0.0.1:0")) {
            HostPort http = server.server.metricsAddress().orElseThrow();
            try (HttpClient client =
                    HttpClient.newBuilder()
                            .sslContext(TestCerts.trusting(certs.pem("ca")))
                            .build()) {
                HttpResponse<String> live =
                        client.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "https://127.0.0.1:"
                                                                + http.port()
                                                                + "/health/live"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, live.statusCode());
                assertEquals(
                        servedSerial(server.server.grpcAddress().port()),
                        ((X509Certificate) live.sslSession().orElseThrow().getPeerCertificates()[0])
                                .getSerialNumber(),
                        "same certificate as gRPC");
            }
        }
    }

    @Test
    void aRotatedCertificateIsServedWithoutARestartAndABrokenOneIsNot(@TempDir Path dir)
            throws Exception {
        try (TestServer server = start(dir)) {
            int port = server.server.grpcAddress().port();
            BigInteger first = servedSerial(port);
            // A half-written pair: the new certificate with the old key. The old pair stays.
            Files.copy(
                    certsDir.resolve("server2.pem"),
                    dir.resolve("server.pem"),
                    StandardCopyOption.REPLACE_EXISTING);
            server.server.reload();
            assertEquals(first, servedSerial(port), "a certificate without its key is not taken");
            Files.copy(
                    certsDir.resolve("server2.key"),
                    dir.resolve("server.key"),
                    StandardCopyOption.REPLACE_EXISTING);
            BigInteger second = new BigInteger(1, new byte[] {0});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (second = servedSerial(port)).equals(first)) {
                Thread.sleep(50);
            }
            assertTrue(!second.equals(first), "the new certificate is served");
            assertEquals(
                    Version.get(),
                    ping(TestCerts.channel(port, certs.pem("ca"), null, null)),
                    "and works for gRPC");
        }
    }

    @Test
    void unusableCertificateFilesStopTheStartNamingTheFile(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Path pkcs1 =
                Files.writeString(
                        dir.resolve("rsa.key"),
                        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        String cert = certs.pem("server").toString();
        String key = certs.key("server").toString();
        assertTrue(
                startError(dir, "--tls-cert", garbage.toString(), "--tls-key", key)
                        .startsWith("TLS file " + garbage + ": expected PEM certificates"));
        assertTrue(
                startError(dir, "--tls-cert", cert, "--tls-key", pkcs1.toString())
                        .contains("got a PKCS#1 RSA key; convert it with: openssl pkcs8"));
        assertTrue(
                startError(dir, "--tls-cert", cert, "--tls-key", certs.key("client").toString())
                        .endsWith(
                                "expected the private key of the certificate in "
                                        + cert
                                        + ", got another key"));
        assertTrue(
                startError(dir, "--tls-cert", dir.resolve("none.pem").toString(), "--tls-key", key)
                        .contains("cannot read it"));
    }

    private static String startError(Path dir, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--no-wal", "--no-metrics"));
        args.addAll(List.of(flags));
        var config = ConfigLoader.load(CommandLine.parse(args), Map.of(), dir).config();
        return assertThrows(ConfigException.class, () -> VectaraftServer.start(config).close())
                .getMessage();
    }
}
