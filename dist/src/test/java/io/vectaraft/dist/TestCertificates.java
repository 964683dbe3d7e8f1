package io.vectaraft.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A CA and a server certificate it signs (for 127.0.0.1 and localhost), made with openssl in the
 * test's directory: {@code ca.pem}, {@code server.pem}, {@code server.key} (PKCS#8).
 */
record TestCertificates(Path ca, Path cert, Path key) {
    static TestCertificates make(Path dir) throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
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
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=test-ca");
        openssl(
                dir,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost");
        openssl(
                dir,
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext");
        return new TestCertificates(
                dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"));
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Command c = Command.run(dir, Duration.ofSeconds(60), command);
        if (c.exit() != 0) {
            throw new IllegalStateException(command + " failed:\n" + c.output());
        }
    }
}
