package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import io.vectaraft.server.TestKeys.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} as a real process: refusals to start (exit 2, one line) and SIGHUP. */
class SecurityProcessTest {
    private static final Pattern LISTENING = Pattern.compile("gRPC listening on [^ ]+:(\\d+)");
    private static final String HANGUP_IGNORED = "SIGHUP is ignored by the process that started";

    private record Exit(int status, String output) {
        String lastLine() {
            List<String> lines = output.strip().lines().toList();
            return lines.getLast();
        }
    }

    private static Exit run(Path dir, String... args) throws Exception {
        Process p =
                new ProcessBuilder(ServerJvm.command(args))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited");
        return new Exit(p.exitValue(), out);
    }

    @Test
    void anInvalidKeyFileStopsTheStartWithExitCode2(@TempDir Path dir) throws Exception {
        Path keys =
                Files.writeString(dir.resolve("keys.yaml"), "keys:\n  - id: ops\n    role: boss\n");
        Exit e =
                run(
                        dir,
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics",
                        "--api-keys-file",
                        keys.toString());
        assertEquals(2, e.status(), e.output());
        assertEquals(
                "vectaraft: key file "
                        + keys
                        + " line 2: keys[0]: expected a sha256 (hex SHA-256 of the key), got none",
                e.lastLine());
    }

    @Test
    void aNonLoopbackAddressWithoutAuthenticationIsRefused(@TempDir Path dir) throws Exception {
        Exit e = run(dir, "--host", "0.0.0.0", "--port", "0", "--no-wal", "--no-metrics");
        assertEquals(2, e.status(), e.output());
        assertEquals(
                1,
                e.output().strip().lines().filter(l -> !l.contains("incubator modules")).count(),
                "one line: " + e.output());
        assertTrue(
                e.lastLine()
                        .startsWith(
                                "vectaraft: refusing to serve gRPC on 0.0.0.0:0 (not loopback) without authentication:"),
                e.lastLine());
        assertTrue(e.lastLine().contains("--insecure"), "says how to override: " + e.lastLine());
    }

    @Test
    void aWeakSingleKeyIsRefusedWithoutEchoingIt(@TempDir Path dir) throws Exception {
        Exit e = run(dir, "--port", "0", "--no-wal", "--no-metrics", "--api-key", "short-secret");
        assertEquals(2, e.status(), e.output());
        assertTrue(!e.output().contains("short-secret"), "the key is never echoed: " + e.output());
        assertTrue(
                e.lastLine()
                        .startsWith(
                                "vectaraft: invalid auth.api-key from flag --api-key: expected at least 16"),
                e.lastLine());
    }

    /**
     * Non-loopback with keys serves (warning that keys travel in plaintext without TLS), and SIGHUP
     * reloads the key file of the running process, here a rewrite that the file watcher cannot see
     * (same size, inode and time).
     */
    @Test
    void keysAllowANonLoopbackAddressAndSighupReloadsThem(@TempDir Path dir) throws Exception {
        Entry old = Entry.of("k", "read-only");
        Entry rotated =
                new Entry("k", "vtr_k_ZYXWVUTSRQPONMLKJIHGFEDCBA987654", "read-only", List.of());
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), old);
        Process p =
                new ProcessBuilder(
                                ServerJvm.command(
                                        "--host",
                                        "0.0.0.0",
                                        "--port",
                                        "0",
                                        "--no-wal",
                                        "--no-metrics",
                                        "--api-keys-file",
                                        keys.toString()))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread drain = MainProcessTest.drainInto(p, lines);
        StringBuilder seen = new StringBuilder();
        try {
            int port = -1;
            while (port < 0) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no listening line in:\n" + seen);
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            ManagedChannel channel =
                    ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                var stub =
                        VectorServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(30, TimeUnit.SECONDS);
                TestKeys.as(stub, old).ping(PingRequest.getDefaultInstance());
                var time = Files.getLastModifiedTime(keys);
                Files.writeString(keys, Files.readString(keys).replace(old.yaml(), rotated.yaml()));
                Files.setLastModifiedTime(keys, time);
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                // Wait for the reload line, then the rotated key must work.
                while (!seen.toString().contains("reloaded")) {
                    String line = lines.poll(60, TimeUnit.SECONDS);
                    assertTrue(line != null, "no reload line after SIGHUP in:\n" + seen);
                    seen.append(line).append('\n');
                }
                TestKeys.as(
                                VectorServiceGrpc.newBlockingStub(channel)
                                        .withDeadlineAfter(30, TimeUnit.SECONDS),
                                rotated)
                        .ping(PingRequest.getDefaultInstance());
                assertTrue(p.isAlive(), "SIGHUP does not stop the server");
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            assertTrue(seen.toString().contains("API keys travel in plaintext"), "warns:\n" + seen);
            p.toHandle().destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM");
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            drain.join();
        }
    }

    /**
     * Under nohup SIGHUP stays ignored and never reloads the key file: the start-up says so once,
     * naming the file.
     */
    @Test
    void sighupIgnoredByTheStarterIsReportedWhenKeysAreOn(@TempDir Path dir) throws Exception {
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), Entry.of("k", "read-only"));
        List<String> out =
                outputUntilReady(
                        dir,
                        List.of("nohup"),
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics",
                        "--api-keys-file",
                        keys.toString());
        List<String> warnings = out.stream().filter(l -> l.contains(HANGUP_IGNORED)).toList();
        assertEquals(1, warnings.size(), "one warning in:\n" + String.join("\n", out));
        assertTrue(
                warnings.getFirst().contains("[" + keys + "] reload only when they change"),
                warnings.getFirst());
    }

    /** Without a key file or certificates SIGHUP has nothing to reload. */
    @Test
    void sighupIgnoredByTheStarterIsNotReportedWithNothingToReload(@TempDir Path dir)
            throws Exception {
        List<String> out =
                outputUntilReady(dir, List.of("nohup"), "--port", "0", "--no-wal", "--no-metrics");
        assertTrue(
                out.stream().noneMatch(l -> l.contains(HANGUP_IGNORED)),
                "no warning in:\n" + String.join("\n", out));
    }

    /** A server started as usual installs its handler and does not warn. */
    @Test
    void sighupNotIgnoredIsNotReported(@TempDir Path dir) throws Exception {
        Path keys = TestKeys.write(dir.resolve("keys.yaml"), Entry.of("k", "read-only"));
        List<String> out =
                outputUntilReady(
                        dir,
                        List.of(),
                        "--port",
                        "0",
                        "--no-wal",
                        "--no-metrics",
                        "--api-keys-file",
                        keys.toString());
        assertTrue(
                out.stream().noneMatch(l -> l.contains(HANGUP_IGNORED)),
                "no warning (unless this build runs with SIGHUP ignored, e.g. under nohup) in:\n"
                        + String.join("\n", out));
    }

    /**
     * Starts {@link Main} with {@code args} under {@code wrapper} (a command that execs the rest,
     * or none), returns its output up to its "ready" line (logged after every start-up warning),
     * then stops it.
     */
    private static List<String> outputUntilReady(Path dir, List<String> wrapper, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(ServerJvm.command(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread drain = MainProcessTest.drainInto(p, lines);
        List<String> seen = new ArrayList<>();
        try {
            while (seen.isEmpty() || !seen.getLast().contains(" ready in ")) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(line != null, "no ready line in:\n" + String.join("\n", seen));
                seen.add(line);
            }
            p.toHandle().destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM");
            return seen;
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            drain.join();
        }
    }
}
