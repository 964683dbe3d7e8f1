package io.vectaraft.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code clients/python/sample_client.py} with Debian's python3-grpcio (gRPC C-core) against
 * the image's server. Guards the transport choice of ADR 0001: C-core's literal-name pseudo-headers
 * must get through.
 */
class PythonClientIT {
    private static final Pattern RANKED = Pattern.compile("^\\s+\\d+\\. (\\S+)\\s+score ");

    @TempDir Path work;

    @Test
    void sampleClientRunsAndTheFilterChangesTheAnswer() throws Exception {
        try (ServerProcess server =
                ServerProcess.start(
                        Fixtures.image(),
                        work,
                        Map.of(),
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics")) {
            int port = server.awaitPort();
            List<String> command =
                    List.of(
                            Fixtures.python(),
                            Fixtures.root().resolve("clients/python/sample_client.py").toString(),
                            "--addr",
                            "127.0.0.1:" + port);
            // Twice: a rerun against the same server must work too (idempotent create, replace).
            for (int run = 1; run <= 2; run++) {
                Command client = Command.run(work, Duration.ofSeconds(120), command);
                assertEquals(0, client.exit(), "run " + run + " exit status:\n" + client.output());
                String out = client.output();
                assertTrue(
                        out.contains("connected to vectaraft " + Fixtures.version()),
                        "run " + run + " should report the server version:\n" + out);
                assertTrue(out.contains("upserted 6 records"), "run " + run + ":\n" + out);
                List<List<String>> answers = rankedSections(out);
                assertEquals(
                        List.of(
                                List.of("blade-runner", "the-matrix", "arrival"),
                                List.of("the-matrix", "arrival", "memento")),
                        answers,
                        "run " + run + ": unfiltered then filtered top 3:\n" + out);
            }
            server.stop();
        }
    }

    /**
     * The sample client over TLS with an API key, against the image started with a certificate made
     * by openssl here and the single key in the environment; without the key it is refused.
     */
    @Test
    void sampleClientWorksOverTlsWithAKey() throws Exception {
        TestCertificates certs = TestCertificates.make(work);
        String key = "vtr_test_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        try (ServerProcess server =
                ServerProcess.start(
                        Fixtures.image(),
                        work,
                        Map.of("VECTARAFT_API_KEY", key),
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics",
                        "--tls-cert",
                        certs.cert().toString(),
                        "--tls-key",
                        certs.key().toString())) {
            int port = server.awaitPort();
            List<String> command =
                    List.of(
                            Fixtures.python(),
                            Fixtures.root().resolve("clients/python/sample_client.py").toString(),
                            "--addr",
                            "127.0.0.1:" + port,
                            "--tls-ca",
                            certs.ca().toString());
            List<String> keyed = new ArrayList<>(command);
            keyed.addAll(List.of("--api-key", key));
            Command client = Command.run(work, Duration.ofSeconds(120), keyed);
            assertEquals(
                    0,
                    client.exit(),
                    "exit status:\n" + client.output() + "\nserver:\n" + server.output());
            assertEquals(
                    List.of(
                            List.of("blade-runner", "the-matrix", "arrival"),
                            List.of("the-matrix", "arrival", "memento")),
                    rankedSections(client.output()),
                    client.output());
            Command refused = Command.run(work, Duration.ofSeconds(120), command);
            assertEquals(1, refused.exit(), "without the key:\n" + refused.output());
            assertTrue(
                    refused.output().contains("error: UNAUTHENTICATED: missing API key"),
                    refused.output());
            server.stop();
        }
    }

    /** The ids listed under each "query ..." heading, in order. */
    private static List<List<String>> rankedSections(String output) {
        List<List<String>> sections = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("query ")) {
                sections.add(new ArrayList<>());
            }
            Matcher m = RANKED.matcher(line);
            if (m.find() && !sections.isEmpty()) {
                sections.getLast().add(m.group(1));
            }
        }
        return sections;
    }
}
