package io.vectaraft.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vectaraft.api.v1.VectorServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Main} in a child JVM with the JVM options a test asks for (e.g. a small heap), its output
 * kept (the last lines) and a plaintext channel to it that accepts replies up to 64 MiB.
 */
final class ChildServer implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("gRPC listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final int KEPT_LINES = 200;

    private final Process process;
    private final ManagedChannel channel;
    private final Deque<String> lines;

    private ChildServer(Process process, ManagedChannel channel, Deque<String> lines) {
        this.process = process;
        this.channel = channel;
        this.lines = lines;
    }

    /** Starts {@code Main --port 0 --no-metrics} plus {@code flags}, under {@code jvmOptions}. */
    static ChildServer start(Path dir, List<String> jvmOptions, String... flags)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--no-metrics"));
        args.addAll(List.of(flags));
        List<String> command = ServerJvm.command(jvmOptions, args);
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        Deque<String> lines = new ArrayDeque<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("child-output").start(() -> drain(p, lines, port));
        int bound;
        try {
            bound = port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("server did not start:\n" + String.join("\n", lines), e);
        }
        ManagedChannel channel =
                ManagedChannelBuilder.forAddress("127.0.0.1", bound)
                        .usePlaintext()
                        .maxInboundMessageSize(64 << 20)
                        .build();
        return new ChildServer(p, channel, lines);
    }

    private static void drain(Process p, Deque<String> lines, CompletableFuture<Integer> port) {
        try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.addLast(line);
                    if (lines.size() > KEPT_LINES) {
                        lines.removeFirst();
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            // The process died; its output ends here.
        }
        port.completeExceptionally(new IOException("server exited before it listened"));
    }

    ManagedChannel channel() {
        return channel;
    }

    VectorServiceGrpc.VectorServiceBlockingStub stub() {
        return VectorServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last lines of the server's output, for failure messages. */
    String tail() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
