package io.vectaraft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command's failure paths; answering servers are covered by the image test in dist. */
class PingClientTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void unreachableServerIsStatusOneWithTheGrpcCode() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        int status = run("127.0.0.1:" + closedPort);
        assertEquals(1, status, "exit status; stderr: " + text(err));
        assertTrue(
                text(err).startsWith("ping 127.0.0.1:" + closedPort + " failed: UNAVAILABLE"),
                "stderr: " + text(err));
        assertEquals("", text(out), "nothing on stdout when the ping fails");
    }

    @Test
    void usageErrorsAreStatusTwoAndHelpIsZero() {
        assertEquals(2, run("a:1", "b:2"), "two targets");
        assertEquals(2, run("--port"), "an unknown flag");
        assertTrue(text(err).contains("usage: ping.sh ["), "stderr: " + text(err));
        assertEquals(
                2, run("--tls-cert", "c.pem", "--tls-key", "k.pem"), "a certificate without TLS");
        assertTrue(text(err).contains("--tls-cert needs --tls-ca"), "stderr: " + text(err));
        assertEquals(2, run("--api-key"), "a flag without its value");
        assertEquals(2, run("--timeout", "0"), "a timeout that is not positive");
        assertTrue(text(err).contains("--timeout: expected seconds"), "stderr: " + text(err));
        assertEquals(0, run("--help"));
        assertTrue(text(out).contains("usage: ping.sh"), "stdout: " + text(out));
    }

    private int run(String... args) {
        return PingClient.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
