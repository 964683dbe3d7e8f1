package io.vectaraft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.PingRequest;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} as a real process: flag errors, the announced port, SIGTERM. */
class MainProcessTest {
    private static final Pattern LISTENING =
            Pattern.compile("gRPC listening on 127\\.0\\.0\\.1:(\\d+)");

    private static Process launch(Path dir, String... args) throws IOException {
        return new ProcessBuilder(ServerJvm.command(args))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownFlagIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Process p = launch(dir, "--port", "0", "--bogus");
        String out = output(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertEquals(
                "vectaraft: unknown flag \"--bogus\" (run with --help for the list)",
                lastLine(out));
    }

    @Test
    void invalidEnvironmentNamesTheVariable(@TempDir Path dir) throws Exception {
        ProcessBuilder b =
                new ProcessBuilder(ServerJvm.command("--no-wal"))
                        .directory(dir.toFile())
                        .redirectErrorStream(true);
        b.environment().put("VECTARAFT_FSYNC", "sometimes");
        Process p = b.start();
        String out = output(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertEquals(
                "vectaraft: invalid wal.fsync \"sometimes\" from environment variable VECTARAFT_FSYNC:"
                        + " expected always, interval or none",
                lastLine(out));
    }

    /**
     * Reads the process's output into {@code lines}, one per line, on a thread of its own, so the
     * child never blocks on a full pipe.
     */
    static Thread drainInto(Process p, BlockingQueue<String> lines) {
        return Thread.ofVirtual()
                .start(
                        () -> {
                            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                                r.lines().forEach(lines::add);
                            } catch (IOException e) {
                                lines.add("(output failed: " + e + ")");
                            }
                        });
    }

    @Test
    void versionAndHelp(@TempDir Path dir) throws Exception {
        Process p = launch(dir, "--version");
        String out = output(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("vectaraft " + Version.get(), lastLine(out));

        p = launch(dir, "--help");
        out = output(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("--metrics-addr"), out);
    }

    @Test
    void announcesThePortServesAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Process p = launch(dir, "--port", "0", "--no-wal", "--metrics-addr", "127.0.0.1:0");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread drain = drainInto(p, lines);
        StringBuilder seen = new StringBuilder();
        try {
            int port = -1;
            while (port < 0) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertNotNull(line, "no listening line within 60 s in:\n" + seen);
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            ManagedChannel channel =
                    ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                assertEquals(
                        Version.get(),
                        VectorServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(30, TimeUnit.SECONDS)
                                .ping(PingRequest.getDefaultInstance())
                                .getVersion());
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            // SIGTERM through the handle: Process.destroy() would also close our end of the pipe.
            p.toHandle().destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM");
            drain.join();
            lines.forEach(l -> seen.append(l).append('\n'));
            assertTrue(
                    seen.toString().contains("vectaraft stopped"),
                    "logs the graceful stop (exit " + p.exitValue() + "):\n" + seen);
        } catch (AssertionError | RuntimeException e) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            drain.join();
            lines.forEach(l -> seen.append(l).append('\n'));
            throw new AssertionError(e.getMessage() + "\nchild output:\n" + seen, e);
        }
    }

    private static String lastLine(String out) {
        List<String> lines = out.strip().lines().toList();
        return lines.getLast();
    }
}
